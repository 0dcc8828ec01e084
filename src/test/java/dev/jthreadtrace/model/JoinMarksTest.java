package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kept joiner keeps the "J" marks of its joins of threads that folded (its lane's, not theirs),
 * at most {@link Joins#MAX_MARKS_PER_JOINER}: main joins each of its threads while the thread is
 * still kept, and the thread folds at the next thread's end (one ended task kept).
 */
class JoinMarksTest {
    private static final int MAIN = 5000;
    private static final long MS = 1_000_000, WORD = 0x7f0000100990L;

    private static TraceModel joiningMain(int keepEnded, int threads) {
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, MAIN, 4999, "/opt/join", List.of("join")));
        for (int i = 0; i < threads; i++) {
            long at = (1 + 2L * i) * MS;
            int tid = MAIN + 1 + i;
            FoldTasks.spawn(events, at, MAIN, tid, WORD);
            FoldTasks.exit(events, at + MS / 2, tid);
            // pthread_join after the exit: FUTEX_WAIT_PRIVATE on the cleared word answers EAGAIN.
            events.add(new TraceEvent.Syscall(at + MS, at + MS + 1000, MAIN, SyscallTable.FUTEX,
                    new long[] {WORD, 128, tid, 0, 0, 0}, -11, true, true, Captures.NONE));
        }
        events.add(new TraceEvent.TraceEnded((2L + 2L * threads) * MS, 0));
        TraceModel m = new TraceModel(keepEnded, Map.of());
        events.forEach(m::accept);
        return m;
    }

    @Test
    void theJoinersMarksOfFoldedThreadsAreKeptAsTheWholeModelHasThem() {
        TraceModel whole = joiningMain(-1, 5), folded = joiningMain(1, 5);
        assertEquals(5, whole.futexAnalysis().joins().size());
        assertTrue(folded.folded().all().tasks() >= 4, "folded: " + folded.folded().all().tasks());
        assertEquals(whole.futexAnalysis().joins(), folded.futexAnalysis().joinMarks());
        assertEquals(5 - folded.folded().all().tasks(), folded.futexAnalysis().joins().size(), "listed: the kept threads' joins");
        assertEquals(new FoldedMetrics.Answer.Value(5), Metric.FUTEX_JOINS.answer(folded), "each join counted once");
    }

    @Test
    void aJoinerKeepsAtMostItsBoundOfMarks() {
        int n = Joins.MAX_MARKS_PER_JOINER + 40;
        TraceModel whole = joiningMain(-1, n), folded = joiningMain(1, n);
        List<FutexAnalysis.Join> marks = folded.futexAnalysis().joinMarks();
        assertEquals(Joins.MAX_MARKS_PER_JOINER + folded.futexAnalysis().joins().size(), marks.size());
        assertEquals(whole.futexAnalysis().joins().subList(0, Joins.MAX_MARKS_PER_JOINER), marks.subList(0, Joins.MAX_MARKS_PER_JOINER),
                "the first ones, in order");
        assertEquals(new FoldedMetrics.Answer.Value(n), Metric.FUTEX_JOINS.answer(folded));
    }
}
