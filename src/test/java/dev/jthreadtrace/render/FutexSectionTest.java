package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FUTEX section's first line agrees with the waits it lists as still pending at the end. */
class FutexSectionTest {
    private static final long WORD = 0x55b6cf4c101cL;
    private static final int FUTEX_WAIT_PRIVATE = 128;

    private static List<String> futex(TraceEvent... events) {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/bin/app", List.of("app")));
        for (TraceEvent e : events) model.accept(e);
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 100, lines::add).render(EnumSet.of(ReportSection.FUTEX));
        return lines;
    }

    private static TraceEvent.Syscall wait(long ns, long endNs, int tid, TraceEvent.Cut cut) {
        return new TraceEvent.Syscall(ns, endNs, tid, SyscallTable.FUTEX, new long[] {WORD, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0}, 0, false,
                cut == TraceEvent.Cut.NONE, Captures.NONE, cut);
    }

    /** An attach cut while the only thread waited: its wait never returned, and the section says so, not "no futex calls". */
    @Test
    void aWaitThatNeverReturnedIsNotCalledNoFutexCalls() {
        List<String> lines = futex(wait(1_000_000, 2_000_000_000L, 100, TraceEvent.Cut.DETACHED),
                new TraceEvent.Detached(2_000_000_000L, 1), new TraceEvent.TraceEnded(2_000_000_001L, 0));
        String text = String.join("\n", lines);
        assertFalse(text.contains("no futex calls traced"), text);
        assertEquals("  (no futex call returned; one wait was still pending at the end, below)", lines.get(2), text);
        assertTrue(text.contains("still waiting at the end (no wake released them; see BLOCKED):\n  100 app on 0x55b6cf4c101c since @1.0ms"),
                text);
    }

    @Test
    void withNoFutexCallAtAllItSaysNoneWereTraced() {
        List<String> lines = futex(new TraceEvent.Exited(5_000_000, 100, 0), new TraceEvent.TraceEnded(5_000_001, 0));
        assertEquals(List.of("", "FUTEX                        calls   waits   wakes     blocked  timeouts  eagain", "  (no futex calls traced)"),
                lines);
    }

    /** A returned call puts its thread in the table; the waiter cut in its wait is still listed below. */
    @Test
    void aReturnedCallFillsTheTableAndThePendingWaitIsStillListed() {
        List<String> lines = futex(wait(1_000_000, 3_000_000, 100, TraceEvent.Cut.NONE), wait(4_000_000, 9_000_000, 100, TraceEvent.Cut.ENDED),
                new TraceEvent.Killed(9_000_000, 100, 9, false), new TraceEvent.TraceEnded(9_000_001, 9));
        String text = String.join("\n", lines);
        assertTrue(lines.get(2).startsWith("100 app") && !text.contains("(no futex"), text);
        assertTrue(text.contains("still waiting at the end"), text);
    }

    /**
     * One FUTEX_WAKE released 300 waiters (hostile9i F6, manywait.c): the report keeps the 64 longest
     * waits' wakers, lists 8, and says 292 more, not the 56 more of those it kept.
     */
    @Test
    void theWakeUpsLeftOutAreCountedInAllNotOnlyThoseKept() {
        List<TraceEvent> events = new ArrayList<>();
        int waiters = 300;
        for (int i = 0; i < waiters; i++) {
            events.add(new TraceEvent.Spawned(10, 100, 101 + i, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        }
        long wakeNs = 3_000_000_000L;
        events.add(new TraceEvent.Syscall(wakeNs, wakeNs + 1_000, 100, SyscallTable.FUTEX,
                new long[] {WORD, FUTEX_WAIT_PRIVATE | 1, Integer.MAX_VALUE, 0, 0, 0}, waiters, false, true, Captures.NONE));
        for (int i = 0; i < waiters; i++) events.add(wait(1_000_000 + i * 1_000L, wakeNs + 2_000 + i, 101 + i, TraceEvent.Cut.NONE));
        List<String> lines = futex(events.toArray(TraceEvent[]::new));
        String text = String.join("\n", lines);
        int at = lines.indexOf("who woke whom (longest waits):");
        assertTrue(at > 0, text);
        for (int i = 1; i <= 8; i++) assertTrue(lines.get(at + i).startsWith("  100 app woke "), text);
        assertEquals("  … 292 more wake-ups (only the 64 longest waits are kept; --format jsonl has every call)",
                lines.get(at + 9), text);
    }
}
