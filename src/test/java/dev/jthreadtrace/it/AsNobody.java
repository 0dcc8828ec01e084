package dev.jthreadtrace.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tool run as uid 65534 with no capability (setpriv), as a user without CAP_SYS_PTRACE runs
 * it: its jar, the agent's jar and lib/ are copied once into a directory that uid can read (a checkout under /root
 * is not), removed by {@link #close}.
 */
final class AsNobody implements AutoCloseable {
    private static final String AGENT_JAR = "jthreadtrace-agent.jar";
    private Path readableJar;
    private Path readableDir;

    /** The copies' directory, readable by nobody (a temporary directory is 0700, as a mktemp clone is). */
    private Path readableDir() throws IOException {
        if (readableDir == null) {
            readableDir = Files.createTempDirectory("jtt-readable");
            Files.setPosixFilePermissions(readableDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return readableDir;
    }

    /**
     * A class path root holding a copy of {@code fixture}'s class files (its nested and lambda classes
     * have none of their own): the test classes may sit where nobody cannot read (a mktemp clone).
     */
    String classPath(Class<?> fixture) throws IOException {
        Path from = Path.of(System.getProperty("jthreadtrace.testClasses", "target/test-classes")).toAbsolutePath();
        Path root = readableDir().resolve("classes"), to = root;
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String part : fixture.getPackageName().split("\\.")) {
            from = from.resolve(part);
            to = to.resolve(part);
            if (!Files.isDirectory(to)) Files.createDirectory(to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.equals(fixture.getSimpleName() + ".class") || name.startsWith(fixture.getSimpleName() + "$")) {
                    Files.setPosixFilePermissions(Files.copy(f, to.resolve(name)), PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
        return root.toString();
    }

    /** {@code setpriv --reuid=65534 ... java -jar COPY ARGS}. */
    List<String> tool(String... args) throws IOException {
        String jarProperty = System.getProperty("jthreadtrace.jar", "target/jthreadtrace.jar");
        if (readableJar == null) {
            Path dir = readableDir();
            Path jar = Path.of(jarProperty).toAbsolutePath();
            Path lib = Files.createDirectory(dir.resolve("lib"));
            Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (Stream<Path> jars = Files.list(jar.getParent().resolve("lib"))) {
                for (Path j : jars.toList()) Files.copy(j, lib.resolve(j.getFileName()));
            }
            readableJar = Files.copy(jar, dir.resolve("jthreadtrace.jar"));
            // The agent's jar, which the tool finds beside its own (for a JVM's Java view).
            Path agent = jar.resolveSibling(AGENT_JAR);
            if (Files.exists(agent)) Files.copy(agent, dir.resolve(AGENT_JAR));
        }
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        List<String> jar = new ArrayList<>(Tool.jar(args));
        jar.set(jar.indexOf(jarProperty), readableJar.toString());
        cmd.addAll(jar);
        return cmd;
    }

    @Override
    public void close() throws IOException {
        if (readableDir == null) return;
        try (Stream<Path> files = Files.walk(readableDir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
        readableJar = null;
        readableDir = null;
    }
}
