package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged tool and its launcher, run as separate processes: exit codes, streams, pipes, signals. */
@Timeout(180)
class CliIT {
    private static final Pattern PREFIX = Pattern.compile("^\\s*\\d+\\.\\d{6} \\[(\\d+) ([^\\]]*)\\] ");

    private static List<String> javaFixture(String... args) {
        return JvmIT.java(NestedThreads.class.getName(), args);
    }

    private static List<String> runArgs(List<String> prefix, List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.add("--");
        all.addAll(command);
        return all;
    }

    private static List<JsonNode> finalRecords(ObjectMapper json, List<String> lines) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            if (!Set.of("thread", "process", "summary").contains(node.get("type").asText())) continue;
            // Where the record stands in its file and the writer's run token are the file's, not the model's.
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove(List.of("seq", "run"));
            out.add(node);
        }
        return out;
    }

    /**
     * The launcher starts the tool from its AOT cache (made on first use), which --stats reports
     * from the JVM's own mappings; the bare jar, without the cache, says so too.
     */
    @Test
    void theLauncherStartsFromTheAotCache() {
        String launcher = Tool.basedir().resolve("scripts/jthreadtrace").toString();
        Tool.Result viaLauncher = Tool.run(List.of(launcher, "run", "--stats", "--no-live", "-o", "/dev/null", "--", "/bin/true"));
        assertEquals(0, viaLauncher.code(), viaLauncher.err());
        assertTrue(viaLauncher.err().contains(", AOT cache on"), viaLauncher.err());
        Tool.Result bare = Tool.run(Tool.bareJar("run", "--stats", "--no-live", "-o", "/dev/null", "--", "/bin/true"));
        assertTrue(bare.err().contains(", AOT cache off"), bare.err());
    }

    @Test
    void launcherRunsTrueAndPassesStatusesThrough() {
        Tool.Result t = Tool.run(List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "run", "--", "/bin/true"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("execve(\"/bin/true\", [\"/bin/true\"]"), t.out());
        assertEquals(42, Tool.run(Tool.jar("run", "--no-live", "--", Traced.fixture("daemon_exit").toString())).code());
        assertEquals(137, Tool.run(Tool.jar("run", "--no-live", "--", "/bin/sh", "-c", "kill -KILL $$")).code());
        Tool.Result missing = Tool.run(Tool.jar("run", "--", "no-such-command-xyz"));
        assertEquals(127, missing.code());
        assertEquals("jthreadtrace: no-such-command-xyz: command not found\n", missing.err());
    }

    /**
     * The command is looked up on PATH as execvp does, on bytes: under the C locale (where the JVM
     * cannot make a Path of a name that is not ASCII) a file name that is not UTF-8 and one in
     * UTF-8 are found and run, the command's argv is exact in JSONL, and the 126/127 messages show
     * the name escaped. (Those names reach the tool only through a shell: Java cannot spawn them.)
     */
    @Test
    void theCommandIsFoundOnPathByItsBytesUnderTheCLocale(@TempDir Path tmp) throws Exception {
        String script = String.join("\n",
                "d=$1; shift",
                "bad=$(printf 'cmd\\377'); utf=$(printf 'caf\\303\\251'); plain=$(printf 'plain\\376'); none=$(printf 'none\\377')",
                "printf '#!/bin/sh\\necho \"ran $#\"\\n' > \"$d/$bad\" && chmod +x \"$d/$bad\" && cp \"$d/$bad\" \"$d/$utf\" || exit 9",
                "printf x > \"$d/$plain\"",
                "export PATH=\"$d:/usr/bin:/bin\"",
                "\"$@\" --format jsonl -o \"$d/t.jsonl\" -- \"$bad\" \"$(printf 'a\\376b')\" || exit 10",
                "\"$@\" -- \"$utf\" || exit 11",
                "\"$@\" -- \"$plain\"; echo \"plain=$?\"",
                "\"$@\" -- \"$none\"; echo \"none=$?\"");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh", tmp.toString()));
        command.addAll(Tool.jar("run", "--no-live", "--report", "none"));
        Tool.Result r = Tool.run(command, Map.of("LC_ALL", "C", "LANG", "C"));
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("ran 1\nran 0\nplain=126\nnone=127\n", r.out(), r.err());
        assertEquals("jthreadtrace: plain\\xfe: Permission denied (not executable)\njthreadtrace: none\\xff: command not found\n", r.err());
        String trace = Files.readString(tmp.resolve("t.jsonl"));
        assertTrue(trace.contains("\"argv\":[\"cmd\\udcff\",\"a\\udcfeb\"]"), "the kernel's bytes: " + trace.lines().findFirst().orElse(""));
        assertTrue(trace.contains("\"path\":\"" + tmp + "/cmd\\udcff\""), trace.lines().findFirst().orElse(""));
    }

    @Test
    void theUsersJvmOptionsReachTheTracedJvmNotTheTools() {
        Path launcher = Tool.basedir().resolve("scripts/jthreadtrace");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A second collector in the tool's own JVM would end it with "Multiple garbage collectors selected".
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            Tool.Result r = Tool.run(List.of(launcher.toString(), "run", "--no-live", "--report", "none", "--",
                    java, "-XX:+PrintCommandLineFlags", "-version"), Map.of(variable, "-XX:+UseParallelGC"));
            assertEquals(0, r.code(), variable + ": " + r.err());
            assertTrue(r.out().contains("-XX:+UseParallelGC"), variable + " reached the traced JVM: " + r.out());
            assertFalse(r.out().contains("JTHREADTRACE_USER_") || r.err().contains("JTHREADTRACE_USER_"), r.out());
        }
    }

    /**
     * The checkout launcher's AOT training run (after a build) is a start of the tool's own JVM
     * too: none of the user's JVM options variables reach it, or a second collector there (or in
     * the cache's assembly, JDK_AOT_VM_OPTIONS) leaves the tool without its cache.
     */
    @Test
    @Timeout(900)
    void theAotTrainingRunTakesNoneOfTheUsersJvmOptions() throws Exception {
        Path launcher = Tool.basedir().resolve("scripts/jthreadtrace");
        Path target = Tool.basedir().resolve("target");
        // All four at once (one training run, not four: each takes seconds); any of them reaching it spoils the cache.
        Map<String, String> options = new java.util.TreeMap<>();
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JDK_AOT_VM_OPTIONS")) {
            options.put(variable, "-XX:+UseParallelGC");
        }
        Files.deleteIfExists(target.resolve("jthreadtrace-trace.aot"));
        Files.deleteIfExists(target.resolve("jthreadtrace-trace.aot.key"));
        Tool.Result r = Tool.run(List.of(launcher.toString(), "run", "--stats", "--no-live", "--report", "none", "--", "true"), options, 300);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("AOT cache on"), "one of " + options.keySet() + " reached the training run: " + r.err());
    }

    @Test
    void launcherFindsJdk25WhenJavaHomeIsOldAndSaysWhatToInstallWhenThereIsNone(@TempDir Path tmp) throws Exception {
        Path launcher = Tool.basedir().resolve("scripts/jthreadtrace");
        // A JDK 17 in JAVA_HOME: skipped, the JDK 25 under /usr/lib/jvm (or on PATH) is used.
        Path fakeOld = tmp.resolve("jdk17");
        Files.createDirectories(fakeOld.resolve("bin"));
        for (String tool : new String[] {"java", "javac"}) {
            Path p = Files.writeString(fakeOld.resolve("bin").resolve(tool), "#!/bin/sh\necho 'openjdk version \"17.0.2\"' >&2\n");
            p.toFile().setExecutable(true);
        }
        Files.writeString(fakeOld.resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
        Path realJdk = Path.of(System.getProperty("java.home"));
        Tool.Result found = Tool.run(List.of(launcher.toString(), "--version"),
                Map.of("JAVA_HOME", fakeOld.toString(), "JTHREADTRACE_JDK_DIRS", realJdk.getParent().toString()));
        assertEquals(0, found.code(), found.err());
        assertTrue(found.out().contains("running on Java " + Runtime.version().feature()), found.out());

        // No suitable JDK anywhere: one line, exit 125.
        Tool.Result none = Tool.run(List.of(launcher.toString(), "--version"),
                Map.of("JAVA_HOME", fakeOld.toString(), "JTHREADTRACE_JDK_DIRS", tmp.resolve("empty").toString(),
                        "PATH", "/usr/bin/nonexistent:/bin"));
        assertEquals(125, none.code(), none.out() + none.err());
        assertEquals(1, none.err().lines().count(), none.err());
        assertTrue(none.err().startsWith("jthreadtrace: needs JDK 25 or newer (found: 17@"), none.err());
        assertTrue(none.err().contains("apt-get install openjdk-25-jdk"));

        // Through a symlink from another directory.
        Path link = tmp.resolve("jtt");
        Files.createSymbolicLink(link, launcher.toAbsolutePath());
        Tool.Result viaLink = Tool.run(List.of(link.toString(), "--version"));
        assertEquals(0, viaLink.code(), viaLink.err());
    }

    @Test
    void grepForAThreadNameGivesThatThreadsLines() {
        Tool.Result r = Tool.run(Tool.jar(runArgs(List.of("run", "--report", "none", "-e", "all"), javaFixture()).toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        Map<Integer, String> nameAfter = new HashMap<>();
        Integer inner1 = null;
        Set<Integer> createdByInner1 = new HashSet<>();
        for (String line : r.out().lines().toList()) {
            Matcher m = PREFIX.matcher(line);
            if (!m.find()) continue;
            int tid = Integer.parseInt(m.group(1));
            if (line.contains("prctl(PR_SET_NAME, \"inner-1\"")) inner1 = tid;
            if (inner1 != null && line.contains("created by " + inner1 + " inner-1")) createdByInner1.add(tid);
            nameAfter.put(tid, m.group(2));
        }
        assertTrue(inner1 != null, "inner-1 named itself (a line that began \"prctl(PR_SET_NAME, \\\"inner-1\\\"\": ended at once,"
                + " or <unfinished ...> when another thread's line came first): "
                + r.out().lines().filter(l -> l.contains("PR_SET_NAME")).toList());
        boolean named = false;
        int matched = 0;
        for (String line : r.out().lines().toList()) {
            Matcher m = PREFIX.matcher(line);
            if (!m.find()) continue;
            int tid = Integer.parseInt(m.group(1));
            if (tid == inner1 && line.contains("prctl(PR_SET_NAME, \"inner-1\"")) named = true;
            boolean grepHit = line.contains("inner-1");
            if (tid == inner1 && named) assertTrue(grepHit, "a line of inner-1 after it named itself: " + line);
            if (grepHit) {
                matched++;
                assertTrue(tid == inner1 || createdByInner1.contains(tid),
                        "grep inner-1 matched a line of an unrelated thread: " + line);
            }
        }
        assertTrue(matched >= 4, "prctl, clone3, futex, exit lines at least; got " + matched);
    }

    @Test
    void jsonlParsesLineByLineAndTheSavedTraceGivesTheSameReport(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result r = Tool.run(Tool.jar(runArgs(List.of("run", "--format", "jsonl", "-o", trace.toString()),
                List.of(Traced.fixture("threads").toString())).toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> types = new HashMap<>();
        Map<String, JsonNode> threads = new HashMap<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode node = json.readTree(line);
            assertEquals(2, node.get("v").asInt());
            types.merge(node.get("type").asText(), 1, Integer::sum);
            if (node.get("type").asText().equals("thread")) threads.put(node.get("name").asText(), node);
        }
        assertEquals(1, types.get("start"));
        assertEquals(1, types.get("end"));
        assertEquals(1, types.get("summary"));
        assertEquals(4, types.get("thread"));
        assertEquals(3, types.get("spawn"));
        assertTrue(types.get("syscall") > 20);
        JsonNode inner2 = threads.get("inner-2");
        assertEquals(threads.get("inner-1").get("tid").asInt(), inner2.get("creator").asInt());
        assertEquals("0", inner2.get("inherited").get("affinity").asText());
        assertEquals("[USR1]", inner2.get("inherited").get("sigmask").asText());
        assertTrue(inner2.get("reparented").asBoolean());
        assertTrue(inner2.get("clone_flags").toString().contains("CLONE_THREAD"));
        assertEquals(threads.get("inner-1").get("tid").asInt(), inner2.get("joined_by").get(0).asInt());

        // The live run's final records (its model) and those of the model rebuilt from the saved events
        // must be the same: threads, processes and the summary's metrics.
        Tool.Result replayed = Tool.run(Tool.jar("report", "--format", "jsonl", trace.toString()));
        assertEquals(0, replayed.code(), replayed.err());
        List<JsonNode> live = finalRecords(json, Files.readAllLines(trace));
        List<JsonNode> again = finalRecords(json, replayed.out().lines().toList());
        assertEquals(6, live.size(), "4 threads, 1 process, 1 summary");
        assertEquals(live, again);

        Tool.Result report = Tool.run(Tool.jar("report", "--width", "100", trace.toString()));
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains("│ └─" + inner2.get("tid").asInt() + " inner-2"), report.out());

        Tool.Result pass = Tool.run(Tool.jar("check", "--assert", "spawned_by{child=\"inner-2\"} == \"inner-1\"",
                "--assert", "inherits{name=\"inner-2\", hook=\"affinity\"} == \"0\"", trace.toString()));
        assertEquals(0, pass.code(), pass.out() + pass.err());
        assertTrue(pass.out().contains("2 passed, 0 failed"), pass.out());
        Tool.Result fail = Tool.run(Tool.jar("check", "--assert", "threads.total < 4", trace.toString()));
        assertEquals(90, fail.code(), fail.out());
        assertTrue(fail.out().contains("FAIL  threads.total < 4   actual 4"), fail.out());
    }

    @Test
    void assertionsPassAndFailWithExitCodesAndJunitXml(@TempDir Path tmp) throws Exception {
        Path pass = tmp.resolve("pass.xml"), failXml = tmp.resolve("fail.xml");
        Tool.Result ok = Tool.run(Tool.jar(runArgs(List.of("run", "--no-live", "--report", "none",
                "--assert", "threads{name=\"inner-*\"}.count == 2",
                "--assert", "spawned_by{child=\"inner-2\"} == \"inner-1\"",
                "--assert", "exit.code == 3", "--junit-xml", pass.toString()), javaFixture("3")).toArray(String[]::new)));
        assertEquals(3, ok.code(), "all passed: the command's own status " + ok.out() + ok.err());
        assertTrue(ok.out().contains("3 passed, 0 failed"), ok.out());

        Tool.Result bad = Tool.run(Tool.jar(runArgs(List.of("run", "--no-live", "--report", "none",
                "--assert", "threads.peak < 3", "--assert", "spawned_by{child=\"inner-2\"} == \"main\"",
                "--assert", "threads.total > 0", "--junit-xml", failXml.toString()), javaFixture()).toArray(String[]::new)));
        assertEquals(90, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains("FAIL  threads.peak < 3"), bad.out());
        assertTrue(bad.out().contains("1 passed, 2 failed"), bad.out());

        var builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        assertEquals(0, builder.parse(pass.toFile()).getElementsByTagName("failure").getLength());
        var doc = builder.parse(failXml.toFile());
        assertEquals(3, doc.getElementsByTagName("testcase").getLength());
        assertEquals(2, doc.getElementsByTagName("failure").getLength());

        Tool.Result ignore = Tool.run(Tool.jar(runArgs(List.of("run", "--no-live", "--report", "none", "--ignore-exit",
                "--assert", "threads.total > 0"), javaFixture("5")).toArray(String[]::new)));
        assertEquals(0, ignore.code());

        Path budget = Files.writeString(tmp.resolve("budget.txt"), "# thread budget\n\nthreads.peak < 1000\nthreads.peak <= oops\n");
        Tool.Result badFile = Tool.run(Tool.jar("run", "--assert-file", budget.toString(), "--", "/bin/true"));
        assertEquals(2, badFile.code());
        assertTrue(badFile.err().contains("budget.txt:4: invalid --assert 'threads.peak <= oops' at column 17"), badFile.err());

        // A budget a bad merge left with comments only checks nothing: refused, not passed.
        Path comments = Files.writeString(tmp.resolve("comments.txt"), "# thread budget\n\n");
        Tool.Result none = Tool.run(Tool.jar("run", "--assert-file", comments.toString(), "--", "/bin/true"));
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().startsWith("jthreadtrace: --assert-file " + comments + " holds no assertion\n"), none.err());
    }

    @Test
    void sigintIsPassedToTheCommandWhichDiesOfItAndTheReportStillComes() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Tool.jar("run", "-e", "clone,clone3,execve", "--", "/bin/sleep", "30"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertTrue(first != null && first.contains("execve(\"/bin/sleep\""), String.valueOf(first));
        long sleepPid = ProcessHandle.of(p.pid()).orElseThrow().descendants().findFirst().orElseThrow().pid();
        Hangs.awaitInCall(sleepPid, "230", 'S', 1); // asleep in clock_nanosleep: the signal finds it in its sleep
        Tool.signal(p.pid(), "INT");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "jthreadtrace ended after SIGINT");
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(130, p.exitValue(), "sleep's own status, killed by SIGINT: " + err);
        assertTrue(rest.contains("killed by SIGINT"), "the command died of the signal itself, not of a SIGKILL: " + rest);
        assertTrue(rest.contains("THREADS BY CREATOR"), "the report of what was traced is printed");
        assertTrue(err.contains("SIGINT passed to the traced command"), err);
        assertFalse(ProcessHandle.of(sleepPid).map(ProcessHandle::isAlive).orElse(false), "the traced command is gone");
    }

    @Test
    void sigtermAndSighupArePassedOnAndTheStatusIsTheCommands() throws Exception {
        for (String[] signal : new String[][] {{"TERM", "143"}, {"HUP", "129"}}) {
            Process p = new ProcessBuilder(Tool.jar("run", "-e", "prctl", "--report", "tree", "--",
                    Traced.fixture("sleeper").toString(), "30"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.contains("prctl(PR_SET_NAME, \"sleeper\")"),
                    "the line reached the pipe while the command still runs: " + first);
            Tool.signal(p.pid(), signal[0]);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(Integer.parseInt(signal[1]), p.exitValue(), signal[0]);
            assertTrue(rest.contains("sleeper") && rest.contains("killed by SIG" + signal[0]), rest);
        }
    }

    @Test
    void colourOnlyWhenAskedAndWallClockTimesWithT() {
        List<String> args = runArgs(List.of("run", "-e", "prctl", "--report", "none"), List.of(Traced.fixture("sleeper").toString(), "0"));
        Tool.Result piped = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertFalse(piped.out().contains("\u001b["), "no escape codes into a pipe");
        List<String> always = new ArrayList<>(List.of("run", "--color", "always"));
        always.addAll(args.subList(1, args.size()));
        assertTrue(Tool.run(Tool.jar(always.toArray(String[]::new))).out().contains("\u001b["));
        List<String> absolute = new ArrayList<>(List.of("run", "-tt"));
        absolute.addAll(args.subList(1, args.size()));
        assertTrue(Tool.run(Tool.jar(absolute.toArray(String[]::new))).out().lines()
                .anyMatch(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\[\\d+ sleeper\\] prctl.*")), "wall-clock times with -tt (strace's spelling; -t alone is whole seconds)");
    }

    @Test
    void ptraceRefusedIsOneLineThatNamesWhyAnd125() {
        // Under strace -f the start gate is already traced by strace, so our PTRACE_SEIZE is refused.
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", "/dev/null"));
        cmd.addAll(Tool.jar("run", "--jvm", "off", "--", "/bin/true"));
        Tool.Result r = Tool.run(cmd);
        assertEquals(125, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().matches("jthreadtrace: ptrace\\(PTRACE_SEIZE\\) refused: EPERM \\(Operation not permitted\\):"
                + " jthreadtrace is itself traced by pid \\d+ \\(strace\\), which follows the processes it starts, and a task has"
                + " one tracer: trace without following children \\(strace without -f\\), or trace the command with jthreadtrace"
                + " alone\n"), "the line names the tracer that holds the gate already: " + r.err());
    }

    @Test
    void closedOutputPipeEndsTheRunQuietly() {
        Tool.Result r = Tool.run(List.of("bash", "-c", String.join(" ", Tool.jar("run", "-e", "all", "--",
                Traced.fixture("churn").toString(), "100000")) + " | head -2 >/dev/null; echo \"status=${PIPESTATUS[0]}\""));
        assertTrue(r.out().contains("status=141"), r.out() + r.err());
        assertEquals("", r.err(), "no message, no stack trace");
    }
}
