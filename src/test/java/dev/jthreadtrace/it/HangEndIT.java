package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the look at /proc sees of a hung program (native/hang_owners.c) when it is not simply asleep
 * in its call: stopped by a signal (the registers /proc shows are a call's that no longer runs),
 * continued after a stop (its timed waits are restart_syscalls), or moving on after the first
 * SIGINT while the trace goes on (the look is taken again at the kill); and a process that has
 * no main thread, which cannot be attached.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read of the fixture's stdout is not interruptible
class HangEndIT {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    /** hang_owners MODE run untraced, once it says it hung. */
    private Process hung(String mode) throws IOException {
        Process p = Hangs.start(started, List.of(Traced.fixture("hang_owners").toString(), mode), null);
        Hangs.pidAfter(p, "hung ");
        return p;
    }

    private static void await(long pid, String nr, char state, int count) throws Exception {
        Hangs.awaitInCall(pid, nr, state, count);
    }

    private static void kill(String signal, long pid) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }

    private static Tool.Result attach(long pid, String assertion) {
        return Hangs.attach(pid, "--report", "blocked", "--width", "250", "--assert", assertion);
    }

    /**
     * A stop and continue turns each timed lock wait into a restart_syscall (the wait's argument
     * registers kept): an attach then still sees the futex waits, and their lock-order deadlock.
     */
    @Test
    void aTimedDeadlockIsFoundByAnAttachAfterAStopAndAContinue() throws Exception {
        Process p = hung("timed");
        await(p.pid(), "202", 'S', 2);
        kill("STOP", p.pid());
        await(p.pid(), "202", 'T', 2);
        kill("CONT", p.pid());
        await(p.pid(), "219", 'S', 2);
        Tool.Result r = attach(p.pid(), "deadlocks == 1");
        assertEquals(0, r.code(), r.out() + r.err());
        // The live lines show the restart_syscalls the trace saw; the report, the futex waits they continue.
        String report = r.out().substring(r.out().indexOf("BLOCKED AT THE END"));
        assertFalse(report.contains("restart_syscall"), report);
    }

    /**
     * Threads of a process stopped by SIGSTOP are in no call, though /proc shows the registers of the
     * join waits the stop interrupted (begun again at SIGCONT): not blocked, and a futex wait is never
     * "a call the trace does not record".
     */
    @Test
    void aStoppedProcessHasNoThreadBlocked() throws Exception {
        Process p = hung("joins");
        await(p.pid(), "202", 'S', 2);
        kill("STOP", p.pid());
        await(p.pid(), "202", 'T', 2);
        Tool.Result r = attach(p.pid(), "threads.blocked == 0");
        assertEquals(0, r.code(), r.out() + r.err());
        assertFalse(r.out().contains("does not record"), r.out());
    }

    /**
     * The first SIGINT's handler wakes the reader from pipe A; it then blocks for good reading pipe
     * B until --kill-after kills it: the report says read of B, what it was in when the trace ended.
     */
    @Test
    void theLookIsTakenAgainAtTheKillAfterTheFirstSignal(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("trace.txt"), err = tmp.resolve("err");
        Process tool = Hangs.start(started, Tool.jar("run", "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "250",
                "--kill-after", "1s", "--", Traced.fixture("hang_owners").toString(), "shutdown"), err);
        BufferedReader in = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8));
        String[] fds = in.readLine().split(" ");
        assertEquals("fds", fds[0]);
        long pid = Long.parseLong(in.readLine().substring("hung ".length()).strip());
        await(pid, "0", 'S', 1);
        Hangs.interrupt(tool);
        String text = Files.readString(out);
        String report = text.substring(Math.max(0, text.indexOf("BLOCKED AT THE END")));
        assertTrue(report.contains("read(" + fds[2] + ", "), report + Files.readString(err));
        assertFalse(report.contains("read(" + fds[1] + ", "), report);
    }

    /** A process whose main thread called pthread_exit while a thread runs on: the refusal says so, not "it has exited". */
    @Test
    void anAttachToAProcessWithoutItsMainThreadSaysWhy() throws Exception {
        Process p = Hangs.start(started, List.of(Traced.fixture("zombie_leader").toString(), "stay"), null);
        assertEquals("ready", new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine());
        Tool.Result r = attach(p.pid(), "threads.blocked == 0");
        assertEquals(125, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("pid " + p.pid() + " (zombie_leader) is a zombie leader: its main thread has exited"
                + " (pthread_exit) while 1 of its threads run on"), r.err());
    }
}
