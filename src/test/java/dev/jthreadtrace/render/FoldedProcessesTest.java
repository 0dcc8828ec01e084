package dev.jthreadtrace.render;

import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forker that starts 6 000 short child processes one after the other: once their tasks fold, their
 * process records fold too, the latest few thousand kept and the older let go, so memory stays
 * bounded; the SUMMARY counts what the unbounded model counts.
 */
class FoldedProcessesTest {
    private static final int MAIN = 500, CHILDREN = 6000;

    private static TraceModel forker(int keepEnded) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        m.accept(new TraceEvent.TargetStarted(0, MAIN, 499, "/opt/forker", List.of("forker")));
        for (int i = 0; i < CHILDREN; i++) {
            long at = (i + 1) * 1000L;
            m.accept(new TraceEvent.Spawned(at, MAIN, MAIN + 1 + i, TraceEvent.SpawnKind.FORK, 0));
            m.accept(new TraceEvent.Exec(at + 100, MAIN + 1 + i, MAIN + 1 + i, "/bin/true"));
            m.accept(new TraceEvent.Exited(at + 500, MAIN + 1 + i, 0));
        }
        m.accept(new TraceEvent.Exited(CHILDREN * 1000L + 5000, MAIN, 0));
        m.accept(new TraceEvent.TraceEnded(CHILDREN * 1000L + 6000, 0));
        return m;
    }

    private static List<String> summary(TraceModel m) {
        List<String> lines = new ArrayList<>();
        new Report(m, Palette.PLAIN, 100, lines::add).render(EnumSet.of(ReportSection.SUMMARY));
        return lines;
    }

    @Test
    void foldedProcessRecordsAreBoundedAndTheSummaryCountsThemAll() {
        TraceModel whole = forker(-1), folding = forker(10);
        assertEquals(CHILDREN + 1, whole.processes().size());
        assertTrue(folding.processes().size() <= 4096 + 11, "records kept: " + folding.processes().size());
        assertEquals(whole.processes().size() - folding.processes().size(), folding.folded().processesLetGo());
        assertEquals(summary(whole).get(3), summary(folding).get(3), "tasks, processes, threads counted alike");
        assertTrue(summary(whole).get(3).contains("6001 processes"), summary(whole).get(3));
    }
}
