package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The futex ops on two words as the kernel does them (futex(2), kernel/futex/requeue.c): a requeue
 * wakes up to val waiters and moves the rest of what it returned to its second word, where a later
 * wake releases them; FUTEX_WAKE_OP wakes on both words. Calls reach the log as they return, in any
 * order: a moved waiter's return may come before or after the requeue's and the second word's wake.
 */
class FutexRequeueTest {
    private static final int PID = 100, WAITER = 101, WAKER = 102, OTHER = 103;
    private static final long A = 0x9000, B = 0x9004, C = 0x9008;
    private static final long WAIT = 128, WAKE = 129, REQUEUE = 3 | 128, CMP_REQUEUE = 4 | 128, WAKE_OP = 5 | 128;

    private static TraceModel started() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        for (int tid : new int[] {WAITER, WAKER, OTHER}) {
            model.accept(new TraceEvent.Spawned(10, PID, tid, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        }
        return model;
    }

    private static TraceEvent.Syscall futex(long ns, long exitNs, int tid, long[] args, long ret) {
        return new TraceEvent.Syscall(ns, exitNs, tid, SyscallTable.FUTEX, args, ret, false, true, Captures.NONE);
    }

    private static TraceEvent.Syscall wait(long ns, long exitNs, int tid, long word) {
        return futex(ns, exitNs, tid, new long[] {word, WAIT, 0, 0, 0, 0}, 0);
    }

    private static TraceEvent.Syscall wake(long ns, int tid, long word, long ret) {
        return futex(ns, ns + 10, tid, new long[] {word, WAKE, 1, 0, 0, 0}, ret);
    }

    /** {@code futex(from, op, wake, move, to, 0) = ret} at {@code ns}. */
    private static TraceEvent.Syscall requeue(long ns, int tid, long op, long from, long wake, long move, long to, long ret) {
        return futex(ns, ns + 10, tid, new long[] {from, op, wake, move, to, 0}, ret);
    }

    private static List<String> releases(TraceModel model) {
        return model.futexAnalysis().releases().stream().map(r -> r.waker() + ">" + r.waiter() + " on 0x" + Long.toHexString(r.uaddr())
                + "@" + r.ns() + (r.requeued() == null ? "" : " from 0x" + Long.toHexString(r.requeued().from()) + " by "
                + r.requeued().by() + "@" + r.requeued().ns())).toList();
    }

    /** requeue.c of the hostile tester: CMP_REQUEUE(A, 0, 1, B) = 1 woke nobody; another thread's wake on B did. */
    @Test
    void aMovedWaiterIsReleasedByTheWakeOnTheWordItWasMovedTo() {
        List<List<TraceEvent>> orders = List.of(
                List.of(requeue(200, PID, CMP_REQUEUE, A, 0, 1, B, 1), wake(500, WAKER, B, 1), wait(100, 520, WAITER, A)),
                List.of(requeue(200, PID, CMP_REQUEUE, A, 0, 1, B, 1), wait(100, 520, WAITER, A), wake(500, WAKER, B, 1)),
                List.of(wait(100, 520, WAITER, A), wake(500, WAKER, B, 1), requeue(200, PID, CMP_REQUEUE, A, 0, 1, B, 1)),
                List.of(wake(500, WAKER, B, 1), wait(100, 520, WAITER, A), requeue(200, PID, CMP_REQUEUE, A, 0, 1, B, 1)));
        for (List<TraceEvent> order : orders) {
            TraceModel model = started();
            order.forEach(model::accept);
            assertEquals(List.of(WAKER + ">" + WAITER + " on 0x9004@500 from 0x9000 by " + PID + "@200"), releases(model), order.toString());
            FutexAnalysis.AddressStats a = model.futexAnalysis().addresses().stream().filter(s -> s.uaddr() == A).findFirst().orElseThrow();
            assertEquals(1, a.requeued());
            assertEquals(0, model.futex().of(model.thread(PID)).woken(), "the requeue woke nobody");
        }
    }

    /** musl's condvar: the requeuer is the waker too, with FUTEX_REQUEUE; a wake on B before the requeue did not release the wait. */
    @Test
    void onlyAWakeAfterTheRequeueReleasesTheMovedWaiter() {
        TraceModel model = started();
        model.accept(wake(150, OTHER, B, 1)); // released another waiter of B, before the move
        model.accept(requeue(200, WAKER, REQUEUE, A, 0, 1, B, 1));
        model.accept(wake(230, WAKER, B, 1));
        model.accept(wait(100, 240, WAITER, A));
        assertEquals(List.of(WAKER + ">" + WAITER + " on 0x9004@230 from 0x9000 by " + WAKER + "@200"), releases(model));
    }

    /** CMP_REQUEUE(A, 1, 1, B) = 1: the first val of what it returned are woken, so it woke the waiter on A. */
    @Test
    void aRequeueThatWokeReleasesTheWaiterWhereItWaited() {
        TraceModel model = started();
        model.accept(wait(100, 220, WAITER, A));
        model.accept(requeue(200, PID, CMP_REQUEUE, A, 1, 1, B, 1));
        assertEquals(List.of(PID + ">" + WAITER + " on 0x9000@200"), releases(model));
        assertEquals(1, model.futex().of(model.thread(PID)).woken());
    }

    /** A requeue that returned 0 moved nobody and woke nobody: the old matching made it the waker of a later-returning wait. */
    @Test
    void aRequeueThatMovedAndWokeNobodyIsNoWake() {
        TraceModel model = started();
        model.accept(requeue(200, PID, CMP_REQUEUE, A, 0, 1, B, 1)); // moved a waiter the trace never saw return
        model.accept(requeue(250, PID, CMP_REQUEUE, A, 1, 1, B, 0));
        model.accept(wait(100, 300, WAITER, A));
        assertEquals(List.of(), releases(model), "no wake of A, none of B");
    }

    /**
     * Two waiters on A, one moved: a wake of A and a wake of B both began while each was blocked. Which one
     * was moved no trace can say: neither is attributed, both are counted as such.
     */
    @Test
    void whenAWakeOfEitherWordCouldHaveReleasedItTheWaitIsNotAttributed() {
        TraceModel model = started();
        model.accept(requeue(200, PID, CMP_REQUEUE, A, 0, 1, B, 1));
        model.accept(wake(300, PID, A, 1));
        model.accept(wake(310, PID, B, 1));
        model.accept(wait(100, 320, WAITER, A));
        model.accept(wait(110, 330, OTHER, A));
        assertEquals(List.of(), releases(model));
        assertEquals(2, model.futexAnalysis().releasesUnattributed());
        assertEquals(0, model.futexAnalysis().releasesMatched());
    }

    /** FUTEX_WAKE_OP(A, 0, 1, C, ...) = 1: nobody waits on A, so the one it woke waited on C; both words count the wake call. */
    @Test
    void wakeOpReleasesAWaiterOfItsSecondWord() {
        TraceModel model = started();
        model.accept(wait(100, 220, WAITER, C));
        model.accept(futex(200, 210, PID, new long[] {A, WAKE_OP, 0, 1, C, 0}, 1));
        assertEquals(List.of(PID + ">" + WAITER + " on 0x9008@200"), releases(model));
        for (long word : new long[] {A, C}) {
            FutexAnalysis.AddressStats s = model.futexAnalysis().addresses().stream().filter(x -> x.uaddr() == word).findFirst().orElseThrow();
            assertEquals(1, s.wakes(), Long.toHexString(word));
            assertEquals(java.util.Set.of(PID), s.wakers(), Long.toHexString(word));
        }
    }

    /** A WAKE_OP that woke nobody (its comparison failed, no waiter) releases no wait on either word. */
    @Test
    void wakeOpThatWokeNobodyReleasesNothing() {
        TraceModel model = started();
        model.accept(futex(200, 210, PID, new long[] {A, WAKE_OP, 1, 1, C, 0}, 0));
        model.accept(wait(100, 220, WAITER, C));
        assertEquals(List.of(), releases(model));
    }
}
