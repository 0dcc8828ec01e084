package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Who woke whom when the tracer did not wait for every wake's exit (decode.ExitNeeds#futex): a
 * wake taken as finished at its entry may have released a wait it began in; a wake followed to
 * its exit that released nobody is passed over.
 */
class FutexMatchingTest {
    private static final int PID = 100, WAKER = 101, LATE = 102;
    private static final long WORD = 0x9000, WAIT_PRIVATE = 128, WAKE_PRIVATE = 129;

    private static TraceModel started() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        for (int tid : new int[] {WAKER, LATE}) {
            model.accept(new TraceEvent.Spawned(10, PID, tid, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        }
        return model;
    }

    private static TraceEvent.Syscall call(long ns, long exitNs, int tid, long op, long ret) {
        return new TraceEvent.Syscall(ns, exitNs, tid, SyscallTable.FUTEX, new long[] {WORD, op, 1, 0, 0, 0}, ret, false, true, Captures.NONE);
    }

    private static List<String> releases(TraceModel model) {
        return model.futexAnalysis().releases().stream().map(r -> r.waker() + ">" + r.waiter() + "@" + r.ns()).toList();
    }

    @Test
    void aWakeFinishedAtItsEntryReleasesTheWaitItBeganIn() {
        TraceModel model = started();
        model.accept(TraceEvent.Syscall.atEntry(500, WAKER, SyscallTable.FUTEX, new long[] {WORD, WAKE_PRIVATE, 1, 0, 0, 0}, Captures.NONE));
        model.accept(call(100, 1_000, PID, WAIT_PRIVATE, 0));
        assertEquals(List.of(WAKER + ">" + PID + "@500"), releases(model));
    }

    @Test
    void aLaterWakeThatReleasedNobodyIsPassedOver() {
        TraceModel model = started();
        model.accept(TraceEvent.Syscall.atEntry(500, WAKER, SyscallTable.FUTEX, new long[] {WORD, WAKE_PRIVATE, 1, 0, 0, 0}, Captures.NONE));
        model.accept(call(700, 750, LATE, WAKE_PRIVATE, 0)); // its exit was waited for: it found no waiter
        model.accept(call(100, 1_000, PID, WAIT_PRIVATE, 0));
        assertEquals(List.of(WAKER + ">" + PID + "@500"), releases(model));
        model.accept(call(1_100, 1_150, LATE, WAKE_PRIVATE, 1)); // after the wait: in no window
        assertEquals(List.of(WAKER + ">" + PID + "@500"), releases(model));
    }

    @Test
    void aWakeThatReleasedSomeoneLaterInTheWaitIsTheOne() {
        TraceModel model = started();
        model.accept(TraceEvent.Syscall.atEntry(500, WAKER, SyscallTable.FUTEX, new long[] {WORD, WAKE_PRIVATE, 1, 0, 0, 0}, Captures.NONE));
        model.accept(call(700, 750, LATE, WAKE_PRIVATE, 1));
        model.accept(call(100, 1_000, PID, WAIT_PRIVATE, 0));
        assertEquals(List.of(LATE + ">" + PID + "@700"), releases(model));
    }

    @Test
    void aWakeFinishedAtItsEntryIsOfferedOnlyToPrivatePlainWaits() {
        TraceModel model = started();
        model.accept(TraceEvent.Syscall.atEntry(500, WAKER, SyscallTable.FUTEX, new long[] {WORD, WAKE_PRIVATE, 1, 0, 0, 0}, Captures.NONE));
        model.accept(call(100, 1_000, PID, 0 /* FUTEX_WAIT, shared: another process's wake may have released it */, 0));
        assertEquals(List.of(), releases(model));
        model.accept(call(200, 1_100, LATE, 9 | 128 /* FUTEX_WAIT_BITSET_PRIVATE */, 0));
        assertEquals(List.of(WAKER + ">" + LATE + "@500"), releases(model));
    }
}
