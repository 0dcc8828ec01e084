package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.jthreadtrace.model.FoldTasks.MAIN;
import static dev.jthreadtrace.model.FoldTasks.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldedTasksTest {
    private final TraceModel model = FoldTasks.churn("worker-1", "worker-2", "reaper-1", "worker-10", "reaper-2");
    private final List<ThreadInfo> ended = model.threads().stream().filter(t -> t.tid() != MAIN).toList();

    private static void foldAll(TraceModel model, FoldedTasks folded, List<ThreadInfo> tasks) {
        for (ThreadInfo t : tasks) folded.fold(t, model.futex().of(t), model.mmap().of(t), false, false, false);
    }

    @Test
    void oneGroupPerCreatorNameShapeAndEnd() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        foldAll(model, folded, ended);
        assertTrue(folded.any());
        List<FoldedGroup> groups = new ArrayList<>(folded.groups());
        assertEquals(2, groups.size());
        FoldedGroup workers = groups.get(0), reapers = groups.get(1);
        assertEquals(new FoldedGroup.Key(MAIN, 0, "worker-#", "exited"), workers.key());
        assertEquals("worker-1", workers.sampleName(), "the row says: like its first task's name");
        assertEquals(3, workers.figures().tasks());
        assertEquals(MAIN + 1, workers.figures().tidMin());
        assertEquals(MAIN + 4, workers.figures().tidMax());
        assertEquals(10 * MS, workers.figures().firstStart());
        assertEquals(40 * MS + 7 * MS + 100, workers.figures().lastEnd(), "worker-10, the 4th thread, ends 7 ms after its start");
        assertEquals(2, reapers.figures().tasks());
        assertEquals(List.of(workers, reapers), folded.groupsOf(MAIN, 0));
        assertEquals(List.of(), folded.groupsOf(MAIN + 1, 10 * MS));
    }

    @Test
    void sumsAreTheTasksOwnFigures() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        foldAll(model, folded, ended);
        FoldedFigures all = folded.all();
        assertEquals(5, all.tasks());
        assertEquals(0, all.processes(), "threads, not processes");
        assertEquals(5, all.reparented(), "CLONE_THREAD: the kernel parent is the process's");
        assertEquals(ended.stream().mapToLong(t -> model.futex().of(t).calls()).sum(), all.futexCalls());
        assertEquals(5, all.futexWakes());
        assertEquals(3, all.mmapCalls(), "every second thread mapped");
        assertEquals(3L << 20, all.mmapBytes());
        assertEquals(1, all.depthMax());
        long lifetimes = ended.stream().mapToLong(t -> t.end() - t.start()).sum();
        assertEquals(lifetimes, all.lifetimeSum());
        assertEquals(ended.stream().mapToLong(t -> t.end() - t.start()).max().orElseThrow(), all.lifetimeMax());
    }

    @Test
    void aSelectorCountsTheTasksItMatchedWhenTheyFolded() {
        Predicate<ThreadInfo> workers = t -> t.name().startsWith("worker-1");
        Predicate<ThreadInfo> none = t -> t.name().equals("nobody");
        Map<String, Predicate<ThreadInfo>> selectors = new LinkedHashMap<>();
        selectors.put("worker-1*", workers);
        selectors.put("nobody", none);
        FoldedTasks folded = new FoldedTasks(selectors);
        foldAll(model, folded, ended);
        FoldedFigures w = folded.selected("worker-1*");
        assertEquals(2, w.tasks(), "worker-1 and worker-10");
        assertEquals(List.of(MAIN + 1, MAIN + 4), List.of(w.tidMin(), w.tidMax()));
        assertEquals(1, w.mmapCalls(), "worker-1 mapped, worker-10 did not");
        assertEquals(0, folded.selected("nobody").tasks());
        assertNull(folded.selected("reaper-*"), "not registered before the trace");
    }

    @Test
    void pastTheGroupBoundNewRowsGoToOneGroupAndTheSumsStayExact() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        int extra = 3;
        for (int i = 0; i < FoldedTasks.MAX_GROUPS + extra; i++) {
            // names without digits: every one a shape of its own
            ThreadInfo t = FoldTasks.task(10_000 + i, 10_000 + i, "t-" + letters(i), i, (long) i + 5, new Exit.Exited(0, true));
            folded.fold(t, FutexCounters.NONE, MmapCounters.NONE, false, false, false);
        }
        assertEquals(FoldedTasks.MAX_GROUPS + 1, folded.groups().size());
        FoldedGroup others = new ArrayList<>(folded.groups()).getLast();
        assertEquals(FoldedTasks.OTHERS, others.key());
        assertEquals(extra, others.figures().tasks());
        assertEquals(FoldedTasks.MAX_GROUPS + extra, folded.all().tasks());
        assertEquals(FoldedTasks.MAX_GROUPS + extra, folded.all().processes(), "each its own process");
    }

    private static String letters(int i) {
        StringBuilder b = new StringBuilder();
        do {
            b.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return b.toString();
    }

    @Test
    void theSummarysFactsOfFoldedTasksAreKept() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        foldAll(model, folded, ended);
        FoldedFigures all = folded.all();
        assertEquals(5, all.reparented(Reparenting.THREAD));
        assertEquals(0, all.reparented(Reparenting.ORPHAN) + all.reparented(Reparenting.CLONE_PARENT) + all.killed());
        assertEquals(0, folded.heirTasks(), "main changed nothing before creating them");
        List<FoldedTasks.Waited> waits = folded.longestWaits();
        assertTrue(waits.size() <= 3);
        for (int i = 1; i < waits.size(); i++) assertTrue(waits.get(i - 1).blockedNs() >= waits.get(i).blockedNs());
    }

    @Test
    void whatAFoldedTaskInheritedFromACreatorThatChangedItIsCounted() {
        TraceModel threads = RecordedTrace.model(RecordedTrace.threadsFixture());
        FoldedTasks folded = new FoldedTasks(Map.of());
        for (int tid : new int[] {RecordedTrace.INNER2, RecordedTrace.SIBLING}) {
            ThreadInfo t = threads.thread(tid);
            folded.fold(t, threads.futex().of(t), threads.mmap().of(t), true, false, false);
        }
        assertEquals(1, folded.heirTasks(), "inner-2 inherited inner-1's affinity and mask; sibling, main's unchanged ones");
        assertEquals(Map.of(new FoldedTasks.Heir(Hook.AFFINITY, RecordedTrace.INNER1), 1,
                new FoldedTasks.Heir(Hook.SIGMASK, RecordedTrace.INNER1), 1), folded.heirs());
        assertEquals(0, folded.heirsUncounted());
        assertEquals(2, folded.all().joined());
    }

    @Test
    void theLongestWaitsAreTheThreeLongestFoldedInAnyOrder() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        long[] blocked = {5, 50, 1, 70, 50, 2};
        for (int i = 0; i < blocked.length; i++) {
            ThreadInfo t = FoldTasks.task(100 + i, 100, "w-" + i, 0, 10L, new Exit.Exited(0, true));
            folded.fold(t, waited(blocked[i]), MmapCounters.NONE, false, false, false);
        }
        assertEquals(List.of(new FoldedTasks.Waited(103, "w-3", 70), new FoldedTasks.Waited(101, "w-1", 50),
                new FoldedTasks.Waited(104, "w-4", 50)), folded.longestWaits());
    }

    /** Figures of one returned futex wait that blocked {@code ns}. */
    private static FutexCounters waited(long ns) {
        FutexCounters c = new FutexCounters();
        c.add(new FutexCall(1, 1, 0x5000, 0, true, false, 0, ns, 0, false, false, 0, false));
        return c;
    }

    @Test
    void aRunningTaskDoesNotFold() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        ThreadInfo running = FoldTasks.task(42, 42, "x", 0, null, null);
        assertThrows(IllegalArgumentException.class, () -> folded.fold(running, FutexCounters.NONE, MmapCounters.NONE, false, false, false));
        assertFalse(folded.any());
    }

    @Test
    void joinsAndJvmTasksAreCounted() {
        FoldedTasks folded = new FoldedTasks(Map.of());
        folded.fold(ended.get(0), FutexCounters.NONE, MmapCounters.NONE, true, true, false);
        folded.fold(ended.get(1), FutexCounters.NONE, MmapCounters.NONE, false, true, false);
        assertEquals(1, folded.all().joined());
        assertEquals(2, folded.all().jvmTasks());
    }
}
