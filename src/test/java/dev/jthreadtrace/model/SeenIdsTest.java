package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The task a traced task names by an id of its own PID namespace. The tree: 100 in the tool's
 * namespace makes two sibling namespaces, A (init 200, its thread 201) and C (init 400, its thread
 * 401), whose ids are both 1 and 2; A's init makes B inside A (init 300, 3 in A and 1 in B; its
 * thread 301, 4 in A and 2 in B), as {@code unshare --pid --fork} inside another gives.
 */
class SeenIdsTest {
    private static final long MS = 1_000_000;

    private static TraceModel model() {
        List<TraceEvent> e = new ArrayList<>();
        e.add(new TraceEvent.TargetStarted(0, 100, 1, "/bin/x", List.of("x")));
        e.add(new TraceEvent.Spawned(MS, 100, 200, TraceEvent.SpawnKind.FORK, 0, 1));
        e.add(new TraceEvent.Spawned(2 * MS, 200, 201, TraceEvent.SpawnKind.CLONE, THREAD, 2));
        e.add(new TraceEvent.Spawned(3 * MS, 200, 300, TraceEvent.SpawnKind.FORK, 0, 1, true, List.of(3)));
        e.add(new TraceEvent.Spawned(4 * MS, 300, 301, TraceEvent.SpawnKind.CLONE, THREAD, 2, true, List.of(4)));
        e.add(new TraceEvent.Spawned(5 * MS, 100, 400, TraceEvent.SpawnKind.FORK, 0, 1));
        e.add(new TraceEvent.Spawned(6 * MS, 400, 401, TraceEvent.SpawnKind.CLONE, THREAD, 2));
        return RecordedTrace.model(e);
    }

    private static final long THREAD = 0x10000 | 0x800 | 0x100; // CLONE_THREAD|CLONE_SIGHAND|CLONE_VM

    private static Integer named(TraceModel m, int caller, int id) {
        ThreadInfo t = SeenIds.live(m, m.thread(caller), id);
        return t == null ? null : t.tid();
    }

    @Test
    void aTaskOfTheToolsNamespaceNamesTheKernelsTids() {
        TraceModel m = model();
        assertEquals(201, named(m, 100, 201));
        assertNull(named(m, 100, 2), "the kernel's tid 2 is no traced task, though two namespaces have a 2");
    }

    @Test
    void aTaskOfANamespaceNamesItsOwnNotItsSiblingsNorANestedOnesInnermostIds() {
        TraceModel m = model();
        assertEquals(201, named(m, 200, 2), "not C's 2 (401), not B's 2 (301)");
        assertEquals(401, named(m, 400, 2));
        assertEquals(200, named(m, 201, 1));
    }

    @Test
    void aNamespaceMadeInsideIsSeenByTheIdsItsTasksHaveAtTheCallersLevel() {
        TraceModel m = model();
        assertEquals(300, named(m, 200, 3), "B's init is 3 in A");
        assertEquals(301, named(m, 201, 4));
        assertEquals(301, named(m, 300, 2), "and 2 in B");
        assertNull(named(m, 300, 3), "A's 3 is B's init itself, named 1 in B: 3 names nothing there");
        assertNull(named(m, 300, 0));
    }
}
