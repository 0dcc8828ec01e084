package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jvm.JavaJoin;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which threads outlived their program's scope, on recorded streams. */
class LeakAnalysisTest {
    private static final long MS = 1_000_000;
    private static final int PID = 500;

    /** A process whose main starts the named threads at 1, 2, 3... ms, ends some, then ends its scope with {@code last}. */
    private static List<TraceEvent> process(List<String> names, List<String> endBeforeMain, TraceEvent.Syscall last, boolean exitAll) {
        List<TraceEvent> events = new ArrayList<>(List.of(new TraceEvent.TargetStarted(0, PID, 1, "/bin/prog", List.of("prog"))));
        for (int i = 0; i < names.size(); i++) {
            int tid = PID + 1 + i;
            events.add(new TraceEvent.Spawned((i + 1) * MS, PID, tid, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD));
            Captures name = new Captures();
            name.put(1, names.get(i).getBytes(StandardCharsets.UTF_8));
            events.add(new TraceEvent.Syscall((i + 1) * MS + 10, (i + 1) * MS + 20, tid, SyscallTable.PRCTL, new long[] {15, 1, 0, 0, 0, 0},
                    0, false, true, name));
        }
        for (String ended : endBeforeMain) events.add(new TraceEvent.Exited(20 * MS, PID + 1 + names.indexOf(ended), 0));
        events.add(last);
        if (exitAll) for (int i = 0; i < names.size(); i++) {
            if (!endBeforeMain.contains(names.get(i))) events.add(new TraceEvent.Exited(31 * MS, PID + 1 + i, 0));
        }
        events.add(new TraceEvent.Exited(32 * MS, PID, 0));
        events.add(new TraceEvent.TraceEnded(40 * MS, 0));
        return events;
    }

    private static TraceEvent.Syscall call(int nr, int tid) {
        return new TraceEvent.Syscall(30 * MS, 30 * MS, tid, nr, new long[6], 0, false, false, Captures.NONE);
    }

    private static List<String> leaked(TraceModel model) {
        return model.leaks().leaked().stream().map(l -> l.thread().name()).toList();
    }

    @Test
    void theThreadsFixtureJoinsEveryThreadBeforeMainReturns() {
        TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());
        assertEquals(List.of(), leaked(model));
        assertEquals(1, model.leaks().scopes().size());
        assertEquals("exit_group(0) by the main thread", model.leaks().scopes().getFirst().end().what());
        assertEquals(0L, Metric.THREADS_LEAKED.total(model));
    }

    @Test
    void aThreadStillRunningWhenMainReturnsOutlivedIt() {
        TraceModel model = RecordedTrace.model(process(List.of("joined", "leaked"), List.of("joined"),
                call(SyscallTable.EXIT_GROUP, PID), true));
        assertEquals(List.of("leaked"), leaked(model));
        LeakAnalysis.Leak leak = model.leaks().of(model.thread(PID + 2));
        assertEquals(30 * MS, leak.scope().end().ns());
        assertNull(model.leaks().of(model.thread(PID + 1)));
        assertEquals(1L, Metric.THREADS_LEAKED.total(model));
    }

    @Test
    void mainLeavingWithPthreadExitEndsTheScopeAndAnotherThreadsExitGroupToo() {
        TraceModel alone = RecordedTrace.model(process(List.of("worker"), List.of(), call(SyscallTable.EXIT, PID), true));
        assertEquals(List.of("worker"), leaked(alone));
        assertEquals("main thread exited", alone.leaks().scopes().getFirst().end().what());
        TraceModel byWorker = RecordedTrace.model(process(List.of("quitter", "bystander"), List.of(),
                call(SyscallTable.EXIT_GROUP, PID + 1), true));
        assertEquals(List.of("bystander"), leaked(byWorker), "the thread that ended the process did not outlive it");
        assertEquals("exit_group(0) by " + (PID + 1), byWorker.leaks().scopes().getFirst().end().what());
    }

    @Test
    void aProcessKilledOrStillRunningHasNoScopeEnd() {
        List<TraceEvent> events = new ArrayList<>(process(List.of("worker"), List.of(), call(SyscallTable.number("getpid").orElseThrow(), PID), false));
        TraceModel model = RecordedTrace.model(events);
        assertEquals(List.of(), model.leaks().scopes());
        assertEquals(List.of(), leaked(model));
    }

    @Test
    void inAJvmOnlyThreadsTheProgramStartedCountAndTheScopeIsMainsReturn() {
        List<TraceEvent> events = process(List.of("VM Thread", "GC Thread#0", "main", "pool-1", "joined"), List.of("joined"),
                call(SyscallTable.EXIT_GROUP, PID), true);
        TraceModel model = RecordedTrace.model(events);
        assertEquals(List.of(), model.leaks().scopes(), "a JVM without the Java view is not judged");
        assertTrue(model.leaks().unchecked().getFirst().startsWith("500 is a JVM without the Java view"), model.leaks().unchecked().toString());

        int main = PID + 3;
        model.attachJava(JavaJoin.join(model, List.of(
                // The recorded process has the leader create every thread: it is the starter the join matches.
                new JavaRecord.Started(PID, 3 * MS + 500, PID, 1, "main", 20, "pool-1", Map.of()),
                new JavaRecord.Started(PID, 4 * MS + 500, PID, 1, "main", 21, "joined", Map.of()),
                new JavaRecord.Constructed(PID, 25 * MS, main, 30, "DestroyJavaVM", 30, "DestroyJavaVM", false, Map.of()),
                new JavaRecord.ShutdownBegan(PID, 28 * MS, main))));
        assertEquals(List.of("pool-1"), leaked(model), "not the JVM's own threads, not main, not the joined one");
        assertEquals(new ScopeEnd(25 * MS, main, "main returned"), model.leaks().scopes().getFirst().end());
    }

    @Test
    void aJvmThatCallsSystemExitEndsItsScopeWhenShutdownBegins() {
        TraceModel model = RecordedTrace.model(process(List.of("main", "pool-1"), List.of(), call(SyscallTable.EXIT_GROUP, PID), true));
        model.attachJava(JavaJoin.join(model, List.of(
                new JavaRecord.Started(PID, 1 * MS + 500, PID, 1, "main", 20, "pool-1", Map.of()),
                new JavaRecord.ShutdownBegan(PID, 26 * MS, PID + 1))));
        assertEquals("the JVM began to shut down", model.leaks().scopes().getFirst().end().what());
        assertEquals(List.of("pool-1"), leaked(model));
    }
}
