package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.jthreadtrace.model.FoldTasks.MAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FoldedMetricsTest {
    private final TraceModel model = FoldTasks.churn("worker-1", "worker-2", "worker-3", "worker-4");
    private final FoldedFigures threeFolded = fold(model, 3);

    private static FoldedFigures fold(TraceModel model, int count) {
        FoldedTasks folded = new FoldedTasks(Map.of());
        model.threads().stream().filter(t -> t.tid() != MAIN).limit(count)
                .forEach(t -> folded.fold(t, model.futex().of(t), model.mmap().of(t), false, false, false));
        return folded.all();
    }

    private static long value(FoldedMetrics.Answer a) {
        return ((FoldedMetrics.Answer.Value) a).value();
    }

    /** The trace's value read from the whole model equals the kept tasks' value combined with the folded figures. */
    @Test
    void theSumsOfTheKeptAndTheFoldedAreTheWholeTracesValue() {
        List<ThreadInfo> kept = model.threads().stream().filter(t -> t.tid() == MAIN || t.tid() > MAIN + 3).toList();
        for (Metric m : List.of(Metric.FUTEX_CALLS, Metric.FUTEX_WAKES, Metric.FUTEX_WAITS, Metric.FUTEX_WAIT_TIME,
                Metric.MMAP_CALLS, Metric.MMAP_BYTES, Metric.MUNMAP_BYTES, Metric.THREADS_COUNT)) {
            assertEquals(m.sum(model, model.threads()), value(FoldedMetrics.answer(m, m.sum(model, kept), threeFolded, false)), m.key());
        }
        assertEquals(5, value(FoldedMetrics.answer(Metric.THREADS_TOTAL, 2, threeFolded, false)));
        assertEquals(0, value(FoldedMetrics.answer(Metric.PROCESSES_TOTAL, 0, threeFolded, false)) - 0, "threads are no processes");
    }

    @Test
    void depthTakesTheLarger() {
        assertEquals(1, value(FoldedMetrics.answer(Metric.SPAWN_DEPTH, 0, threeFolded, false)));
        assertEquals(4, value(FoldedMetrics.answer(Metric.SPAWN_DEPTH, 4, threeFolded, false)));
    }

    @Test
    void metricsThatReadNoTaskAreUntouched() {
        for (Metric m : List.of(Metric.THREADS_PEAK, Metric.DEADLOCKS, Metric.HOOKS_CHANGES, Metric.DURATION, Metric.EXIT_CODE)) {
            assertEquals(7, value(FoldedMetrics.answer(m, 7, threeFolded, false)), m.key());
        }
    }

    @Test
    void whatCannotBeKeptExactIsUnknownOnceATaskItReadsFolded() {
        Set<Metric> unknown = Arrays.stream(Metric.values()).filter(m -> !FoldedMetrics.exactWhenFolded(m))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Metric.class)));
        assertEquals(EnumSet.of(Metric.JAVA_CREATION_SITES, Metric.THREADS_LEAKED, Metric.SYSCALLS_CALLS, Metric.SYSCALLS_ERRORS, Metric.SYSCALLS_TIME,
                Metric.SPAWNED_BY, Metric.INHERITS), unknown, "a new metric must say how it reads folded tasks");
        // Unknown only once a JVM's task folded (below): the Java view's, which comes with the agent's records at the end.
        unknown.remove(Metric.THREADS_LEAKED);
        unknown.remove(Metric.JAVA_CREATION_SITES);
        assertEquals(new FoldedMetrics.Answer.Value(1), FoldedMetrics.answer(Metric.JAVA_CREATION_SITES, 1, threeFolded, false),
                "no task of a JVM folded: the kept Java threads are all the Java view has");
        for (Metric m : unknown) {
            assertEquals(new FoldedMetrics.Answer.Unknown("unknown: 3 threads folded"), FoldedMetrics.answer(m, 1, threeFolded, false));
        }
        assertEquals(new FoldedMetrics.Answer.Unknown("unknown: 1 thread folded"),
                FoldedMetrics.answer(Metric.SYSCALLS_CALLS, 1, fold(model, 1), false));
    }

    @Test
    void nothingFoldedIsTheKeptValue() {
        FoldedFigures none = fold(model, 0);
        for (Metric m : Metric.values()) assertEquals(3, value(FoldedMetrics.answer(m, 3, none, true)), m.key());
    }

    @Test
    void aJavaFactSelectorIsUnknownOnceAJvmTaskFolded() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        ThreadInfo t = model.threads().get(1);
        folded.fold(t, model.futex().of(t), model.mmap().of(t), false, true, false);
        assertEquals(new FoldedMetrics.Answer.Unknown("unknown: 1 thread folded"),
                FoldedMetrics.answer(Metric.THREADS_COUNT, 0, folded.all(), true));
        assertEquals(1, value(FoldedMetrics.answer(Metric.THREADS_COUNT, 0, folded.all(), false)), "by name it is known");
        assertFalse(FoldedMetrics.exactWhenFolded(Metric.INHERITS));
        assertEquals(new FoldedMetrics.Answer.Unknown("unknown: 1 thread folded"),
                FoldedMetrics.answer(Metric.THREADS_LEAKED, 0, folded.all(), false), "a JVM's scope end comes with its Java facts");
        assertEquals(0, value(FoldedMetrics.answer(Metric.THREADS_LEAKED, 0, threeFolded, false)), "no JVM task folded");
        assertEquals(new FoldedMetrics.Answer.Unknown("unknown: 1 thread folded"),
                FoldedMetrics.answer(Metric.JAVA_CREATION_SITES, 2, folded.all(), false), "its creation stack came with the agent's records");
    }
}
