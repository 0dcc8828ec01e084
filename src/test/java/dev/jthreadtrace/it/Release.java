package dev.jthreadtrace.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The release as scripts/package builds it from the sources, into a directory of its own (the
 * checkout's target/ is in use by the tests; seeded with the build's outputs, so nothing is compiled twice), and an environment with no JDK on PATH and no
 * JAVA_HOME for it.
 */
record Release(Path dist, String version, Path tarball, Path deb) {
    /** Runs scripts/package --build-dir BUILD with the JDK running the tests; fails the test with its output when it fails. */
    static Release build(Path buildDir) {
        seed(buildDir);
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Tool.Result r = Tool.run(List.of(Tool.basedir().resolve("scripts/package").toAbsolutePath().toString(), "--build-dir",
                buildDir.toString()), env, 900);
        assertEquals(0, r.code(), "scripts/package failed:\n" + r.out() + r.err());
        Properties build = new Properties();
        try (var in = Files.newInputStream(buildDir.resolve("classes/META-INF/jthreadtrace/build.properties"))) {
            build.load(in);
        } catch (IOException e) {
            return fail(e);
        }
        String version = build.getProperty("version");
        Path dist = buildDir.resolve("dist");
        Path tarball = dist.resolve("jthreadtrace-" + version + "-linux-x86_64.tar.gz");
        Path deb = dist.resolve("jthreadtrace_" + version + "_amd64.deb");
        assertTrue(Files.isRegularFile(tarball) && Files.isRegularFile(deb), "scripts/package made " + tarball + " and " + deb
                + ":\n" + r.out() + r.err());
        return new Release(dist, version, tarball, deb);
    }

    /**
     * The build's own outputs of the main sources, copied with their times into the build
     * directory: the Maven build there then finds every class up to date (its incremental check
     * still compiles a source newer than its class) and does the rest of its steps, where a build
     * from nothing compiled the whole tree a second time in the same test run (20-35 s here).
     * Nothing of the tests' (test-classes, native fixtures, AOT caches) goes along.
     */
    private static void seed(Path buildDir) {
        Path target = Path.of(System.getProperty("jthreadtrace.jar", "target/jthreadtrace.jar")).toAbsolutePath().getParent();
        List<String> cmd = new java.util.ArrayList<>(List.of("cp", "-a", "--"));
        for (String name : List.of("classes", "generated-sources", "maven-status", "maven-archiver", "lib", "jthreadtrace.jar",
                "jthreadtrace-agent.jar")) {
            if (Files.exists(target.resolve(name))) cmd.add(target.resolve(name).toString());
        }
        if (cmd.size() == 3) return;
        try {
            Files.createDirectories(buildDir);
        } catch (IOException e) {
            fail(e);
        }
        cmd.add(buildDir.toString());
        Tool.Result r = Tool.run(cmd, Map.of(), 120);
        assertEquals(0, r.code(), "copying the build's outputs: " + r.err());
    }

    /** Unpacks the tarball into {@code into} as a user would (tar keeps the files' times); returns the tree's top. */
    Path unpack(Path into) throws IOException {
        Files.createDirectories(into);
        Tool.Result r = Tool.run(List.of("tar", "-C", into.toString(), "-xzf", tarball.toString()), Map.of(), 120);
        assertEquals(0, r.code(), r.err());
        return into.resolve("jthreadtrace-" + version);
    }

    /** What the launcher and the tests' commands need on PATH: a shell, env, readlink, and ls, mount and unshare. */
    private static final List<String> COMMANDS = List.of("bash", "sh", "env", "readlink", "ls", "mount", "unshare");

    /**
     * An environment as on a machine without a JDK: no JAVA_HOME, and PATH a directory with links
     * to the few commands needed (none of a JDK). Checked: {@code command -v java} finds nothing.
     * The directory's links are removed by {@link #removeLinks}.
     */
    static Map<String, String> withoutJdk(Path tmp) throws IOException {
        Path bin = tmp.resolve("path-without-jdk");
        if (!Files.isDirectory(bin)) {
            Files.createDirectories(bin);
            for (String command : COMMANDS) {
                Path found = Stream.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").map(d -> Path.of(d, command))
                        .filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(command + " not found"));
                Files.createSymbolicLink(bin.resolve(command), found);
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        env.put("JAVA_HOME", null);
        env.put("JTHREADTRACE_JDK_DIRS", null);
        Tool.Result java = Tool.run(List.of("/bin/bash", "-c", "command -v java javac jshell"), env, 30);
        assertEquals("", java.out(), "a JDK on the PATH meant to have none: " + java.out());
        return env;
    }

    /** Removes the links {@link #withoutJdk} made (JUnit would warn about each link out of its temporary directory). */
    static void removeLinks(Path tmp) throws IOException {
        Path bin = tmp.resolve("path-without-jdk");
        if (!Files.isDirectory(bin)) return;
        try (Stream<Path> links = Files.list(bin)) {
            for (Path link : links.toList()) Files.delete(link);
        }
    }

    /** Size in bytes of every regular file under {@code tree}. */
    static long size(Path tree) throws IOException {
        try (Stream<Path> files = Files.walk(tree)) {
            long total = 0;
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) total += Files.size(f);
            }
            return total;
        }
    }
}
