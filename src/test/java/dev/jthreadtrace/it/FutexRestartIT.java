package dev.jthreadtrace.it;

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
 * Futex waits a signal interrupts and the kernel continues, and futex_waitv, on the fixture
 * {@code native/futex_restart.c} (it exits 1 unless every wait returned what its mode plans: the
 * kernel's answers are the truth here). Under ptrace a signal whose disposition is to ignore it
 * (SIGCHLD, SIGWINCH, SIGURG) still wakes a wait: a timed one returns ERESTART_RESTARTBLOCK and goes
 * on in restart_syscall, an untimed one returns ERESTARTSYS and is made again; either way it is one
 * wait from its first entry, released by main's wake. Each run is made twice, with the exits the
 * model reads and with every exit followed ({@code -Djthreadtrace.every-exit=true}): the same story.
 */
@Timeout(300)
class FutexRestartIT {
    private static final Pattern WORDS = Pattern.compile("futex_restart: words (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+)");
    private static final Pattern RELEASE = Pattern.compile("\\d+ futex_restart woke \\d+ waiter on (0x[0-9a-f]+) @\\S+ after (\\S+)");

    /** One traced run: its report, its stderr (the fixture's and the tool's), its exit status. */
    private record Run(String report, String err, int code) {
        String word(int i) {
            Matcher m = WORDS.matcher(err);
            assertTrue(m.find(), "the fixture printed its words:\n" + err);
            return m.group(i + 1);
        }

        /**
         * The waits on the fixture's word {@code i} (the busiest-words line): the waiter's own row
         * may also count a wait on a glibc lock (stdio's, contended with main as it prints).
         */
        String wordWaits(int i) {
            Matcher m = Pattern.compile("(?m)^ +" + word(i) + " +waits (\\d+),").matcher(report);
            assertTrue(m.find(), "a line for word " + word(i) + ":\n" + report);
            return m.group(1);
        }

        /** The waiter's row of the FUTEX table: calls, waits, wakes, blocked, timeouts, eagain. */
        List<String> waiterRow() {
            for (String line : report.lines().toList()) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 8 && f[1].equals("waiter") && f[0].matches("\\d+")) return List.of(f).subList(2, 8);
            }
            throw new AssertionError("no FUTEX row for the waiter:\n" + report);
        }
    }

    private static Run run(Path tmp, boolean everyExit, String report, List<String> options, String mode) throws IOException {
        Path out = Files.createTempFile(tmp, "report", ".txt");
        // A call only shown (-e) is recorded only when lines are printed: then they go to the report's file too.
        List<String> args = new ArrayList<>(List.of("run", options.contains("-e") ? "-q" : "--no-live", "--jvm", "off", "--width",
                "200", "--report", report, "-o", out.toString()));
        args.addAll(options);
        args.addAll(List.of("--", Traced.fixture("futex_restart").toString(), mode));
        List<String> cmd = new ArrayList<>(Tool.jar(args.toArray(String[]::new)));
        if (everyExit) cmd.add(1, "-Djthreadtrace.every-exit=true");
        Tool.Result r = Tool.run(cmd);
        Run run = new Run(Files.readString(out), r.err(), r.code());
        assertEquals(0, r.code(), mode + (everyExit ? " (every exit)" : "") + ": the waits returned as planned:\n" + run.err()
                + run.report());
        return run;
    }

    private static double millis(String duration) {
        Matcher m = Pattern.compile("([\\d.]+)(ns|us|µs|ms|s)").matcher(duration);
        assertTrue(m.matches(), duration);
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "ns" -> v / 1e6;
            case "us", "µs" -> v / 1e3;
            case "ms" -> v;
            default -> v * 1e3;
        };
    }

    /** The release of the waiter: on which word, after how long (ms). */
    private static Matcher release(Run r) {
        Matcher m = RELEASE.matcher(r.report());
        assertTrue(m.find(), "main's wake released the waiter:\n" + r.report());
        return m;
    }

    /**
     * The wait went on after the signal (main wakes it 300 ms or more after the signal, 100 ms or
     * more after it was asleep again): one wait, blocked over the whole of it, released by main's wake.
     */
    @Test
    void aWaitASignalInterruptedIsOneWaitReleasedByTheWakeAfterIt(@TempDir Path tmp) throws IOException {
        for (String mode : List.of("timed", "bitset", "untimed")) {
            for (boolean everyExit : List.of(false, true)) {
                Run r = run(tmp, everyExit, "futex,blocked", List.of(), mode);
                String what = mode + (everyExit ? " (every exit)" : "");
                Matcher m = release(r);
                assertEquals(r.word(0), m.group(1), what);
                assertTrue(millis(m.group(2)) >= 300, what + ": the wait lasted from its first entry to main's wake:\n" + r.report());
                assertEquals("1", r.wordWaits(0), what + ": one wait, not two:\n" + r.report());
                assertTrue(millis(r.waiterRow().get(3)) >= 250, what + ": blocked over both stretches:\n" + r.report());
                assertTrue(r.report().contains("(no thread was inside a traced call"), what + ": nothing pending:\n" + r.report());
            }
        }
    }

    /** The metrics tell the same story: one wait of the waiter, blocked over both stretches (an assertion that fails exits non-zero). */
    @Test
    void theMetricsCountOneWait(@TempDir Path tmp) throws IOException {
        for (boolean everyExit : List.of(false, true)) {
            run(tmp, everyExit, "summary", List.of("--assert", "futex.waits{name=\"waiter\"} == 1",
                    "--assert", "futex.wait.time{name=\"waiter\"} >= 250ms", "--assert", "futex.timeouts == 0"), "timed");
        }
    }

    /** With a handler the kernel answers EINTR: that wait ended at the signal, and the next one is another wait, woken. */
    @Test
    void withAHandlerTheWaitEndsAtTheSignal(@TempDir Path tmp) throws IOException {
        for (boolean everyExit : List.of(false, true)) {
            Run r = run(tmp, everyExit, "futex,blocked", List.of(), "handler");
            assertEquals("2", r.wordWaits(0), "the interrupted wait and the second one:\n" + r.report());
            assertEquals(r.word(0), release(r).group(1));
            assertTrue(r.err().contains("interrupted wait returned -4"), r.err());
        }
    }

    /**
     * After a handler, rt_sigreturn's return says what the kernel did: futex's number (SA_RESTART: the
     * same wait begun again, though the handler made a call in between) is one wait from its first
     * entry; -EINTR ended the wait, and the same call made again 300 ms later is another wait whose
     * release counts from its own entry.
     */
    @Test
    void rtSigreturnTellsAWaitBegunAgainAfterAHandlerFromOneMadeAgain(@TempDir Path tmp) throws IOException {
        for (boolean everyExit : List.of(false, true)) {
            String what = everyExit ? " (every exit)" : "";
            Run restarted = run(tmp, everyExit, "futex,blocked", List.of(), "sa-restart");
            assertEquals("1", restarted.wordWaits(0), "sa-restart" + what + ": one wait:\n" + restarted.report());
            assertTrue(millis(release(restarted).group(2)) >= 300, "sa-restart" + what + ": from its first entry:\n" + restarted.report());
            Run again = run(tmp, everyExit, "futex,blocked", List.of(), "sa-eintr");
            assertEquals("2", again.wordWaits(0), "sa-eintr" + what + ": the interrupted wait and the new one:\n" + again.report());
            Matcher m = release(again);
            // one wait from the first entry would have waited longer than both stretches together (the 300 ms it ran)
            assertTrue(millis(m.group(2)) < millis(again.waiterRow().get(3)), "sa-eintr" + what
                    + ": released after its own entry, not the first wait's:\n" + again.report());
        }
        Run live = run(tmp, false, "futex", List.of("-e", "futex"), "sa-eintr");
        assertEquals("2", live.wordWaits(0), "sa-eintr with lines: the same answer:\n" + live.report());
    }

    /** A thread torn down inside the continued wait is blocked in the futex since its first entry, not "interrupted". */
    @Test
    void aThreadLeftInTheContinuedWaitIsBlockedInIt(@TempDir Path tmp) throws IOException {
        for (boolean everyExit : List.of(false, true)) {
            Run r = run(tmp, everyExit, "blocked", List.of(), "hang");
            Matcher m = Pattern.compile("\\d+ waiter +futex\\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 0, \\{tv_sec=20, tv_nsec=0\\}\\) = \\?\\s+"
                    + "since \\S+, for (\\S+); the thread ended in it; begun again after a signal").matcher(r.report());
            assertTrue(m.find(), "the waiter is blocked in its wait:\n" + r.report());
            assertTrue(millis(m.group(1)) >= 300, "since the first entry:\n" + r.report());
            assertFalse(r.report().contains("restart_syscall"), r.report());
            assertTrue(r.report().contains("word " + r.word(0)), r.report());
        }
    }

    /** A nanosleep continued in restart_syscall is pending as the nanosleep (the pending-calls view ties them per thread). */
    @Test
    void aRestartedSleepIsPendingAsTheSleep(@TempDir Path tmp) throws IOException {
        Run r = run(tmp, false, "blocked", List.of("-e", "nanosleep"), "sleep");
        assertTrue(Pattern.compile("\\d+ waiter +nanosleep\\(\\{tv_sec=0, tv_nsec=600000000\\}, NULL\\) = \\?\\s+since \\S+, for \\S+; "
                + "the thread ended in it; begun again after a signal").matcher(r.report()).find(), r.report());
        assertFalse(r.report().contains("restart_syscall"), r.report());
    }

    /**
     * Threads in timed waits when the tool attaches: its interrupt makes the kernel continue each
     * wait as restart_syscall, the first call the trace sees of them. They are blocked all the same
     * (the hostile test of the hang analysis: 1 of 3 threads counted, main's untimed join only), in
     * the futex wait /proc said each was in before the interrupt.
     */
    @Test
    void threadsInTimedWaitsAtAnAttachAreBlocked(@TempDir Path tmp) throws Exception {
        Process target = new ProcessBuilder(Traced.fixture("timed_waiters").toString(), "2")
                .redirectError(tmp.resolve("target-err").toFile()).start();
        try {
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(target.getInputStream())).readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "the waiters are asleep: " + ready);
            Path out = tmp.resolve("attach.txt");
            Tool.Result r = Tool.run(Tool.jar("attach", "--duration", "1s", "--no-live", "--width", "200", "--report", "blocked",
                    "-o", out.toString(), "--assert", "threads.blocked{name=\"timed-*\"} == 2", "--assert", "threads.blocked == 3",
                    Long.toString(target.pid())));
            String report = Files.readString(out);
            assertEquals(0, r.code(), r.err() + report);
            // The call each was in, read from /proc before the attach's interrupt, says which wait the restart_syscall continues.
            Matcher m = Pattern.compile("\\d+ timed-\\d +futex\\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 0, 0x[0-9a-f]+\\) = \\?\\s+"
                    + "since before the attach, for at least \\S+; still in it when the tool detached").matcher(report);
            assertTrue(m.find() && m.find(), "both waiters are blocked in the continued wait:\n" + report);
            assertFalse(report.contains("restart_syscall"), report);
            assertTrue(target.isAlive(), "the waiters wait on after the detach");
        } finally {
            target.destroyForcibly();
            target.waitFor();
        }
    }

    /** futex_waitv: a wait on each word, released on the word whose index it returned (main woke the second). */
    @Test
    void futexWaitvIsAWaitOnEachWord(@TempDir Path tmp) throws IOException {
        for (boolean everyExit : List.of(false, true)) {
            Run r = run(tmp, everyExit, "futex,blocked", List.of(), "waitv");
            assertEquals(r.word(1), release(r).group(1), "released on word 1:\n" + r.report());
            // (the waiter's own row may count a wait on stdio's lock too: the thread's one waitv is RestartedWaitsTest's)
            for (int i = 0; i < 3; i++) {
                assertTrue(Pattern.compile(r.word(i) + " +waits 1, .*waiters \\d+").matcher(r.report()).find(), "word " + i + ":\n" + r.report());
            }
            Run sig = run(tmp, everyExit, "futex,blocked", List.of(), "waitv-sig");
            Matcher m = release(sig);
            assertEquals(sig.word(0), m.group(1), sig.report());
            assertTrue(millis(m.group(2)) >= 300, "one wait from its first entry (ERESTARTSYS, made again):\n" + sig.report());
            assertEquals("1", sig.wordWaits(0), sig.report());
        }
    }

    /** A thread left in futex_waitv is blocked on all its words. */
    @Test
    void aThreadLeftInFutexWaitvIsBlockedOnAllItsWords(@TempDir Path tmp) throws IOException {
        for (boolean everyExit : List.of(false, true)) {
            Run r = run(tmp, everyExit, "blocked", List.of(), "waitv-hang");
            assertTrue(r.report().contains("words " + r.word(0) + ", " + r.word(1) + ", never woken"), r.report());
        }
    }

    /** The live lines say what strace -f says: the wait interrupted, then restart_syscall resuming it, returning 0. */
    @Test
    void theLinesAreStraces(@TempDir Path tmp) throws Exception {
        String fixture = Traced.fixture("futex_restart").toString();
        Path strace = tmp.resolve("strace.txt");
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-o", strace.toString(), "-e", "trace=futex,restart_syscall", fixture, "timed")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("strace.out").toFile()).start();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran the fixture");
        Tool.Result r = Tool.run(Tool.jar("run", "--jvm", "off", "--report", "none", "-e", "futex,restart_syscall", "--", fixture, "timed"));
        assertEquals(0, r.code(), r.err());
        for (String text : List.of(Files.readString(strace), r.out())) {
            assertTrue(text.contains("FUTEX_WAIT_PRIVATE, 0, {tv_sec=20, tv_nsec=0}"), text);
            assertTrue(text.contains("= ? ERESTART_RESTARTBLOCK (Interrupted by signal)"), text);
            assertTrue(Pattern.compile("restart_syscall\\(<\\.\\.\\. resuming interrupted futex \\.\\.\\.>.*\\n(.*\\n)*.*"
                    + "<\\.\\.\\. restart_syscall resumed>\\) += 0").matcher(text).find(), text);
        }
    }
}
