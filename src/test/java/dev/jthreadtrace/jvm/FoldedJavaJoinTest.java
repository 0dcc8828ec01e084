package dev.jthreadtrace.jvm;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM's main thread starts a-java (which ends and folds) and then b-java (kept): joined by
 * creation order, a-java's start record would claim b-java's task. The join must give b-java its
 * own Java facts (by its unique name) and say what it did not join.
 */
class FoldedJavaJoinTest {
    private static final int PID = 700, VM = 701, A = 702, B = 703;
    private static final long MS = 1_000_000;

    private static TraceModel model(int keepEnded) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        m.accept(new TraceEvent.TargetStarted(0, PID, 699, "/jdk/bin/java", List.of("java", "Main")));
        m.accept(new TraceEvent.Spawned(MS, PID, VM, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD));
        name(m, MS + 100, VM, "VM Thread");
        m.accept(new TraceEvent.Spawned(2 * MS, PID, A, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD));
        name(m, 2 * MS + 100, A, "a-java");
        m.accept(new TraceEvent.Syscall(3 * MS, 3 * MS, A, SyscallTable.EXIT, new long[6], 0, false, false, Captures.NONE));
        m.accept(new TraceEvent.Exited(3 * MS + 100, A, 0));
        m.accept(new TraceEvent.Spawned(4 * MS, PID, B, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD));
        name(m, 4 * MS + 100, B, "b-java");
        m.accept(new TraceEvent.TraceEnded(10 * MS, 0));
        m.attachJava(JavaJoin.join(m, List.of(
                new JavaRecord.Started(PID, 1_500_000, PID, 1, "main", 20, "a-java", Map.of()),
                new JavaRecord.Started(PID, 3_500_000, PID, 1, "main", 21, "b-java", Map.of()))));
        return m;
    }

    private static void name(TraceModel m, long ns, int tid, String name) {
        Captures c = new Captures();
        c.put(1, name.getBytes(StandardCharsets.UTF_8));
        m.accept(new TraceEvent.Syscall(ns, ns + 50, tid, SyscallTable.PRCTL, new long[] {15, 0x200, 0, 0, 0, 0}, 0, false, true, c));
    }

    @Test
    void aFoldedThreadsStartRecordClaimsNoKeptThread() {
        TraceModel whole = model(-1), folded = model(0);
        assertEquals(20, whole.thread(A).java().id());
        assertEquals(21, whole.thread(B).java().id());
        assertEquals(1, folded.folded().all().jvmTasks(), "a-java folded, a JVM's thread");
        ThreadInfo b = folded.thread(B);
        assertEquals(21, b.java().id(), "b-java's own start record, not a-java's");
        assertTrue(folded.notes().contains("1 thread of JVMs folded past --keep-ended 0 before the agents' records were joined: their Java"
                + " names, creation sites and thread-locals are not shown"), folded.notes().toString());
        assertTrue(folded.notes().stream().anyMatch(n -> n.startsWith("2 Java thread starts by threads whose created threads partly folded")),
                folded.notes().toString());
        assertEquals(List.of(), whole.notes());
    }

    @Test
    void recordsOfNoKeptProcessMayBeAFoldedJvmsOnceTasksFolded() {
        List<JavaRecord> records = List.of(new JavaRecord.Present(999, MS, 999, 1, "main", Map.of()));
        String folded = JvmNotes.aboutEachJvm(model(0), records, Map.of(), true, java.util.Set.of(), false).getFirst();
        String whole = JvmNotes.aboutEachJvm(model(-1), records, Map.of(), true, java.util.Set.of(), false).getFirst();
        assertTrue(folded.contains("or the traced program forged them, or a JVM whose tasks folded past --keep-ended;"), folded);
        assertTrue(whole.contains("or the traced program forged them; they are not joined"), whole);
    }

    private static List<String> sites(TraceModel m) {
        List<String> lines = new java.util.ArrayList<>();
        new Report(m, Palette.PLAIN, 100, lines::add).render(EnumSet.of(ReportSection.SITES));
        return lines;
    }

    @Test
    void theCreationSitesSayHowManyJavaThreadsFoldedUncounted() {
        assertEquals("  (1 thread of JVMs folded past --keep-ended 0: not counted under any site)", sites(model(0)).getLast());
        assertEquals(List.of(), sites(model(-1)), "no stack, nothing folded: no section");
    }
}
