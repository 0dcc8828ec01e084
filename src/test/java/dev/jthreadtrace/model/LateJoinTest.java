package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A join that returns after the joined thread folded: main reads the thread's clear-tid word, the
 * thread exits, more threads come and go (past the bound, so it folds), then main's futex wait on
 * the word returns EAGAIN (the kernel had cleared it). The unbounded model counts it as a join; a
 * model that folds must too, through the folded thread's clear-tid word it keeps.
 */
class LateJoinTest {
    private static final int MAIN = 4000;
    private static final long MS = 1_000_000, WORD = 0x7f00007ff990L;

    private static List<TraceEvent> lateJoin(int othersAfter) {
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, MAIN, 3999, "/opt/late_join", List.of("late_join")));
        spawn(events, MS, MAIN + 1, WORD);
        exit(events, 2 * MS, MAIN + 1);
        for (int i = 0; i < othersAfter; i++) {
            long at = (3 + i) * MS;
            spawn(events, at, MAIN + 2 + i, WORD + 0x1000L * (i + 1));
            exit(events, at + MS / 2, MAIN + 2 + i);
        }
        long wait = (4 + othersAfter) * MS;
        // FUTEX_WAIT_PRIVATE on the word with the tid it held: EAGAIN, the word was cleared at the exit.
        events.add(new TraceEvent.Syscall(wait, wait + 1000, MAIN, SyscallTable.FUTEX, new long[] {WORD, 128, MAIN + 1, 0, 0, 0},
                -11, true, true, Captures.NONE));
        events.add(new TraceEvent.TraceEnded(wait + MS, 0));
        return events;
    }

    private static void spawn(List<TraceEvent> events, long ns, int child, long clearTid) {
        FoldTasks.spawn(events, ns, MAIN, child, clearTid);
    }

    private static void exit(List<TraceEvent> events, long ns, int tid) {
        FoldTasks.exit(events, ns, tid);
    }

    private static TraceModel model(int keepEnded, int othersAfter) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        lateJoin(othersAfter).forEach(m::accept);
        return m;
    }

    @Test
    void theUnboundedModelCountsTheLateWaitAsAJoin() {
        TraceModel whole = model(-1, 5);
        assertEquals(List.of(MAIN + 1), whole.futexAnalysis().joins().stream().map(FutexAnalysis.Join::joined).toList());
    }

    @Test
    void aJoinReturningAfterItsThreadFoldedIsStillCounted() {
        TraceModel folding = model(2, 5);
        assertEquals(4, folding.folded().all().tasks(), "all but the 2 latest ended threads folded before the join returned, the joined one first");
        assertEquals(1, folding.folded().all().joined());
        assertEquals(new FoldedMetrics.Answer.Value(1), Metric.FUTEX_JOINS.answer(folding));
        FoldedGroup group = folding.folded().groups().stream().filter(g -> g.figures().tidMin() == MAIN + 1).findFirst().orElseThrow();
        assertEquals(1, group.figures().joined(), "its group counts the join");
    }

    @Test
    void aWordReusedByALaterThreadJoinsOnceAsTheWholeModelCounts() {
        // Thread 2 reuses thread 1's word (glibc reuses a stack): a wait after thread 2's start is for thread 2.
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, MAIN, 3999, "/opt/late_join", List.of("late_join")));
        spawn(events, MS, MAIN + 1, WORD);
        exit(events, 2 * MS, MAIN + 1);
        spawn(events, 3 * MS, MAIN + 2, WORD);
        exit(events, 4 * MS, MAIN + 2);
        events.add(new TraceEvent.Syscall(5 * MS, 5 * MS + 1000, MAIN, SyscallTable.FUTEX, new long[] {WORD, 128, MAIN + 2, 0, 0, 0},
                -11, true, true, Captures.NONE));
        // A second wait on the word joins nothing more: a thread is joined once.
        events.add(new TraceEvent.Syscall(5 * MS + 2000, 5 * MS + 3000, MAIN, SyscallTable.FUTEX, new long[] {WORD, 128, MAIN + 2, 0, 0, 0},
                -11, true, true, Captures.NONE));
        events.add(new TraceEvent.TraceEnded(6 * MS, 0));
        TraceModel whole = new TraceModel(), folding = new TraceModel(0, Map.of());
        events.forEach(whole::accept);
        events.forEach(folding::accept);
        assertEquals(List.of(MAIN + 2), whole.futexAnalysis().joins().stream().map(FutexAnalysis.Join::joined).toList());
        assertEquals(2, folding.folded().all().tasks());
        assertEquals(1, folding.folded().all().joined(), "one join, as the whole model counts");
    }
}
