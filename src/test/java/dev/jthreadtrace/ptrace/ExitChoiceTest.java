package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.ExitNeed;
import dev.jthreadtrace.decode.ExitPolicy;
import dev.jthreadtrace.decode.ExitUse;
import dev.jthreadtrace.decode.SyscallTable;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.jthreadtrace.decode.ExitNeed.Stop.ENTRY;
import static dev.jthreadtrace.decode.ExitNeed.Stop.EXIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tracer's side of a futex wake's decision: which waits blocked on its word have seen another wake begin. */
class ExitChoiceTest {
    private static final int PID = 100;
    private static final long WORD = 0x9000, WAIT_PRIVATE = 128, WAKE_PRIVATE = 129;

    private final ExitChoice choice = new ExitChoice(ExitPolicy.modelOnly(Set.of(ExitUse.FUTEX_WOKEN)));

    private static Task task(int tid, long op) {
        Task t = new Task(tid, PID);
        t.nr = SyscallTable.FUTEX;
        t.args = new long[] {WORD, op, 1, 0, 0, 0};
        t.captures = Captures.NONE;
        return t;
    }

    /** A wait entered and followed to its exit, as StopHandler does. */
    private Task waits(int tid) {
        Task t = task(tid, WAIT_PRIVATE);
        assertEquals(EXIT, choice.stop(t, t.nr));
        choice.entered(t);
        return t;
    }

    private ExitNeed.Stop wake(int tid) {
        Task t = task(tid, WAKE_PRIVATE);
        return choice.stop(t, t.nr);
    }

    @Test
    void onlyAWakeAfterAnotherInTheSameWaitWaitsForItsExit() {
        assertEquals(ENTRY, wake(200), "no waiter");
        Task first = waits(101);
        assertEquals(ENTRY, wake(201), "the first wake of the wait");
        assertEquals(EXIT, wake(202), "another wake began in the wait: its count decides which one released it");
        choice.left(first);
        assertEquals(ENTRY, wake(203), "the wait returned");
        Task second = waits(102);
        assertEquals(ENTRY, wake(204));
        Task third = waits(103); // began after that wake: it has seen none
        choice.left(second);
        assertEquals(ENTRY, wake(205), "the one wait left has seen no wake");
        assertEquals(EXIT, wake(206));
        choice.left(third);
        assertEquals(ENTRY, wake(207));
    }

    @Test
    void otherWordsAndProcessesAreApart() {
        waits(101);
        assertEquals(ENTRY, wake(201));
        Task elsewhere = task(300, WAKE_PRIVATE);
        elsewhere.args[0] = WORD + 4;
        assertEquals(ENTRY, choice.stop(elsewhere, elsewhere.nr));
        Task otherProcess = new Task(400, 400);
        otherProcess.nr = SyscallTable.FUTEX;
        otherProcess.args = new long[] {WORD, WAKE_PRIVATE, 1, 0, 0, 0};
        otherProcess.captures = Captures.NONE;
        assertEquals(ENTRY, choice.stop(otherProcess, otherProcess.nr));
        assertEquals(EXIT, wake(202));
    }

    @Test
    void aSharedOrPiWaitOnTheWordMakesEveryWakeWait() {
        for (long op : new long[] {0 /* FUTEX_WAIT, shared */, 6 | 128 /* LOCK_PI */, 11 | 128 /* WAIT_REQUEUE_PI */}) {
            ExitChoice c = new ExitChoice(ExitPolicy.modelOnly(Set.of(ExitUse.FUTEX_WOKEN)));
            Task w = task(101, op);
            c.stop(w, w.nr);
            c.entered(w);
            Task k = task(201, WAKE_PRIVATE);
            assertEquals(EXIT, c.stop(k, k.nr), "a wait a private wake may not release (op " + op + ")");
            c.left(w);
            assertEquals(ENTRY, c.stop(k, k.nr), "gone");
        }
    }

    @Test
    void aWakeOpBeginsAWakeOnItsSecondWord() {
        Task waiter = waits(101);
        Task op = task(201, 5 | 128);
        op.args = new long[] {WORD + 64, 5 | 128, 1, 1, WORD, 0};
        assertEquals(EXIT, choice.stop(op, op.nr), "a WAKE_OP's count is read");
        assertEquals(EXIT, wake(202), "the WAKE_OP may have released the wait through its second word");
        choice.left(waiter);
        assertEquals(ENTRY, wake(203));
    }

    @Test
    void withoutAConsumerOfWhoWokeWhomNoWakeWaits() {
        ExitChoice none = new ExitChoice(ExitPolicy.modelOnly(Set.of()));
        Task w = task(101, WAIT_PRIVATE);
        none.stop(w, w.nr);
        none.entered(w);
        for (int i = 0; i < 3; i++) {
            Task k = task(200 + i, WAKE_PRIVATE);
            assertEquals(ENTRY, none.stop(k, k.nr));
        }
    }

    /**
     * A futex_waitv waits on each word of its array, and a restart_syscall whose registers are a
     * futex wait's continues that wait: neither is a private plain wait, so while it is blocked
     * every wake on its words waits for its exit (the matching takes counted wakes only).
     */
    @Test
    void aWaitvOrAContinuedWaitMakesEveryWakeOnItsWordsWait() {
        Task waitv = new Task(101, PID);
        waitv.nr = SyscallTable.FUTEX_WAITV;
        waitv.args = new long[] {0x6000, 2, 0, 0, 1, 0};
        waitv.captures = new Captures();
        java.nio.ByteBuffer array = java.nio.ByteBuffer.allocate(48).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(8, WORD).putLong(32, WORD + 4);
        waitv.captures.put(0, array.array());
        assertEquals(EXIT, choice.stop(waitv, waitv.nr));
        choice.entered(waitv);
        Task onSecond = task(201, WAKE_PRIVATE);
        onSecond.args[0] = WORD + 4;
        assertEquals(EXIT, choice.stop(onSecond, onSecond.nr), "a wake on the waitv's second word");
        assertEquals(EXIT, wake(202), "a wake on its first word");
        choice.left(waitv);
        assertEquals(ENTRY, wake(203), "the waitv returned");

        Task restart = task(102, WAIT_PRIVATE);
        restart.nr = SyscallTable.RESTART_SYSCALL;
        assertEquals(EXIT, choice.stop(restart, restart.nr));
        choice.entered(restart);
        assertEquals(EXIT, wake(204), "a wake while the continued wait is blocked");
        choice.left(restart);
        assertEquals(ENTRY, wake(205));
    }

    /** A futex_waitv listing a word twice is one wait on it: counted once, taken off once, so the word is free after it. */
    @Test
    void aWaitvListingAWordTwiceCountsItOnce() {
        Task waitv = new Task(101, PID);
        waitv.nr = SyscallTable.FUTEX_WAITV;
        waitv.args = new long[] {0x6000, 2, 0, 0, 1, 0};
        waitv.captures = new Captures();
        waitv.captures.put(0, java.nio.ByteBuffer.allocate(48).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, WORD)
                .putLong(32, WORD).array());
        choice.stop(waitv, waitv.nr);
        choice.entered(waitv);
        assertEquals(EXIT, wake(201), "a wake while the waitv is blocked");
        choice.left(waitv);
        Task plain = waits(102);
        assertEquals(ENTRY, wake(202), "only the private plain wait is left on the word, and it has seen no wake");
        choice.left(plain);
    }
}
