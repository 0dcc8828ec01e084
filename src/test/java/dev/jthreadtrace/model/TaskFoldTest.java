package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fold wired into the model, on the threads fixture's recorded stream (main creates inner-1,
 * inner-1 creates and joins inner-2, main joins inner-1 and creates sibling): with one ended task
 * kept, the three ended threads fold as their successors end, leaves first, and every store keyed
 * by a task forgets it while the folded sums give the whole trace's figures unchanged.
 */
class TaskFoldTest {
    private static TraceModel model(int keepEnded, Map<String, Predicate<ThreadInfo>> selectors) {
        TraceModel m = new TraceModel(keepEnded, selectors);
        RecordedTrace.threadsFixture().forEach(m::accept);
        return m;
    }

    @Test
    void unboundedModelFoldsNothing() {
        TraceModel m = new TraceModel();
        RecordedTrace.threadsFixture().forEach(m::accept);
        assertEquals(4, m.threads().size());
        assertFalse(m.folded().any());
    }

    @Test
    void endedThreadsFoldLeavesFirstAndTheSumsStayTheTrace() {
        TraceModel full = model(-1, Map.of());
        TraceModel m = model(1, Map.of("inner-*", t -> t.name().startsWith("inner-")));

        assertEquals(List.of(RecordedTrace.MAIN), m.threads().stream().map(ThreadInfo::tid).toList(), "main leads its live process to its end");
        FoldedFigures all = m.folded().all();
        assertEquals(3, all.tasks());
        assertEquals(0, all.processes());
        assertEquals(2, all.joined(), "inner-2 joined by inner-1, inner-1 by main: both joins seen before they folded");
        assertEquals(RecordedTrace.INNER1, all.tidMin());
        assertEquals(RecordedTrace.SIBLING, all.tidMax());
        assertEquals(2, m.folded().selected("inner-*").tasks());
        assertNull(m.thread(RecordedTrace.INNER2), "a folded tid names no record");

        // The whole trace's figures: kept records plus folded sums equal the unfolded model's.
        FutexCounters mainFutex = m.futex().of(m.root());
        long keptCalls = mainFutex.calls(), fullCalls = 0;
        for (ThreadInfo t : full.threads()) fullCalls += full.futex().of(t).calls();
        assertEquals(fullCalls, keptCalls + all.futexCalls());
        long fullBytes = 0;
        for (ThreadInfo t : full.threads()) fullBytes += full.mmap().of(t).mmapBytes();
        assertEquals(fullBytes, m.mmap().of(m.root()).mmapBytes() + all.mmapBytes());
        assertEquals(full.syscallStats().rows(full.threads()), m.syscallStats().rowsWithFolded(m.threads()));
        assertEquals(List.of(), m.futexAnalysis().joins(), "the joins' records went with the joined threads");
        assertEquals(full.hookChangeCount(), m.hookChangeCount(), "every change is still counted");
        assertTrue(m.hookChanges().size() < full.hookChanges().size(), "the folded threads' changes are let go");
        assertEquals(full.hookChanges().size() - m.hookChanges().size(), m.hookChangesDropped() - full.hookChangesDropped());
    }

    @Test
    void aCreatorWaitsForItsLastKeptChild() {
        // Kept bound 0: inner-2 folds at its end; inner-1 (its creator) only once inner-2 has.
        TraceModel m = model(0, Map.of());
        assertEquals(List.of(RecordedTrace.MAIN), m.threads().stream().map(ThreadInfo::tid).toList());
        assertEquals(3, m.folded().all().tasks());
        assertEquals(2, m.folded().all().depthMax(), "inner-2 is main's grandchild");
    }
}
