package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A thread the last look before the end saw in a call the trace does not record (a read under a
 * futex-only trace) is blocked in it; one the look saw outside a call, one that returned from a
 * recorded call after the look, and one that exited by itself are not.
 */
class UnrecordedCallsTest {
    private static final int PID = 100, READER = 101, BUSY = 102, LEFT = 103, EXITED = 104;
    private static final int READ = SyscallTable.number("read").orElseThrow();

    private static TraceModel model() {
        TraceModel m = new TraceModel();
        m.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        for (int tid : new int[] {READER, BUSY, LEFT, EXITED}) {
            m.accept(new TraceEvent.Spawned(10, PID, tid, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        }
        long[] read = {3, 0x7000, 1, 0, 0, 0};
        m.accept(new TraceEvent.EndLook(1_000, List.of(
                new TraceEvent.LookedTask(READER, READ, read, null),
                new TraceEvent.LookedTask(BUSY, TraceEvent.LookedTask.NOT_IN_A_CALL, new long[6], null),
                new TraceEvent.LookedTask(LEFT, READ, read, null),
                new TraceEvent.LookedTask(EXITED, READ, read, null))));
        // LEFT made a recorded call after the look: it had left its read.
        m.accept(new TraceEvent.Syscall(1_100, 1_200, LEFT, SyscallTable.FUTEX, new long[] {0x9000, 129, 1, 0, 0, 0}, 0, false, true,
                Captures.NONE));
        m.accept(new TraceEvent.Syscall(1_300, 1_300, EXITED, SyscallTable.EXIT, new long[6], 0, false, false, Captures.NONE));
        m.accept(new TraceEvent.Exited(1_300, EXITED, 0));
        for (int tid : new int[] {READER, BUSY, LEFT, PID}) m.accept(new TraceEvent.Killed(2_000, tid, 2, false));
        m.accept(new TraceEvent.TraceEnded(2_000, 2));
        return m;
    }

    @Test
    void onlyTheThreadStillInTheCallItWasSeenInIsBlocked() {
        TraceModel m = model();
        HangAnalysis.Blocked reader = m.hang().of(m.thread(READER));
        assertEquals(READ, reader.call().nr());
        assertEquals(PendingCall.Ending.UNRECORDED, reader.call().ending());
        assertEquals(1_000, reader.call().sinceNs());
        assertEquals(1_000, reader.call().forNs());
        assertEquals(0, reader.call().unreturnedNs(), "its start is unknown: no time is counted for it");
        assertNull(m.hang().of(m.thread(BUSY)));
        assertNull(m.hang().of(m.thread(LEFT)));
        assertNull(m.hang().of(m.thread(EXITED)));
        assertEquals(1, m.hang().blocked().size());
    }

    @Test
    void withoutALookNothingUnrecordedIsBlocked() {
        TraceModel m = new TraceModel();
        m.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        m.accept(new TraceEvent.Killed(2_000, PID, 2, false));
        m.accept(new TraceEvent.TraceEnded(2_000, 2));
        assertEquals(List.of(), m.hang().blocked());
    }
}
