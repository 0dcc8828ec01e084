package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who holds the lock a hung wait is for (native/hang_owners.c, ended by SIGINT): an owner read at a
 * wait that a later wake made stale is no edge (no false deadlock), and the owners of robust
 * mutexes, of timed locks and of process-shared mutexes held in another process are read, so their
 * lock-order deadlocks are found. HangIT holds the other hang tests.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read of the fixture's stdout is not interruptible
class HangOwnersIT {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    /** What the traced run printed, the fixture's pid, and the tool's stderr. */
    private record Hung(String text, int pid, String err) {}

    /**
     * Traces {@code hang_owners MODE} asserting {@code deadlocks == 0}, ends it by SIGINT once
     * {@code inFutex} tasks wait (the signal reaches the command alone: --kill-after ends a forked child).
     */
    private Hung trace(Path tmp, String mode, int inFutex, boolean child, String... asserts) throws Exception {
        Path out = tmp.resolve("trace.txt"), err = tmp.resolve("err");
        List<String> args = new ArrayList<>(List.of("run", "-e", "futex", "-o", out.toString(), "--report", "summary,blocked,futex",
                "--width", "250", "--assert", "deadlocks == 0", "--kill-after", "2s"));
        for (String a : asserts) args.addAll(List.of("--assert", a));
        args.addAll(List.of("--", Traced.fixture("hang_owners").toString(), mode));
        Process p = Hangs.start(started, Tool.jar(args.toArray(String[]::new)), err);
        int pid = Hangs.pidAfter(p, "hung ");
        Hangs.awaitInFutex(pid, inFutex);
        if (child) Hangs.awaitInFutex(childOf(pid), 1);
        // The tracer has seen the entries; main's join (stale) outlasts t1's earlier wait in the summary's top 3.
        Thread.sleep(1000);
        Hangs.interrupt(p);
        return new Hung(Files.readString(out), pid, Files.readString(err));
    }

    /** hang_owners MODE run untraced, once its {@code count} threads wait in futex: its pid. */
    private int hung(Path tmp, String mode, int count) throws Exception {
        Process fixture = Hangs.start(started, List.of(Traced.fixture("hang_owners").toString(), mode), tmp.resolve("ferr"));
        int pid = Hangs.pidAfter(fixture, "hung ");
        Hangs.awaitInFutex(pid, count);
        return pid;
    }

    private static int childOf(int pid) throws IOException {
        String children = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).strip();
        assertFalse(children.isEmpty(), "the fixture forked");
        return Integer.parseInt(children.split(" ")[0]);
    }

    private static int tidOf(String text, String name) {
        Matcher m = Pattern.compile("\\[(\\d+) " + Pattern.quote(name) + "]").matcher(text);
        assertTrue(m.find(), name + " in " + text);
        return Integer.parseInt(m.group(1));
    }

    private static String report(Hung h) {
        int at = h.text().indexOf("BLOCKED AT THE END");
        assertTrue(at >= 0, h.text() + h.err());
        return h.text().substring(at);
    }

    /**
     * t3 began to wait for M while t2 held it; t2 then unlocked M (t1 took it and sleeps) and waits
     * for N, which t3 holds. The owner t3 read at its wait is stale: t2 → t3 → t2 is no deadlock.
     */
    @Test
    void anOwnerReadBeforeTheLockWasHandedOnIsNoEdgeSoNoFalseDeadlock(@TempDir Path tmp) throws Exception {
        Hung h = trace(tmp, "stale", 3, false);
        String report = report(h);
        int t1 = tidOf(h.text(), "t1"), t3 = tidOf(h.text(), "t3");
        // t3's owner read at its wait (t2) went stale with t2's wake; read again at the end, M is t1's, asleep.
        assertNoFalseDeadlock(report, t1, t3);
        assertTrue(report.contains("waits for " + t1 + " t1, which holds the mutex"), report);
        // main's join, interrupted by the SIGINT (ERESTARTSYS), is counted once: the summary says what FUTEX says.
        Matcher futex = Pattern.compile("\\n" + h.pid() + " hang_owners +\\d+ +\\d+ +\\d+ +([0-9.]+(?:ms|s)) ").matcher(h.text());
        Matcher longest = Pattern.compile("longest blocked in futex: .*\\b" + h.pid() + " hang_owners ([0-9.]+(?:ms|s))").matcher(h.text());
        assertTrue(futex.find() && longest.find(), h.text());
        assertEquals(futex.group(1), longest.group(1), longest.group());
    }

    /**
     * The same with M process-shared in a memfd mapped twice: t2's unlock wakes through another
     * address than t3's wait names (the kernel keys a shared futex by its page). The hostile test of
     * the hang analysis: a false deadlock t2 → t3 → t2; any shared wake after a shared wait began
     * makes its owner unknown.
     */
    @Test
    void aSharedLockHandedOnThroughAnotherMappingIsNoFalseDeadlock(@TempDir Path tmp) throws Exception {
        Hung h = trace(tmp, "twomaps", 3, false);
        String report = report(h);
        int t1 = tidOf(h.text(), "t1"), t3 = tidOf(h.text(), "t3");
        // Read at the end through the waits' own mapping, M is t1's (asleep): no stale owner t2.
        assertNoFalseDeadlock(report, t1, t3);
    }

    /** M read at the end is t1's, t2 waits for t3, and that is no cycle: deadlocks == 0 passes. */
    private static void assertNoFalseDeadlock(String report, int t1, int t3) {
        assertTrue(report.contains("owner " + t1 + " (glibc mutex __owner, inferred, read at the end)"), report);
        assertTrue(report.contains("waits for " + t3 + " t3, which holds the mutex"), report);
        assertTrue(report.contains("DEADLOCKS (cycles of threads, each waiting for the next)\n  (none found)"), report);
        assertTrue(report.contains("PASS  deadlocks == 0"), report);
    }

    private static void assertCycle(String report, String first, String second, String via) {
        // The cycle is printed from its lowest tid.
        boolean firstLow = Integer.parseInt(first.split(" ")[0]) < Integer.parseInt(second.split(" ")[0]);
        String a = firstLow ? first : second, b = firstLow ? second : first;
        assertTrue(report.contains("deadlock 1 (native, 2 threads): " + a + " → " + b + " → " + a), report);
        assertTrue(report.contains(via), report);
        assertTrue(Pattern.compile("FAIL  deadlocks == 0 +actual 1\n").matcher(report).find(), report);
    }

    /** A robust mutex's waiters wait with the owner's tid | FUTEX_WAITERS: the word names the owner. */
    @Test
    void aRobustMutexLockOrderDeadlockIsFoundByTheOwnersInTheWords(@TempDir Path tmp) throws Exception {
        // The hung waits were killed in the call (never returned): futex.wait.time counts them to the end.
        Hung h = trace(tmp, "robust", 3, false, "futex.wait.time{name=\"locker-*\"} >= 1s", "futex.waits{name=\"locker-a\"} >= 1");
        String report = report(h);
        int a = tidOf(h.text(), "locker-a"), b = tidOf(h.text(), "locker-b");
        assertTrue(report.contains("owner " + b + " (robust mutex word, read at the end)")
                && report.contains("owner " + a + " (robust mutex word, read at the end)"), report);
        assertCycle(report, a + " locker-a", b + " locker-b", "which holds the robust mutex, its futex word says");
        assertTrue(report.contains("PASS  futex.wait.time{name=\"locker-*\"} >= 1s   actual "), report);
        assertTrue(report.contains("PASS  futex.waits{name=\"locker-a\"} >= 1 "), report);
    }

    /** pthread_mutex_timedlock waits with FUTEX_WAIT_BITSET: its mutex's owner is read as a plain lock's. */
    @Test
    void aTimedLockOrderDeadlockIsFound(@TempDir Path tmp) throws Exception {
        Hung h = trace(tmp, "timed", 3, false);
        String report = report(h);
        int a = tidOf(h.text(), "locker-a"), b = tidOf(h.text(), "locker-b");
        assertTrue(report.contains("FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 2, {tv_sec="), report);
        assertCycle(report, a + " locker-a", b + " locker-b", "which holds the mutex, says glibc's __owner (inferred)");
    }

    /** A process and its child, each holding one process-shared mutex and waiting for the other's. */
    @Test
    void aLockOrderDeadlockAcrossProcessesOnSharedMutexesIsFound(@TempDir Path tmp) throws Exception {
        Hung h = trace(tmp, "pshared", 1, true);
        String report = report(h);
        Matcher m = Pattern.compile("(\\d+) hang_owners +futex\\(0x[0-9a-f]+, FUTEX_WAIT, 2, NULL\\)").matcher(report);
        List<Integer> waiters = new ArrayList<>();
        while (m.find()) waiters.add(Integer.parseInt(m.group(1)));
        assertTrue(waiters.size() == 2 && waiters.contains(h.pid()), report);
        int child = waiters.get(0) == h.pid() ? waiters.get(1) : waiters.get(0);
        assertCycle(report, h.pid() + " hang_owners", child + " hang_owners", "which holds the mutex, says glibc's __owner (inferred)");
    }

    /**
     * A lock handed on while a thread waited for it, then a cycle through it: t2 holds M, t1 then t3
     * (holding N) wait for M; t2 unlocks M, t1 takes it and waits for N. t3's owner read at its wait
     * (t2) went stale with t2's wake, so without the read at the end the deadlock t1 ↔ t3 was missed.
     */
    @Test
    void aCycleThroughAMutexHandedOnWhileWaitedIsFoundByTheOwnerReadAtTheEnd(@TempDir Path tmp) throws Exception {
        Hung h = trace(tmp, "handoff", 4, false);
        String report = report(h);
        int t1 = tidOf(h.text(), "t1"), t3 = tidOf(h.text(), "t3");
        assertTrue(report.contains("owner " + t1 + " (glibc mutex __owner, inferred, read at the end), last woken by "), report);
        assertCycle(report, t1 + " t1", t3 + " t3", "which holds the mutex, says glibc's __owner (inferred)");
        // FUTEX (printed before BLOCKED) lists the waits no wake released too.
        assertTrue(Pattern.compile("still waiting at the end \\(no wake released them; see BLOCKED\\):\n(  .*\n)*  " + t3
                + " t3 on 0x[0-9a-f]+ since @").matcher(h.text()).find(), h.text());
    }

    /**
     * The same on PI mutexes: t2's FUTEX_UNLOCK_PI hands M to t1 (the kernel writes t1's tid into the
     * word), whose lock of N the kernel then refuses (EDEADLK: glibc parks it). t3's word read at the
     * end names t1; attach could already read it (at its start): run and Ctrl-C now agree.
     */
    @Test
    void aCycleThroughAPiMutexHandedOnWhileWaitedIsFoundByTheWordReadAtTheEnd(@TempDir Path tmp) throws Exception {
        Hung h = trace(tmp, "handoffpi", 4, false);
        String report = report(h);
        int t1 = tidOf(h.text(), "t1"), t3 = tidOf(h.text(), "t3");
        assertTrue(report.contains("owner " + t1 + " (PI futex word, read at the end)"), report);
        assertCycle(report, t1 + " t1", t3 + " t3", "which holds the PI futex");
    }

    /**
     * Attached after the hand-off, with --duration: the cycle is found, the owners are read at the end
     * too, and the saved JSONL trace holds that read (its report finds the same cycle again).
     */
    @Test
    void attachFindsTheCycleThroughAHandedOnMutexAndTheSavedTraceAgrees(@TempDir Path tmp) throws Exception {
        int pid = hung(tmp, "handoff", 4);
        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result attached = Hangs.attach(pid, "--format", "jsonl", "-o", trace.toString(), "--assert", "deadlocks == 1");
        assertEquals(0, attached.code(), attached.out() + attached.err());
        String jsonl = Files.readString(trace);
        assertTrue(jsonl.contains("\"type\":\"end_look\""), jsonl);
        assertTrue(jsonl.contains("\"owner_read\":\"end\""), jsonl);
        Tool.Result r = Tool.run(Tool.jar("report", "--no-live", "--report", "blocked", "--width", "250", trace.toString()));
        Matcher t1 = Pattern.compile("\\n +(\\d+) t1 +futex\\(").matcher(r.out()), t3 = Pattern.compile("\\n +(\\d+) t3 +futex\\(").matcher(r.out());
        assertTrue(t1.find() && t3.find(), r.out());
        String a = t1.group(1) + " t1", b = t3.group(1) + " t3";
        String cycle = Integer.parseInt(t1.group(1)) < Integer.parseInt(t3.group(1)) ? a + " → " + b + " → " + a : b + " → " + a + " → " + b;
        assertTrue(r.out().contains("deadlock 1 (native, 2 threads): " + cycle), r.out());
        assertTrue(r.out().contains("owner " + t1.group(1) + " (glibc mutex __owner, inferred, read at the end)"), r.out());
    }

    /**
     * A lock-order deadlock on pthread_mutex_timedlock, already hung when the tool attaches: the
     * attach's interrupt makes each timed wait go on in restart_syscall, which does not say which
     * call it continues; the call read from /proc before the interrupt does (its word, its owner).
     */
    @Test
    void attachFindsATimedLockDeadlockByTheCallsReadBeforeItsInterrupt(@TempDir Path tmp) throws Exception {
        int pid = hung(tmp, "timed", 3);
        Path out = tmp.resolve("trace.txt");
        Tool.Result attached = Hangs.attach(pid, "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "250",
                "--assert", "deadlocks == 1", "--assert", "threads.blocked == 3");
        String report = Files.readString(out);
        assertEquals(0, attached.code(), attached.out() + attached.err() + report);
        String blocked = report.substring(report.indexOf("BLOCKED AT THE END"));
        Matcher ma = Pattern.compile("\\n +(\\d+) locker-a +futex").matcher(blocked), mb = Pattern.compile("\\n +(\\d+) locker-b +futex").matcher(blocked);
        assertTrue(ma.find() && mb.find(), blocked);
        int a = Integer.parseInt(ma.group(1)), b = Integer.parseInt(mb.group(1));
        assertFalse(blocked.contains("restart_syscall(<... resuming interrupted call ...>)"), blocked);
        assertTrue(Pattern.compile(a + " locker-a +futex\\(0x[0-9a-f]+, FUTEX_WAIT_BITSET_PRIVATE\\|FUTEX_CLOCK_REALTIME, 2, ").matcher(blocked).find(),
                blocked);
        String first = Math.min(a, b) == a ? a + " locker-a" : b + " locker-b", second = first.endsWith("a") ? b + " locker-b" : a + " locker-a";
        assertTrue(blocked.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), blocked);
    }

    /**
     * A thread blocked in read(2), which a futex-only trace does not record: the look at the end
     * reads its call from /proc, so it is listed and counts in threads.blocked (with main's join),
     * traced from the start (run, SIGINT) and by attach.
     */
    @Test
    void aThreadBlockedInACallTheTraceDoesNotRecordIsListedAndCounted(@TempDir Path tmp) throws Exception {
        Hung h = trace(tmp, "reader", 1, false, "threads.blocked == 2", "threads.blocked{name=\"reader\"} == 1");
        String report = report(h);
        Matcher r = Pattern.compile("\\n +\\d+ reader +read\\(3, .*\\) = \\?  since before @[0-9.]+m?s \\(unknown\\), for at least [0-9.]+m?s; "
                + "a call the trace does not record, seen in it by the last look before the end\\n").matcher(report);
        assertTrue(r.find(), report);
        assertTrue(report.contains("PASS  threads.blocked == 2 "), report);
        assertTrue(report.contains("PASS  threads.blocked{name=\"reader\"} == 1 "), report);

        int pid = hung(tmp, "reader", 1);
        Path out = tmp.resolve("attach.txt");
        Tool.Result byAttach = Hangs.attach(pid, "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "250",
                "--assert", "threads.blocked == 2");
        String attached = Files.readString(out);
        assertEquals(0, byAttach.code(), byAttach.out() + byAttach.err() + attached);
        assertTrue(Pattern.compile("\\n +\\d+ reader +read\\(3, ").matcher(attached).find(), attached);
    }

    /**
     * Two threads joining each other, already hung when the tool attaches: their clear-tid words were
     * set before the trace, so each join is inferred from its wait's value, the other thread's tid.
     */
    @Test
    void attachFindsAMutualJoinByTheTidsTheWaitsWaitFor(@TempDir Path tmp) throws Exception {
        int pid = hung(tmp, "joins", 2);
        Path out = tmp.resolve("trace.txt");
        Tool.Result attached = Hangs.attach(pid, "-o", out.toString(), "--report", "blocked", "--width", "250", "--assert", "deadlocks == 1");
        String report = Files.readString(out);
        assertEquals(0, attached.code(), attached.out() + attached.err() + report);
        Matcher j = Pattern.compile("\\n +(\\d+) joiner +futex\\(").matcher(report);
        assertTrue(j.find(), report);
        int joiner = Integer.parseInt(j.group(1));
        assertTrue(report.contains("deadlock 1 (native, 2 threads): " + pid + " hang_owners → " + joiner + " joiner → " + pid + " hang_owners"),
                report);
        assertTrue(report.contains("which is the thread it joins, inferred: the wait's value is its tid"), report);
    }
}
