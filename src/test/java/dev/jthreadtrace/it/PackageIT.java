package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.AttachServer;
import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installed as a user installs it: scripts/package builds the tarball and the .deb from the
 * sources; the tarball, unpacked into a temporary prefix, runs with no JDK on PATH and no
 * JAVA_HOME (and with /usr/lib/jvm hidden), moved and through a symlink, traces a JDK 25 program
 * of the machine's JDK with its Java view, attaches, writes JUnit XML, reads a saved trace, runs
 * its demo on its own runtime, and hands the command its environment, descriptors and signals;
 * its man page renders and its completions complete in bash and zsh. The .deb installs into a
 * throwaway root, runs, and is removed without a trace.
 */
@Timeout(600)
class PackageIT {
    @TempDir
    static Path tmp;
    private static Release release;
    private static Path prefix;

    @BeforeAll
    @Timeout(1200)
    static void buildTheRelease() throws IOException {
        assertEquals("0", dev.jthreadtrace.sys.ProcStatus.self().text("Uid").split("\\s+")[0],
                "PackageIT installs the .deb into a throwaway root (dpkg --root) and hides /usr/lib/jvm (unshare --mount): run it as root");
        release = Release.build(tmp.resolve("build"));
        prefix = release.unpack(tmp.resolve("unpacked"));
    }

    @AfterAll
    static void removeLinks() throws IOException {
        Release.removeLinks(tmp);
    }

    private static Tool.Result tool(Path launcher, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        return Tool.run(cmd, env, 120);
    }

    /** The release's one AOT cache, named after the digest of what it was made from, as its launcher names it. */
    private static Path aotCache() throws IOException {
        try (var caches = Files.newDirectoryStream(prefix.resolve("lib/jthreadtrace"), "*.aot")) {
            List<Path> found = new ArrayList<>();
            caches.forEach(found::add);
            assertEquals(1, found.size(), "one AOT cache: " + found);
            String name = found.get(0).getFileName().toString();
            assertTrue(name.matches("jthreadtrace-[0-9a-f]{16}\\.aot"), name);
            assertTrue(Files.readAllLines(prefix.resolve("bin/jthreadtrace")).contains("aot_cache=\"" + name + "\""),
                    "the launcher names " + name);
            return found.get(0);
        }
    }

    private static void assertStartsFromItsAotCache(Path launcher, Map<String, String> env, String where) {
        Tool.Result r = tool(launcher, env, "run", "--stats", "--no-live", "--report", "none", "--", "/bin/true");
        assertEquals(0, r.code(), where + ": " + r.err());
        assertTrue(r.err().contains("AOT cache on"), where + ": the shipped AOT cache is used: " + r.err());
    }

    @Test
    void theTarballRunsWithoutAJdkWhereverItIsUnpackedAndThroughASymlink() throws Exception {
        Map<String, String> noJdk = Release.withoutJdk(tmp);
        Path launcher = prefix.resolve("bin/jthreadtrace");
        Tool.Result version = tool(launcher, noJdk, "--version");
        assertEquals(0, version.code(), version.err());
        List<String> lines = version.out().lines().toList();
        assertEquals("jthreadtrace " + release.version(), lines.get(0));
        assertTrue(lines.get(1).startsWith("commit "), version.out());
        assertTrue(lines.get(2).contains(" at " + prefix.resolve("lib/jthreadtrace/runtime") + ", "), "its own runtime: " + version.out());
        assertStartsFromItsAotCache(launcher, noJdk, "unpacked");
        // Another release's cache left in the tree (unpacked over it) is not this one's: never loaded.
        Path cache = aotCache(), other = cache.resolveSibling("jthreadtrace-0123456789abcdef.aot");
        Files.move(cache, other);
        try {
            Tool.Result r = tool(launcher, noJdk, "run", "--stats", "--no-live", "--report", "none", "--", "/bin/true");
            assertTrue(r.code() == 0 && r.err().contains("AOT cache off"), "another release's cache is not used: " + r.err());
        } finally {
            Files.move(other, cache);
        }

        List<String> traceJvm = new ArrayList<>(List.of("run", "--no-live", "--report", "tree", "--width", "200", "--"));
        traceJvm.addAll(JvmIT.java(NestedThreads.class.getName()));
        Tool.Result jvm = tool(launcher, noJdk, traceJvm.toArray(String[]::new));
        assertEquals(0, jvm.code(), jvm.err());
        assertTrue(jvm.out().contains("inner-2 created at dev.jthreadtrace.fixtures.NestedThreads"),
                "a JDK 25 program of the machine's JDK, with its Java view: " + jvm.out() + jvm.err());

        // Moved elsewhere (mv keeps the files' times) and started through a symlink in another directory.
        Path moved = tmp.resolve("elsewhere/opt");
        Files.createDirectories(moved.getParent());
        Files.move(prefix, moved);
        try {
            Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("home/bin")).resolve("jthreadtrace"),
                    moved.resolve("bin/jthreadtrace"));
            assertStartsFromItsAotCache(link, noJdk, "moved, through a symlink");
            // No JDK on the machine at all: /usr/lib/jvm hidden under an empty tmpfs in a mount namespace of its own.
            Tool.Result hidden = Tool.run(List.of("unshare", "--mount", "--", "/bin/sh", "-c",
                    "mount -t tmpfs none /usr/lib/jvm && \"$0\" run --no-live --report none -- /bin/true && ls -A /usr/lib/jvm",
                    link.toString()), noJdk, 120);
            assertEquals(0, hidden.code(), "with /usr/lib/jvm hidden (needs root: unshare --mount): " + hidden.err());
            assertEquals("", hidden.out(), "nothing under /usr/lib/jvm");
        } finally {
            Files.move(moved, prefix);
        }
    }

    @Test
    void theRuntimeHoldsWhatTheToolAndTheAgentNeed() throws Exception {
        String modules = Files.readAllLines(prefix.resolve("lib/jthreadtrace/runtime/release")).stream()
                .filter(l -> l.startsWith("MODULES=")).findFirst().orElse("");
        for (String module : List.of("java.base", "java.instrument", "java.xml", "jdk.attach", "jdk.unsupported")) {
            assertTrue(modules.matches(".*[\" ]" + module.replace(".", "\\.") + "[\" ].*"), module + " in " + modules);
        }
        assertFalse(modules.contains("java.desktop") || modules.contains("jdk.compiler"), "only what the tool needs: " + modules);
        Path launcher = prefix.resolve("bin/jthreadtrace");
        Map<String, String> env = Release.withoutJdk(tmp);
        // java.xml: the JUnit XML; Jackson (and java.logging): a saved trace read back.
        Path xml = tmp.resolve("threads.xml"), trace = tmp.resolve("true.jsonl");
        Tool.Result asserted = tool(launcher, env, "run", "--no-live", "--report", "none", "--format", "jsonl", "-o", trace.toString(),
                "--assert", "threads.total == 1", "--junit-xml", xml.toString(), "--", "/bin/true");
        assertEquals(0, asserted.code(), asserted.err());
        assertTrue(Files.readString(xml).contains("<testcase classname=\"jthreadtrace\" name=\"threads.total == 1\""), Files.readString(xml));
        Tool.Result report = tool(launcher, env, "report", "--report", "tree", trace.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains("THREADS BY CREATOR") && report.out().contains("PASS  threads.total == 1"), report.out());
        // java.instrument in its own runtime: the demo's JVM is that runtime's java, with the agent in it.
        Tool.Result demo = tool(launcher, env, "demo", "--no-live", "--report", "tree", "--width", "200");
        assertEquals(0, demo.code(), demo.err());
        assertTrue(demo.out().contains("inner-2 created at dev.jthreadtrace.demo.DemoApp"), demo.out() + demo.err());
        attachToAJvmOfTheMachine(launcher, env);
    }

    /** jdk.attach: the agent loaded into a running JVM of the machine's JDK, its threads named by its thread dump. */
    private static void attachToAJvmOfTheMachine(Path launcher, Map<String, String> env) throws Exception {
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("jthreadtrace.testClasses", "target/test-classes"), AttachServer.class.getName(),
                tmp.resolve("marker").toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "the server started: " + ready);
            Path trace = tmp.resolve("attach.jsonl"), err = tmp.resolve("attach-err");
            ProcessBuilder attach = new ProcessBuilder(launcher.toString(), "attach", "--no-live", "--format", "jsonl", "-o",
                    trace.toString(), Long.toString(server.pid())).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            env.forEach((name, value) -> {
                if (value == null) attach.environment().remove(name);
                else attach.environment().put(name, value);
            });
            Process tool = attach.start();
            try {
                // Detached once the agent's thread runs (a fixed --duration could end before a loaded machine got there).
                Hangs.awaitAgentIn(server.pid());
                assertEquals(0, Hangs.interrupt(tool), Files.readString(err));
            } finally {
                tool.destroyForcibly();
            }
            String said = Files.readString(err);
            assertFalse(said.contains("cannot attach") || said.contains("no agent"), said);
            ObjectMapper json = new ObjectMapper();
            List<String> javaNames = new ArrayList<>();
            for (String line : Files.readAllLines(trace)) {
                JsonNode record = json.readTree(line);
                if (record.path("type").asText().equals("thread")) javaNames.add(record.path("java").path("name").asText());
            }
            assertTrue(javaNames.contains("acceptor") && javaNames.contains("jthreadtrace-agent"),
                    "named by the thread dump, and the agent's own thread: " + javaNames);
        } finally {
            server.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
            server.getOutputStream().flush();
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    @Test
    void theInstalledLauncherHandsTheCommandItsEnvironmentDescriptorsAndSignals(@TempDir Path dir) throws Exception {
        Path launcher = prefix.resolve("bin/jthreadtrace");
        String show = Traced.fixture("show_state").toString();
        TargetUntouchedIT.Run env = TargetUntouchedIT.assertUntouched(launcher, dir, "env -i 'a.b=unusual name' PATH=/usr/bin:/bin"
                + " X=$'\\xff' SHLVL=9 JAVA_TOOL_OPTIONS=-Dfor.the.users.jvms=1 JAVA_HOME=/theirs ", show, "");
        for (String kept : List.of("env a.b=unusual name", "env X=\\xff", "env SHLVL=9", "env JAVA_TOOL_OPTIONS=-Dfor.the.users.jvms=1",
                "env JAVA_HOME=/theirs")) {
            assertTrue(env.out().contains(kept + "\n"), kept + " in " + env.out());
        }
        TargetUntouchedIT.Run fds = TargetUntouchedIT.assertUntouched(launcher, dir, "", show, "5>five.txt 12</dev/null <&-");
        assertTrue(fds.out().contains("fd 5 " + dir.resolve("five.txt")) && !fds.out().contains("fd 0 "), fds.out());
        TargetUntouchedIT.Run signals = TargetUntouchedIT.assertUntouched(launcher, dir,
                "trap '' HUP INT PIPE; " + Traced.fixture("with_signals") + " 10,34 12,15,40 ", show, "");
        assertEquals(0x8000004800L, TargetUntouchedIT.mask(signals, "SigBlk"), signals.out());
        assertEquals(0x200001203L, TargetUntouchedIT.mask(signals, "SigIgn") & 0x200001203L, signals.out());
    }

    @Test
    void theManPageRendersAndTheCompletionsComplete() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("MANPAGER", "cat", "MANWIDTH", "80"));
        Tool.Result man = Tool.run(List.of("man", "-M", prefix.resolve("share/man").toString(), "jthreadtrace"), env, 60);
        assertEquals(0, man.code(), man.err());
        assertTrue(man.out().contains("JTHREADTRACE(1)") && man.out().contains("jthreadtrace " + release.version()), man.out());
        Completions.assertBashCompletes(prefix.resolve("share/bash-completion/completions/jthreadtrace"));
        Completions.assertZshCompletes(prefix.resolve("share/zsh/site-functions"), tmp.resolve("zsh-home"));
    }

    @Test
    void theDebInstallsRunsAndRemovesWithoutATrace() throws Exception {
        Tool.Result info = Tool.run(List.of("dpkg-deb", "--field", release.deb().toString(), "Package", "Version", "Architecture",
                "Installed-Size"), Map.of(), 60);
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("Package: jthreadtrace\nVersion: " + release.version() + "\nArchitecture: amd64\n"), info.out());
        long installedKib = Long.parseLong(info.out().replaceAll("(?s).*Installed-Size: (\\d+).*", "$1").strip());
        Path root = Debian.emptyRoot(tmp.resolve("root"));
        Debian.dpkg(root, "--force-depends", "-i", release.deb().toString());
        Path installed = root.resolve("usr/bin/jthreadtrace");
        Tool.Result version = tool(installed, Release.withoutJdk(tmp), "--version");
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("jthreadtrace " + release.version() + "\n")
                && version.out().contains(" at " + root.resolve("usr/lib/jthreadtrace/runtime") + ", "), version.out());
        assertStartsFromItsAotCache(installed, Release.withoutJdk(tmp), "installed from the .deb");
        Tool.Result man = Tool.run(List.of("man", "-M", root.resolve("usr/share/man").toString(), "jthreadtrace"),
                Map.of("MANPAGER", "cat"), 60);
        assertTrue(man.code() == 0 && man.out().contains("JTHREADTRACE(1)"), man.err());
        Completions.assertBashCompletes(root.resolve("usr/share/bash-completion/completions/jthreadtrace"));
        Completions.assertZshCompletes(root.resolve("usr/share/zsh/vendor-completions"), tmp.resolve("zsh-home-deb"));
        Debian.assertRootOwnedAndNotWritableByOthers(root, "usr");
        long sizeKib = Release.size(root.resolve("usr")) / 1024;
        assertTrue(Math.abs(sizeKib - installedKib) <= installedKib / 20, "Installed-Size " + installedKib + " KiB, installed " + sizeKib);

        Debian.dpkg(root, "-r", "jthreadtrace");
        Debian.dpkg(root, "--purge", "jthreadtrace");
        assertEquals(List.of(), Debian.leftOver(root), "nothing left after the removal (but dpkg's own database)");
    }

    @Test
    void theTarballIsAPrefixWithTheDocsInTheirPlace() throws IOException {
        try (var top = Files.list(prefix)) {
            assertEquals(List.of("bin", "lib", "share"), top.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing else on top: it unpacks into /usr/local with --strip-components=1 too");
        }
        for (String doc : List.of("README.md", "CHANGELOG.md")) {
            assertTrue(Files.isRegularFile(prefix.resolve("share/doc/jthreadtrace").resolve(doc)), doc);
        }
        assertTrue(Files.isExecutable(prefix.resolve("bin/jthreadtrace")));
    }

    @Test
    void theReleaseStaysWithinItsSize() throws IOException {
        long unpacked = Release.size(prefix), aot = Files.size(aotCache());
        // README "Install": 76.2 MiB unpacked, of which the AOT cache 27.0 MiB (it grows with the classes the
        // training run loads: 23.6 MiB two sessions before); 49.3 without it (--no-aot-cache).
        assertTrue(unpacked - aot < 52L << 20, "without its AOT cache under 52 MiB: " + (unpacked - aot) + " bytes");
        assertTrue(unpacked < 80L << 20, "under 80 MiB unpacked: " + unpacked + " bytes");
        assertTrue(Files.size(release.tarball()) < 40L << 20, "tarball " + Files.size(release.tarball()) + " bytes");
    }
}
