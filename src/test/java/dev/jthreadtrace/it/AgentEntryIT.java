package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.Hello;
import dev.jthreadtrace.fixtures.RedefinesThread;
import dev.jthreadtrace.fixtures.Relaunch;
import dev.jthreadtrace.fixtures.ShowJavaState;
import dev.jthreadtrace.fixtures.SystemLoader;
import dev.jthreadtrace.sys.ProcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * How the agent enters a JVM, proved safe for each way a JVM is started: the tracer adds the
 * agent's option to the new image of a JDK launcher at its exec event, in the new process's own
 * stack, so a parent that shares the memory (vfork, posix_spawn, Go's os/exec, a CLONE_VM child)
 * and a failed exec on a small stack are never written to (canary bytes below the stack stay as
 * they were); only real JDK launchers of JDK 25+ with java.instrument, seen from the process's own
 * namespace, get it; a JVM that cannot take it (an AOT cache, a jlink image without
 * java.instrument, an older JDK) runs as untraced with one note; the agent's files are reached
 * from a private /tmp; and the program sees one short option in its input arguments and nothing
 * else.
 */
@Timeout(300)
class AgentEntryIT {
    private static final Path JDK = Path.of(System.getProperty("java.home"));
    private static final String CLASSES = Path.of(System.getProperty("jthreadtrace.testClasses", "target/test-classes"))
            .toAbsolutePath().toString();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    private static List<String> command(String... parts) {
        return List.of(parts);
    }

    /** The java command for a fixture, with {@code extra} options before the class. */
    private static List<String> java(List<String> extra, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JDK.resolve("bin/java").toString()));
        cmd.addAll(extra);
        cmd.addAll(List.of("-cp", CLASSES, main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Tool.Result traced(Path trace, List<String> command) {
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(command);
        return Tool.run(Tool.jar(args.toArray(String[]::new)));
    }

    /**
     * Traced through the launcher ({@code scripts/jthreadtrace}), as a user runs it: the JVM options
     * variables in {@code env} reach the traced command and not the tool's own JVM.
     */
    private static Tool.Result launched(Path trace, List<String> command, Map<String, String> env) {
        List<String> args = new ArrayList<>(List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "run", "--no-live",
                "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(command);
        return Tool.run(args, env);
    }

    /** The notes of a run that contain {@code text}. */
    private static long notes(Tool.Result r, String text) {
        return r.err().lines().filter(l -> l.startsWith("jthreadtrace: note:") && l.contains(text)).count();
    }

    private static void requireRoot(String why) {
        if (!"0".equals(ProcStatus.self().text("Uid").split("\\s+")[0])) {
            fail("this test needs root (" + why + "); CI runs as root");
        }
    }

    @Test
    void aJvmExecdFromMemoryItsParentSharesLeavesThatMemoryAsItWas(@TempDir Path tmp) throws Exception {
        List<String> manyArgs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) manyArgs.add("-Dx" + i);
        for (String mode : List.of("vfork", "vm")) {
            List<String> cmd = new ArrayList<>(List.of(Traced.fixture("shared_memory_exec").toString(), mode));
            cmd.addAll(java(manyArgs, Hello.class));
            Tool.Result untraced = Tool.run(cmd);
            Path trace = tmp.resolve(mode + ".jsonl");
            Tool.Result r = traced(trace, cmd);
            assertEquals("hello\ncanary changed 0, child exit 0\n", untraced.out(), untraced.err());
            assertEquals(untraced.out(), r.out(), mode + ": " + r.err());
            assertEquals(0, r.code(), r.err());
            assertEquals(1, JvmLaunchIT.jvmsWithRecords(trace).size(), mode + ": the JVM had the agent: " + r.err());
        }
    }

    @Test
    void muslPosixSpawnAndGoOsExecOfAJvmLeaveTheRuntimeThatStartedItRunning(@TempDir Path tmp) throws Exception {
        List<String> manyArgs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) manyArgs.add("-Dxx" + i);
        for (String fixture : List.of("musl_spawn", "go_exec")) {
            Path program = Path.of(System.getProperty("jthreadtrace.native", "target/native"), fixture);
            assertTrue(Files.isExecutable(program), fixture + " is not built: it needs musl-gcc and go, which scripts/test"
                    + " installs (apt-get install musl-tools golang-go), then the build (native/build)");
            List<String> cmd = new ArrayList<>(List.of(program.toString()));
            cmd.addAll(java(manyArgs, Hello.class));
            Tool.Result untraced = Tool.run(cmd);
            Path trace = tmp.resolve(fixture + ".jsonl");
            Tool.Result r = traced(trace, cmd);
            assertEquals("hello\nchild exit 0\n", untraced.out(), untraced.err());
            assertEquals(untraced.out(), r.out(), fixture + ": " + r.err());
            assertEquals(0, r.code(), fixture + " survived (139: it was corrupted): " + r.err());
            assertEquals(1, JvmLaunchIT.jvmsWithRecords(trace).size(), fixture + ": the JVM had the agent: " + r.err());
        }
    }

    @Test
    void aFailedExecOnASmallStackLeavesTheProcessMemoryAsItWas(@TempDir Path tmp) throws Exception {
        // A JDK layout whose java cannot run (EACCES): the exec fails; nothing was written anywhere.
        Path fake = tmp.resolve("fakejdk");
        Files.createDirectories(fake.resolve("bin"));
        Files.createDirectories(fake.resolve("lib"));
        Files.writeString(fake.resolve("lib/modules"), "");
        Files.writeString(fake.resolve("bin/java"), "#!/bin/sh\n");
        List<String> cmd = new ArrayList<>(List.of(Traced.fixture("shared_memory_exec").toString(), "failing",
                fake.resolve("bin/java").toString()));
        for (int i = 0; i < 3000; i++) cmd.add("-Dx" + i);
        Tool.Result untraced = Tool.run(cmd);
        Tool.Result r = traced(tmp.resolve("t.jsonl"), cmd);
        assertEquals("canary changed 0, exec errno 13\n", untraced.out());
        assertEquals(untraced.out(), r.out(), r.err());
    }

    @Test
    void aProgramReExecutingItselfThroughProcSelfExeKeepsItsArguments(@TempDir Path tmp) throws Exception {
        Tool.Result r = traced(tmp.resolve("t.jsonl"), command(Traced.fixture("self_exec").toString()));
        assertEquals(0, r.code(), "exit 3 means arguments were added: " + r.out() + r.err());

        // The same under attach: the exec happens while the tool is attached.
        Process target = new ProcessBuilder(Traced.fixture("self_exec").toString(), "wait").start();
        started.add(target);
        Path trace = tmp.resolve("attach.jsonl");
        Tool.Attached attached = Tool.attachWhenReady(target, trace, tmp.resolve("err"), started);
        Process tool = attached.tool();
        assertTrue(target.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, target.exitValue(), "exit 3 means arguments were added under attach");
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ends with its target");
    }

    @Test
    void aProgramMountedOverAJdkLauncherInItsOwnNamespaceIsNoJvm(@TempDir Path tmp) throws Exception {
        requireRoot("unshare --mount and a bind mount");
        String script = "mount --bind " + Traced.fixture("show_state") + " " + JDK.resolve("bin/jshell") + " && exec "
                + JDK.resolve("bin/jshell") + " first second";
        List<String> cmd = command("unshare", "--mount", "--propagation", "private", "sh", "-c", script);
        Tool.Result untraced = Tool.run(cmd);
        Tool.Result r = traced(tmp.resolve("t.jsonl"), cmd);
        String argv = untraced.out().lines().filter(l -> l.startsWith("argv")).reduce("", (a, b) -> a + b + "\n");
        assertEquals("argv[0] " + JDK.resolve("bin/jshell") + "\nargv[1] first\nargv[2] second\n", argv, untraced.err());
        assertEquals(argv, r.out().lines().filter(l -> l.startsWith("argv")).reduce("", (a, b) -> a + b + "\n"), r.err());
    }

    @Test
    void aJvmWithAPrivateTmpRunsAsUntracedWithOneNote(@TempDir Path tmp) throws Exception {
        requireRoot("unshare --mount and a tmpfs on /tmp");
        // The program's own class outside /tmp, which the tmpfs hides (a checkout cloned under /tmp too).
        Path classes = Files.createTempDirectory(Path.of("/var/tmp"), "jthreadtrace-hello-");
        try {
            Path hello = classes.resolve(Hello.class.getName().replace('.', '/') + ".class");
            Files.createDirectories(hello.getParent());
            Files.copy(Path.of(CLASSES, Hello.class.getName().replace('.', '/') + ".class"), hello);
            String script = "mount -t tmpfs tmpfs /tmp && exec " + JDK.resolve("bin/java") + " -cp " + classes + " " + Hello.class.getName();
            List<String> cmd = command("unshare", "--mount", "--propagation", "private", "sh", "-c", script);
            assertPrivateTmpRunsUntracedWithOneNote(tmp, cmd);
        } finally {
            try (var files = Files.walk(classes)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void assertPrivateTmpRunsUntracedWithOneNote(Path tmp, List<String> cmd) throws Exception {
        Tool.Result untraced = Tool.run(cmd);
        Tool.Result r = traced(tmp.resolve("t.jsonl"), cmd);
        assertEquals("hello\n", untraced.out(), untraced.err());
        assertEquals(untraced.out(), r.out(), r.err());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("Error opening zip file"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.contains("is not visible where it runs")).count(), r.err());
    }

    @Test
    void aJvmThatDemandsItsAotCacheRunsAsUntracedWithOneNote(@TempDir Path tmp) throws Exception {
        Path jar = tmp.resolve("hello.jar"), cache = tmp.resolve("hello.aot");
        Tool.Result made = Tool.run(List.of(JDK.resolve("bin/jar").toString(), "cf", jar.toString(), "-C", CLASSES,
                Hello.class.getName().replace('.', '/') + ".class"));
        assertEquals(0, made.code(), made.err());
        Tool.Result training = Tool.run(List.of(JDK.resolve("bin/java").toString(), "-XX:AOTCacheOutput=" + cache, "-cp",
                jar.toString(), Hello.class.getName()));
        assertTrue(Files.size(cache) > 0, "an AOT cache was made: " + training.err());
        List<String> cmd = List.of(JDK.resolve("bin/java").toString(), "-XX:AOTMode=on", "-XX:AOTCache=" + cache, "-cp", jar.toString(),
                Hello.class.getName());
        Tool.Result untraced = Tool.run(cmd);
        Tool.Result r = traced(tmp.resolve("t.jsonl"), cmd);
        assertEquals(0, untraced.code(), untraced.err());
        assertEquals(untraced.out(), r.out());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("[error][aot]") || r.err().contains("Unable to use AOT cache"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.contains("AOT cache")).count(), r.err());
        assertTrue(r.err().contains("(-XX:AOTMode=on)"), "the note names the option: " + r.err());
    }

    /**
     * A program whose own agent (Launcher-Agent-Class) redefines java.lang.Thread with the runtime's
     * class file after ours went in: the JVM took the redefinition (the agent says so), and the
     * threads started after it have no Java records. One note says so, on stderr and in the report's
     * SUMMARY; the same program without its agent (the control) keeps its Java view, with no note.
     */
    @Test
    void aProgramsOwnAgentThatRedefinesThreadGetsOneNote(@TempDir Path tmp) throws Exception {
        Path jar = redefinesThreadJar(tmp);
        String note = HOOKS_GONE;

        Tool.Result control = traced(tmp.resolve("c.jsonl"), java(List.of(), RedefinesThread.class));
        assertEquals("done\n", control.out(), control.err());
        assertFalse(control.err().contains(note), control.err());
        assertTrue(javaNamed(tmp.resolve("c.jsonl"), "outer-a"), "the control's Java view");

        Path trace = tmp.resolve("t.jsonl"), report = tmp.resolve("r.txt");
        Tool.Result r = traced(trace, List.of(JDK.resolve("bin/java").toString(), "-jar", jar.toString()));
        assertEquals("redefined Thread\ndone\n", r.out(), r.err());
        assertEquals(0, r.code(), r.err());
        assertFalse(javaNamed(trace, "outer-a"), "no Java record after the redefinition");
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("jthreadtrace: note: JVM ") && l.contains(note)).count(), r.err());
        Tool.Result text = Tool.run(Tool.jar("run", "--no-live", "--report", "summary", "-o", report.toString(), "--",
                JDK.resolve("bin/java").toString(), "-jar", jar.toString()));
        assertEquals(0, text.code(), text.err());
        assertTrue(Files.readString(report).contains("  note: JVM "), "in the report's SUMMARY: " + Files.readString(report));
    }

    private static final String HOOKS_GONE = "java.lang.Thread was redefined without jthreadtrace's hooks";

    /** {@link RedefinesThread} in a jar whose manifest names it as Main-Class and Launcher-Agent-Class. */
    private static Path redefinesThreadJar(Path tmp) {
        Path manifest = tmp.resolve("manifest.txt"), jar = tmp.resolve("redefines.jar");
        try {
            Files.writeString(manifest, "Main-Class: " + RedefinesThread.class.getName() + "\nLauncher-Agent-Class: "
                    + RedefinesThread.class.getName() + "\nCan-Redefine-Classes: true\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tool.Result made = Tool.run(List.of(JDK.resolve("bin/jar").toString(), "cfm", jar.toString(), manifest.toString(), "-C",
                CLASSES, RedefinesThread.class.getName().replace('.', '/') + ".class"));
        assertEquals(0, made.code(), made.err());
        return jar;
    }

    /**
     * The same program, its JVM killed by SIGKILL once its agent redefined Thread (no exit, no
     * shutdown hook): the note comes all the same, from the record the agent wrote when the
     * redefinition happened. It was written only at the JVM's exit before: a killed JVM's trace had
     * no note, and the threads it started had no Java view, unexplained.
     */
    @Test
    void aProgramWhoseAgentRedefinesThreadAndIsKilledGetsTheNoteAllTheSame(@TempDir Path tmp) throws Exception {
        Path jar = redefinesThreadJar(tmp), err = tmp.resolve("err");
        Process tool = new ProcessBuilder(Tool.jar("run", "--no-live", "--format", "jsonl", "-o", tmp.resolve("t.jsonl").toString(),
                "--", JDK.resolve("bin/java").toString(), "-jar", jar.toString(), "sleep")).redirectError(err.toFile()).start();
        started.add(tool);
        var out = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("redefined Thread", out.readLine());
        assertEquals("sleeping", out.readLine());
        long jvm = tool.children().filter(p -> p.info().commandLine().orElse("").contains(jar.toString())).findFirst()
                .orElseThrow().pid();
        assertTrue(ProcessHandle.of(jvm).orElseThrow().destroyForcibly(), "SIGKILL sent");
        assertTrue(tool.waitFor(90, TimeUnit.SECONDS), "the tool ended with the JVM");
        String errors = Files.readString(err);
        assertEquals(137, tool.exitValue(), errors);
        assertEquals(1, errors.lines().filter(l -> l.startsWith("jthreadtrace: note: JVM " + jvm) && l.contains(HOOKS_GONE)).count(), errors);
    }

    /** Whether the trace's thread named {@code name} has a Java view (a record of the agent joined it). */
    private static boolean javaNamed(Path trace, String name) throws Exception {
        return ThreadNamesIT.records(trace, "thread").stream().anyMatch(t -> t.path("name").asText().equals(name)
                && !t.path("java").isNull() && !t.path("java").isMissingNode());
    }

    /**
     * {@code -XX:DumpLoadedClassList} (the first step of the AppCDS recipe, with {@code -Xshare:off}) made a traced
     * JVM list the agent's classes and the JDK classes they need (59 and ~600 lines more): the archive dumped from it
     * would differ from the untraced one's. The JVM runs untouched, with one note, and writes the untraced list.
     */
    @Test
    void aJvmThatWritesAClassListRunsAsUntracedWithOneNote(@TempDir Path tmp) throws Exception {
        Path untracedList = tmp.resolve("untraced.lst"), tracedList = tmp.resolve("traced.lst");
        Tool.Result untraced = Tool.run(java(List.of("-Xshare:off", "-XX:DumpLoadedClassList=" + untracedList), Hello.class));
        Tool.Result r = traced(tmp.resolve("t.jsonl"), java(List.of("-Xshare:off", "-XX:DumpLoadedClassList=" + tracedList), Hello.class));
        assertEquals(0, untraced.code(), untraced.err());
        assertEquals(untraced.code(), r.code(), r.err());
        assertEquals(untraced.out(), r.out(), r.err());
        assertEquals(1, notes(r, "(-XX:DumpLoadedClassList=" + tracedList + ")"), "one note names the option: " + r.err());
        assertEquals(0, JvmLaunchIT.jvmsWithRecords(tmp.resolve("t.jsonl")).size(), "no agent: " + r.err());
        List<String> listed = Files.readAllLines(tracedList);
        assertTrue(listed.stream().noneMatch(l -> l.startsWith("dev/jthreadtrace/agent/")), "no class of the agent's in the list");
        // The same classes, not in the same order: the Reference Handler loads jdk.internal.ref.Cleaner while main runs,
        // before or after main's next classes, untraced too (a loaded suite run saw it move), and ids follow the order.
        assertEquals(classes(Files.readAllLines(untracedList)), classes(listed), "the class list is the untraced run's");
    }

    /** A class list's lines without the ids the JVM numbers them by in loading order, sorted. */
    private static List<String> classes(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll(" (id|super): \\d+", "").replaceAll(" interfaces:( \\d+)+", "")).sorted().toList();
    }

    @Test
    void aRuntimeWithoutJavaInstrumentOrOlderThan25RunsAsUntracedWithTheRightNote(@TempDir Path tmp) throws Exception {
        Path runtime = tmp.resolve("rt");
        Tool.Result linked = Tool.run(List.of(JDK.resolve("bin/jlink").toString(), "--add-modules", "java.base", "--output",
                runtime.toString()));
        assertEquals(0, linked.code(), linked.err());
        List<String> cmd = List.of(runtime.resolve("bin/java").toString(), "-cp", CLASSES, Hello.class.getName());
        Tool.Result r = traced(tmp.resolve("t.jsonl"), cmd);
        assertEquals("hello\n", r.out(), r.err());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("has no java.instrument module"), r.err());
        assertFalse(r.err().contains("needs JDK 25"), "not the version's fault: " + r.err());

        Path old = AttachIT.olderJdk();
        Tool.Result older = traced(tmp.resolve("old.jsonl"), List.of(old.resolve("bin/java").toString(), "-version"));
        assertEquals(0, older.code(), older.err());
        assertTrue(older.err().contains("(the agent needs JDK 25 or newer)"), older.err());
        assertEquals(1, older.err().lines().filter(l -> l.startsWith("jthreadtrace: note:")).count(), older.err());
    }

    @Test
    void atFilesBelongToTheCommand(@TempDir Path tmp) throws Exception {
        Path at = Files.writeString(tmp.resolve("at.txt"), "expanded\n");
        Tool.Result echo = traced(tmp.resolve("e.jsonl"), command("/bin/echo", "@" + at));
        assertEquals("@" + at + "\n", echo.out(), echo.err());
        // java's own @argfile, with a line continuation inside quotes, as the launcher reads it.
        int half = CLASSES.length() / 2;
        Path args = Files.writeString(tmp.resolve("args.txt"), "-cp \"" + CLASSES.substring(0, half) + "\\\n    "
                + CLASSES.substring(half) + "\"\n" + Hello.class.getName() + "\n");
        Tool.Result java = traced(tmp.resolve("j.jsonl"), command(JDK.resolve("bin/java").toString(), "@" + args));
        assertEquals("hello\n", java.out(), java.err());
        assertEquals(1, JvmLaunchIT.jvmsWithRecords(tmp.resolve("j.jsonl")).size(), java.err());
    }

    @Test
    void whatAProgramSeesOfTheAgentIsOneShortOption(@TempDir Path tmp) throws Exception {
        List<String> cmd = java(List.of(), ShowJavaState.class, "x");
        Tool.Result untraced = Tool.run(cmd);
        Tool.Result r = traced(tmp.resolve("t.jsonl"), cmd);
        assertEquals(0, r.code(), r.err());
        List<String> added = r.out().lines().filter(l -> l.startsWith("vm-arg ")).filter(l -> !untraced.out().contains(l + "\n")).toList();
        assertEquals(1, added.size(), r.out());
        // The run directory twice (jthreadtrace-PID-START-PIDNS-RANDOM: a later run can tell a killed tool's
        // leftover, the name cannot be guessed) and the pid: one option, short beside a classpath.
        assertTrue(added.getFirst().matches("vm-arg -javaagent:/\\S+/jthreadtrace-agent\\.jar=/\\S+") && added.getFirst().length() < 200,
                added.getFirst());
        for (String prefix : List.of("cmdline ", "process-handle-args ", "arg ")) {
            assertEquals(untraced.out().lines().filter(l -> l.startsWith(prefix)).toList(),
                    r.out().lines().filter(l -> l.startsWith(prefix)).toList(), "/proc/PID/cmdline and ProcessHandle show the command as given");
        }
    }

    /**
     * The AOT cache demanded where the launcher and the JVM also read options: an argfile named in
     * JDK_JAVA_OPTIONS, a flags file (-XX:Flags=); and options that only look like VM options, being
     * the program's arguments (after the main class), which must not cost the Java view.
     */
    @Test
    void anAotCacheNamedInAnArgfileOfTheVariableOrAFlagsFileIsFoundAndAProgramsArgumentIsNot(@TempDir Path tmp) throws Exception {
        Path jar = tmp.resolve("hello.jar"), cache = tmp.resolve("hello.aot");
        Tool.Result made = Tool.run(List.of(JDK.resolve("bin/jar").toString(), "cf", jar.toString(), "-C", CLASSES,
                Hello.class.getName().replace('.', '/') + ".class"));
        assertEquals(0, made.code(), made.err());
        Tool.run(List.of(JDK.resolve("bin/java").toString(), "-XX:AOTCacheOutput=" + cache, "-cp", jar.toString(), Hello.class.getName()));
        assertTrue(Files.size(cache) > 0, "an AOT cache was made");
        Path argfile = Files.writeString(tmp.resolve("aot.args"), "-XX:AOTCache=" + cache + " -XX:AOTMode=on\n");
        Path flagsOn = Files.writeString(tmp.resolve("flags-on"), "AOTCache=" + cache + "\nAOTMode=on\n");
        Path flagsAuto = Files.writeString(tmp.resolve("flags-auto"), "# the cache, used if it can be\nAOTCache=" + cache + "\n");
        String java = JDK.resolve("bin/java").toString();
        List<String> hello = List.of("-cp", jar.toString(), Hello.class.getName());
        record Case(String name, List<String> command, Map<String, String> env) {}
        List<Case> archived = List.of(
                new Case("JDK_JAVA_OPTIONS=@aot.args", cat(List.of(java), hello), Map.of("JDK_JAVA_OPTIONS", "@" + argfile)),
                new Case("-XX:Flags with AOTMode=on", cat(List.of(java, "-XX:Flags=" + flagsOn), hello), Map.of()),
                new Case("-XX:Flags with the cache only", cat(List.of(java, "-XX:Flags=" + flagsAuto), hello), Map.of()));
        for (Case c : archived) {
            Tool.Result untraced = Tool.run(c.command(), c.env());
            Tool.Result r = launched(tmp.resolve("t.jsonl"), c.command(), c.env());
            assertEquals(0, untraced.code(), c.name() + ": " + untraced.err());
            assertEquals(untraced.code(), r.code(), c.name() + ": " + r.err());
            assertEquals(untraced.out(), r.out(), c.name() + ": no [error][aot] lines: " + r.err());
            assertEquals(1, notes(r, "AOT cache"), c.name() + ": " + r.err());
        }
        List<Case> notArchived = List.of(
                new Case("an application argument", cat(List.of(java), hello, List.of("-XX:AOTCache=" + cache)), Map.of()),
                new Case("--disable-@files, then an application argument", cat(List.of(java, "--disable-@files"), hello,
                        List.of("@" + argfile)), Map.of()));
        for (Case c : notArchived) {
            Tool.Result untraced = Tool.run(c.command(), c.env());
            Tool.Result r = launched(tmp.resolve("t.jsonl"), c.command(), c.env());
            assertEquals(0, r.code(), c.name() + ": " + r.err());
            assertEquals(untraced.out(), r.out(), c.name() + ": " + r.err());
            assertEquals(0, notes(r, "no Java view"), c.name() + ": " + r.err());
            assertEquals(1, JvmLaunchIT.jvmsWithRecords(tmp.resolve("t.jsonl")).size(), c.name() + ": the JVM had the agent: " + r.err());
        }
    }

    @SafeVarargs
    private static List<String> cat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> part : parts) out.addAll(part);
        return out;
    }

    /**
     * A JVM with a system class loader of its own (-Djava.system.class.loader) aborted with the
     * agent ("appending to system class path failed", exit 134): wherever the property is set, it
     * runs as untraced, with one note.
     */
    @Test
    void aJvmWithItsOwnSystemClassLoaderRunsAsUntracedWithOneNote(@TempDir Path tmp) throws Exception {
        String property = "-Djava.system.class.loader=" + SystemLoader.class.getName();
        Path argfile = Files.writeString(tmp.resolve("loader.args"), property + "\n");
        String java = JDK.resolve("bin/java").toString();
        // -Xshare:off: the JVM's CDS warning about the property carries its uptime, which differs from run to run.
        List<String> hello = List.of("-Xshare:off", "-cp", CLASSES, Hello.class.getName());
        Map<String, Map.Entry<List<String>, Map<String, String>>> cases = Map.of(
                "the command line", Map.entry(cat(List.of(java, property), hello), Map.of()),
                "an argfile", Map.entry(cat(List.of(java, "@" + argfile), hello), Map.of()),
                "JDK_JAVA_OPTIONS", Map.entry(cat(List.of(java), hello), Map.of("JDK_JAVA_OPTIONS", property)),
                "JAVA_TOOL_OPTIONS", Map.entry(cat(List.of(java), hello), Map.of("JAVA_TOOL_OPTIONS", property)),
                "_JAVA_OPTIONS", Map.entry(cat(List.of(java), hello), Map.of("_JAVA_OPTIONS", property)));
        for (var c : cases.entrySet()) {
            List<String> command = c.getValue().getKey();
            Map<String, String> env = c.getValue().getValue();
            Tool.Result untraced = Tool.run(command, env);
            Tool.Result r = launched(tmp.resolve("t.jsonl"), command, env);
            assertEquals(0, untraced.code(), c.getKey() + ": " + untraced.err());
            assertEquals("hello\n", untraced.out(), c.getKey());
            assertEquals(untraced.code(), r.code(), c.getKey() + " (134: the JVM aborted): " + r.err());
            assertEquals(untraced.out(), r.out(), c.getKey() + ": " + r.err());
            assertFalse(r.err().contains("appending to system class path failed"), c.getKey() + ": " + r.err());
            assertEquals(1, notes(r, "names its own system class loader"), c.getKey() + ": " + r.err());
        }
    }

    /**
     * A JVM that relaunches itself with its RuntimeMXBean input arguments passes this run's agent on:
     * the child gets no second one from the tool (it had two), and a JVM given ours twice records
     * its threads once.
     */
    @Test
    void aJvmRelaunchingItselfKeepsOneAgent(@TempDir Path tmp) throws Exception {
        List<String> once = java(List.of(), Relaunch.class), twice = java(List.of(), Relaunch.class, "twice");
        Tool.Result untraced = Tool.run(once);
        assertEquals("parent agents=0\nchild agents=0\n", untraced.out(), untraced.err());
        Path trace = tmp.resolve("once.jsonl");
        Tool.Result r = traced(trace, once);
        assertEquals(0, r.code(), r.err());
        assertEquals("parent agents=1\nchild agents=1\n", r.out(), "the child kept the one its parent passed on: " + r.err());
        assertEquals(2, JvmLaunchIT.jvmsWithRecords(trace).size(), "both had the agent: " + r.err());
        assertEquals(0, notes(r, "JVM"), r.err());

        Path twiceTrace = tmp.resolve("twice.jsonl");
        Tool.Result t = traced(twiceTrace, twice);
        assertEquals(0, t.code(), t.err());
        assertEquals("parent agents=1\nchild agents=2\n", t.out(), t.err());
        Map<Integer, Integer> mains = new java.util.TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(twiceTrace)) {
            JsonNode n = json.readTree(line);
            if (n.get("type").asText().equals("java") && n.path("kind").asText().equals("present") && n.path("name").asText().equals("main")) {
                mains.merge(n.get("pid").asInt(), 1, Integer::sum);
            }
        }
        assertEquals(List.of(1, 1), List.copyOf(mains.values()), "each JVM's agent recorded main once: " + mains);
    }
}
