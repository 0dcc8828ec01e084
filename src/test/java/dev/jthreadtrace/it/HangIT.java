package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.JavaDeadlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "My program hangs", on real deadlocked programs: a C lock-order deadlock with normal and with PI
 * mutexes, a Java monitor deadlock and a ReentrantLock cycle, each ended by SIGINT (a run's or an
 * attach's) or --kill-after. The report lists every call still pending, the owner of each lock
 * and the cycle, with Java names, locks and frames from the JVM's own view; {@code deadlocks == 0}
 * fails on them and passes on the same program without the deadlock.
 */
@Timeout(180)
class HangIT {
    private static final String CLASSES = System.getProperty("jthreadtrace.testClasses", "target/test-classes");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    private Process start(List<String> command, Path err) throws IOException {
        return Hangs.start(started, command, err);
    }

    private static List<String> javaDeadlock(String mode) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", CLASSES,
                JavaDeadlock.class.getName(), mode);
    }

    /** The pid the fixture prints on its "deadlocked PID" line, read from the traced command's stdout. */
    private static int deadlockedPid(Process p) throws IOException {
        return Hangs.pidAfter(p, "deadlocked ");
    }

    /** Until {@code count} of the C fixture's threads sleep in futex: their waits have begun, their entries were seen. */
    private static void awaitInFutex(int pid, int count) throws Exception {
        Hangs.awaitAsleepInFutex(pid, "", count);
    }

    /** Until JavaDeadlock's two lockers sleep in futex (not the JVM's idle threads): the cycle is closed. */
    private static void awaitLockers(int pid) throws Exception {
        Hangs.awaitAsleepInFutex(pid, "locker-", 2);
    }

    /** The cycle line and the lines after it up to the end of the section. */
    private static String deadlocks(String report) {
        int at = report.indexOf("DEADLOCKS (");
        assertTrue(at >= 0, "a DEADLOCKS section: " + report);
        return report.substring(at);
    }

    /** What a traced C deadlock left: the text output and the process id. */
    private record CTrace(String text, int pid) {}

    /** A C lock-order deadlock, traced with {@code run} (text) and ended by SIGINT. */
    private CTrace cDeadlock(Path tmp, String mode) throws Exception {
        Path out = tmp.resolve("trace.txt");
        List<String> args = new ArrayList<>(List.of("run", "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "200", "--",
                Traced.fixture("deadlock_join").toString()));
        if (mode != null) args.add(mode);
        Process p = start(Tool.jar(args.toArray(String[]::new)), tmp.resolve("err"));
        int pid = deadlockedPid(p);
        awaitInFutex(pid, 3);
        assertEquals(130, Hangs.interrupt(p), Files.readString(tmp.resolve("err")));
        return new CTrace(Files.readString(out), pid);
    }

    private static int tidOf(String text, String name) {
        Matcher m = Pattern.compile("\\[(\\d+) " + Pattern.quote(name) + "]").matcher(text);
        assertTrue(m.find(), name + " in " + text);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aThreadLockingANormalMutexItHoldsIsADeadlockOfOne(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("trace.txt");
        Process p = start(Tool.jar("run", "-e", "futex", "-o", out.toString(), "--report", "summary,blocked", "--width", "200", "--",
                Traced.fixture("deadlock_join").toString(), "self"), tmp.resolve("err"));
        int pid = deadlockedPid(p);
        awaitInFutex(pid, 1);
        assertEquals(130, Hangs.interrupt(p), Files.readString(tmp.resolve("err")));
        String cycles = deadlocks(Files.readString(out));
        assertTrue(cycles.contains("deadlock 1 (native, 1 thread, waiting for itself): "), cycles);
        assertTrue(cycles.contains(pid + " deadlock_join → " + pid + " deadlock_join"), cycles);
        // The summary's longest wait is the hung one, still pending at the end.
        assertTrue(Files.readString(out).contains("longest blocked in futex: " + pid + " deadlock_join "), Files.readString(out));
    }

    @Test
    void aCLockOrderDeadlockShowsBothThreadsBlockedInFutexTheirOwnersAndTheCycleAndNoJoin(@TempDir Path tmp) throws Exception {
        CTrace c = cDeadlock(tmp, null);
        String trace = c.text();
        int a = tidOf(trace, "locker-a"), b = tidOf(trace, "locker-b");
        // strace's forms: the wait is printed at once, and its end when the signal came.
        assertTrue(trace.contains("[" + a + " locker-a] futex(") && trace.contains("FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>"), trace);
        assertTrue(Pattern.compile("\\[" + a + " locker-a] <\\.\\.\\. futex resumed>\\) = \\?\\n").matcher(trace).find(), trace);
        String report = trace.substring(trace.indexOf("BLOCKED AT THE END"));
        assertTrue(Pattern.compile(a + " locker-a +futex\\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 2, NULL\\) = \\?  since @").matcher(report).find(),
                report);
        assertTrue(report.contains("owner " + b + " (glibc mutex __owner, inferred, read at the end)"), report);
        assertTrue(report.contains("owner " + a + " (glibc mutex __owner, inferred, read at the end)"), report);
        String first = Math.min(a, b) == a ? a + " locker-a" : b + " locker-b", second = first.endsWith("a") ? b + " locker-b" : a + " locker-a";
        String cycles = deadlocks(report);
        assertTrue(cycles.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), cycles);
        assertTrue(cycles.contains("which holds the mutex, says glibc's __owner (inferred)"), cycles);
        assertTrue(cycles.contains("created by " + c.pid() + " deadlock_join"), cycles);
        assertFalse(cycles.contains("deadlock 2"), cycles);
        // main's pthread_join waits for locker-a and was cut by the signal: no join.
        assertTrue(report.contains("waits for " + a + " locker-a, which is the thread it joins"), report);
        assertTrue(report.contains("ERESTARTSYS"), report);
    }

    private static final Pattern OUR_LINE = Pattern.compile("^\\s*(\\d+\\.\\d+) \\[(\\d+) [^\\]]*] (.*)$");
    private static final Pattern STRACE_LINE = Pattern.compile("^(\\d+) +(.*)$");

    /**
     * Each thread's last call as two lines, strace's way ({@code NAME(ARGS <unfinished ...>} then
     * {@code <... NAME resumed>REST}), addresses, tids and durations masked; +++ and --- lines left out.
     */
    private static List<String> lastSplitCalls(Map<Integer, List<String>> byThread) {
        List<String> out = new ArrayList<>();
        for (List<String> lines : byThread.values()) {
            List<String> calls = lines.stream().filter(l -> !l.startsWith("+++") && !l.startsWith("---")).toList();
            if (calls.size() < 2) continue;
            out.add(maskLine(calls.get(calls.size() - 2)) + "\n" + maskLine(calls.getLast()));
        }
        return out.stream().sorted().toList();
    }

    private static String maskLine(String l) {
        // strace pads "= RET" to a column; the rest must read the same.
        return StraceComparisonIT.mask(l).replaceAll("\\)\\s+= ", ") = ").replaceAll(" <(\\d+\\.\\d+|unavailable)>$", "").replaceAll("\\b\\d{3,}\\b", "N");
    }

    @Test
    void theLinesOfADeadlockEndedBySigintHaveStracesUnfinishedAndResumedFormsInTimeOrder(@TempDir Path tmp) throws Exception {
        Path straceOut = tmp.resolve("strace.txt");
        Process strace = start(List.of("strace", "-f", "-q", "-o", straceOut.toString(), "-e", "trace=futex",
                Traced.fixture("deadlock_join").toString()), tmp.resolve("strace-err"));
        int pid = deadlockedPid(strace);
        awaitInFutex(pid, 3);
        Tool.signal(pid, "INT");
        assertTrue(strace.waitFor(60, TimeUnit.SECONDS), "strace ended");
        Map<Integer, List<String>> theirs = new TreeMap<>();
        for (String line : Files.readAllLines(straceOut)) {
            Matcher m = STRACE_LINE.matcher(line);
            if (m.matches()) theirs.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(m.group(2));
        }

        String ours = cDeadlock(tmp, null).text();
        Map<Integer, List<String>> byThread = new LinkedHashMap<>();
        double last = 0;
        for (String line : ours.substring(0, ours.indexOf("BLOCKED AT THE END")).split("\n")) {
            Matcher m = OUR_LINE.matcher(line);
            if (!m.matches()) continue;
            double t = Double.parseDouble(m.group(1));
            assertTrue(t >= last, "lines in time order: " + line + "\n" + ours);
            last = t;
            byThread.computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ArrayList<>()).add(m.group(3));
        }
        List<String> expected = lastSplitCalls(theirs), actual = lastSplitCalls(byThread);
        assertEquals(3, expected.size(), "strace: main and both lockers ended inside a call: " + theirs);
        for (String pair : expected) assertTrue(pair.contains(" <unfinished ...>\n<... futex resumed>) = ?"), pair);
        assertEquals(String.join("\n\n", expected), String.join("\n\n", actual));
    }

    @Test
    void aPiMutexDeadlockIsTheCycleTheKernelRefusedWithEdeadlk(@TempDir Path tmp) throws Exception {
        String trace = cDeadlock(tmp, "pi").text();
        int a = tidOf(trace, "locker-a"), b = tidOf(trace, "locker-b");
        assertTrue(trace.contains("FUTEX_LOCK_PI_PRIVATE, NULL <unfinished ...>"), trace);
        // joined, or '<unfinished ...>' then resumed when the other locker's line came between
        assertTrue(trace.contains("FUTEX_LOCK_PI_PRIVATE, NULL) = -1 EDEADLK (Resource deadlock avoided)")
                || trace.contains("<... futex resumed>) = -1 EDEADLK (Resource deadlock avoided)"), trace);
        String cycles = deadlocks(trace);
        String first = Math.min(a, b) == a ? a + " locker-a" : b + " locker-b", second = first.endsWith("a") ? b + " locker-b" : a + " locker-a";
        assertTrue(cycles.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), cycles);
        assertTrue(cycles.contains("which holds the PI futex\n"), "one waits in FUTEX_LOCK_PI, the owner from the word: " + cycles);
        assertTrue(cycles.contains("which holds the PI futex the kernel refused it with EDEADLK"), cycles);
    }

    @Test
    void killedByKillAfterWhileBlockedItsPendingCallsAreListed(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("trace.txt");
        // SIGINT ignored, as under nohup: only --kill-after ends it.
        Process p = start(Tool.jar("run", "-e", "futex", "--kill-after", "500ms", "-o", out.toString(), "--report", "blocked", "--width", "200", "--",
                Traced.fixture("with_signals").toString(), "2", "-", Traced.fixture("deadlock_join").toString()), tmp.resolve("err"));
        int pid = deadlockedPid(p);
        awaitInFutex(pid, 3);
        assertEquals(130, Hangs.interrupt(p), "128 + the signal the tool got: " + Files.readString(tmp.resolve("err")));
        String trace = Files.readString(out);
        assertTrue(trace.contains("+++ killed by SIGKILL +++"), trace);
        String report = trace.substring(trace.indexOf("BLOCKED AT THE END"));
        for (String name : List.of("locker-a", "locker-b")) {
            assertTrue(Pattern.compile("\\d+ " + name + " +futex\\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 2, NULL\\) = \\?  since @.*the thread ended in it")
                    .matcher(report).find(), report);
        }
        assertTrue(deadlocks(report).contains("deadlock 1 (native, 2 threads)"), report);
    }

    /** A Java deadlock traced with {@code run --format jsonl}, ended by SIGINT: the saved trace. */
    private Path javaRun(Path tmp, String mode) throws Exception {
        Path trace = tmp.resolve(mode + ".jsonl");
        Process p = start(Tool.jar(javaArgs(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--"), mode)), tmp.resolve("err"));
        int pid = deadlockedPid(p);
        awaitLockers(pid);
        assertEquals(130, Hangs.interrupt(p), Files.readString(tmp.resolve("err")));
        // Asking for the lock view started the JVM's Attach Listener; a stray SIGQUIT would have made it print a dump.
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertFalse(rest.contains("Full thread dump"), "the program's own output is untouched: " + rest);
        return trace;
    }

    private static String[] javaArgs(List<String> tool, String mode) {
        List<String> all = new ArrayList<>(tool);
        all.addAll(javaDeadlock(mode));
        return all.toArray(String[]::new);
    }

    /**
     * Ctrl-C typed at a terminal reaches the JVM and the tool at once; the JVM would be shutting
     * down before the tool asked for its lock view. Under a real pseudo-terminal (script(1)), the
     * tool holds that SIGINT back until the view is taken: the Java deadlock is found, as it is when
     * the signal goes to the tool alone.
     */
    @Test
    void ctrlCAtATerminalStillFindsTheJavaDeadlock(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("report.txt");
        List<String> tool = Tool.jar(javaArgs(List.of("run", "--no-live", "--report", "blocked", "--width", "200", "-o", out.toString(),
                "--"), "monitor"));
        String command = String.join(" ", tool.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        Process script = new ProcessBuilder("script", "-qfec", command, "/dev/null").redirectError(tmp.resolve("err").toFile()).start();
        started.add(script);
        int pid = deadlockedPid(script);
        awaitLockers(pid);
        script.getOutputStream().write(3); // ^C: the terminal's SIGINT to its foreground group, the tool and the JVM
        script.getOutputStream().flush();
        assertTrue(script.waitFor(90, TimeUnit.SECONDS), "the tool ended");
        String report = Files.readString(out);
        assertTrue(deadlocks(report).contains("(Java, 2 threads)"), report + Files.readString(tmp.resolve("err")));
    }

    @Test
    void aJavaMonitorDeadlockEndedBySigintShowsJavaNamesLocksOwnersFramesAndCreators(@TempDir Path tmp) throws Exception {
        Path trace = javaRun(tmp, "monitor");
        Tool.Result r = Tool.run(Tool.jar("report", "--no-live", "--report", "blocked", "--width", "200", trace.toString()));
        assertEquals(0, r.code(), r.err());
        String cycles = deadlocks(r.out());
        assertTrue(Pattern.compile("deadlock 1 \\(Java, 2 threads\\): \\d+ locker-(left|right) → \\d+ locker-(left|right) → ").matcher(cycles).find(),
                cycles);
        for (String name : List.of("locker-left", "locker-right")) {
            assertTrue(Pattern.compile("\\d+ " + name + "  created by \\d+ spawner \\(Java: constructed by spawner\\)").matcher(cycles).find(), cycles);
            assertTrue(cycles.contains("Java: \"" + name + "\" BLOCKED (on object monitor), waiting to lock <0x"), cycles);
        }
        assertTrue(Pattern.compile("waits on <0x[0-9a-f]+> \\(a java\\.lang\\.Object\\) for \\d+ locker-\\w+, which holds the monitor")
                .matcher(cycles).find(), cycles);
        assertTrue(cycles.contains("at " + JavaDeadlock.class.getName() + ".take(JavaDeadlock.java:"), cycles);
        assertTrue(cycles.contains("itself found 1"), "the JVM's own count beside ours: " + cycles);
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "deadlocks == 0", trace.toString()));
        assertEquals(90, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("FAIL  deadlocks == 0   actual 1"), check.out());
    }

    /**
     * Detached by SIGINT once the tool's agent is in the JVM (its thread sleeps on the tool's
     * socket): the lock view's time limit is the JVM's answer's, not also the agent's attach, which
     * took longer than any fixed --duration on a loaded machine.
     */
    @Test
    void aReentrantLockCycleInARunningJvmIsFoundByAttachDetachedBySignal(@TempDir Path tmp) throws Exception {
        Process jvm = start(javaDeadlock("lock"), tmp.resolve("jvm-err"));
        int pid = deadlockedPid(jvm);
        awaitLockers(pid);
        Path out = tmp.resolve("attach.txt"), err = tmp.resolve("err");
        Process tool = start(Tool.jar("attach", "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "200",
                "--assert", "deadlocks == 0", Integer.toString(pid)), err);
        Hangs.awaitAgentIn(pid);
        // The report says why when it failed (a JVM that gave no lock view within the tool's limit says so there).
        assertEquals(90, Hangs.interrupt(tool), "deadlocks == 0 failed: " + Files.readString(err) + Files.readString(out));
        assertTrue(jvm.isAlive(), "the JVM runs on after the detach");
        String cycles = deadlocks(Files.readString(out));
        assertTrue(cycles.contains("deadlock 1 (Java, 2 threads)"), cycles);
        assertTrue(cycles.contains("still in it when the tool detached"), cycles);
        assertTrue(Pattern.compile("waits on <0x[0-9a-f]+> \\(a java\\.util\\.concurrent\\.locks\\.ReentrantLock\\$NonfairSync\\) for \\d+ "
                + "locker-\\w+, which holds the synchronizer").matcher(cycles).find(), cycles);
        assertTrue(cycles.contains("WAITING (parking), parked for <0x"), cycles);
        assertTrue(cycles.contains("at " + JavaDeadlock.class.getName() + ".holdThenTake(JavaDeadlock.java:"), cycles);
    }

    @Test
    void theSameJavaProgramWithoutTheDeadlockPasses(@TempDir Path tmp) throws Exception {
        Tool.Result r = Tool.run(Tool.jar(javaArgs(List.of("run", "-e", "none", "--report", "blocked", "--width", "200", "--assert", "deadlocks == 0",
                "--"), "none")));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASS  deadlocks == 0"), r.out());
        assertTrue(r.out().contains("done"), r.out());
        // The JVM's exit_group tore down its idle threads inside their waits: listed, and no cycle.
        assertTrue(deadlocks(r.out()).contains("(none found)"), r.out());
    }
}
