package dev.jthreadtrace.jvm;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A JVM in a PID namespace of its own: host pid 5000 is pid 1 there, its threads 5001 and 5002 are
 * 7 and 8. A process of the tool's own namespace (pid 7, tid 7) sits beside it: a record naming it
 * keeps its ids.
 */
class NamespaceIdsTest {
    private static final long THREAD = CloneFlags.CLONE_VM | CloneFlags.CLONE_THREAD | CloneFlags.CLONE_SIGHAND;

    private static TraceModel model() {
        TraceModel model = new TraceModel();
        for (TraceEvent e : List.of(
                new TraceEvent.TargetStarted(0, 100, 1, "/usr/bin/unshare", List.of("unshare")),
                new TraceEvent.Spawned(10, 100, 5000, TraceEvent.SpawnKind.FORK, 0, 1),
                new TraceEvent.Spawned(20, 5000, 5001, TraceEvent.SpawnKind.CLONE3, THREAD, 7),
                new TraceEvent.Spawned(30, 5001, 5002, TraceEvent.SpawnKind.CLONE3, THREAD, 8),
                new TraceEvent.Spawned(40, 100, 7, TraceEvent.SpawnKind.FORK, 0, 0))) {
            model.accept(e);
        }
        return model;
    }

    @Test
    void theAgentsNamespaceIdsBecomeTheKernels() {
        TraceModel model = model();
        JavaRecord started = new JavaRecord.Started(1, 25, 7, 1, "main", 30, "worker-1", Map.of());
        JavaRecord.Started got = (JavaRecord.Started) NamespaceIds.toKernelIds(model, List.of(started)).getFirst();
        assertEquals(5000, got.pid());
        assertEquals(5001, got.osTid(), "tid 7 of that namespace, not the process 7 of ours");
        assertEquals("worker-1", got.name());
    }

    @Test
    void aThreadDumpTakenFromOutsideHasTheKernelsPidAndTheNamespacesTids() {
        JavaRecord present = new JavaRecord.Present(5000, 50, 8, 31, "worker-2");
        assertEquals(5002, NamespaceIds.toKernelIds(model(), List.of(present)).getFirst().osTid());
    }

    @Test
    void aRecordOfAProcessOfOurOwnNamespaceOrOfNoneKeepsItsIds() {
        JavaRecord ours = new JavaRecord.Present(7, 50, 7, 1, "main");
        JavaRecord nobodys = new JavaRecord.Present(42, 50, 7, 1, "forged");
        List<JavaRecord> got = NamespaceIds.toKernelIds(model(), List.of(ours, nobodys));
        assertSame(ours, got.get(0));
        assertSame(nobodys, got.get(1), "no process has pid 42 in any namespace: left for the join to refuse");
    }

    @Test
    void aTidTheProcessNeverHadJoinsNoThread() {
        JavaRecord forged = new JavaRecord.Present(1, 50, 99, 1, "forged");
        JavaRecord got = NamespaceIds.toKernelIds(model(), List.of(forged)).getFirst();
        assertEquals(5000, got.pid());
        assertEquals(0, got.osTid(), "no thread of that process had tid 99 there");
    }

    @Test
    void withoutNamespacesTheListIsTheSame() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/usr/bin/java", List.of("java")));
        List<JavaRecord> records = List.of(new JavaRecord.Present(100, 5, 100, 1, "main"));
        assertSame(records, NamespaceIds.toKernelIds(model, records));
    }
}
