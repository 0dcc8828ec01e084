package dev.jthreadtrace.check;

import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Assertions on the threads fixture with one ended task kept (inner-1, inner-2 and sibling fold):
 * every metric the folded sums keep answers what the unfolded trace answers, its selector registered
 * before the trace; the rest say they are unknown, never the kept tasks' value.
 */
class FoldedAnswersTest {
    private static AssertionResult eval(String text, int keepEnded) {
        List<Assertion> assertions = List.of(AssertionParser.parse(text));
        TraceModel m = new TraceModel(keepEnded, AssertionEvaluator.foldSelectors(assertions));
        RecordedTrace.threadsFixture().forEach(m::accept);
        return AssertionEvaluator.evaluate(assertions, m).getFirst();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "threads.total == 4", "threads.peak <= 3", "processes.total == 1", "spawn.depth <= 1",
            "threads{name=\"inner-*\"}.count == 2", "threads{name=\"nobody\"}.count == 0", "futex.calls < 100000",
            "futex.calls{name=\"inner-1\"} == 2", "futex.wait.time{name=\"inner-*\"} < 500ms", "futex.wait.time < 1ms",
            "mmap.bytes{name=\"inner-*\"} < 64MiB", "exit.code == 0", "futex.joins == 2", "syscalls{name=\"futex\"}.calls == 4",
            "hooks.changes > 0",
            // No task of a JVM folded: the Java view's count is the kept one. A selector no folded task
            // matched (registered before the trace): its threads are all kept, text metrics included.
            "java.creation_sites == 0", "inherits{name=\"threads\", hook=\"sigmask\"} == \"[]\"",
            "syscalls{name=\"fu*\", thread=\"threads\"}.errors == 0",
    })
    void foldedTraceAnswersAsTheWholeTrace(String text) {
        AssertionResult whole = eval(text, -1), folded = eval(text, 1);
        assertEquals(whole.passed(), folded.passed(), folded.message());
        assertEquals(whole.actual(), folded.actual());
    }

    /** The fixture with main's start() of inner-1 (pool-1) at com.example.App.main recorded, joined after the trace. */
    private static AssertionResult evalJava(String text, int keepEnded) {
        return evalJava(text, keepEnded, 1);
    }

    /** The same with {@code starts} start() records of inner-1 (past the first, starts that threw). */
    private static AssertionResult evalJava(String text, int keepEnded, int starts) {
        List<Assertion> assertions = List.of(AssertionParser.parse(text));
        TraceModel m = new TraceModel(keepEnded, AssertionEvaluator.foldSelectors(assertions));
        RecordedTrace.threadsFixture().forEach(m::accept);
        var start = new dev.jthreadtrace.event.JavaRecord.Started(RecordedTrace.MAIN,
                2_900_000, RecordedTrace.MAIN, 1, "main", 20, "pool-1", java.util.Map.of(),
                List.of(new dev.jthreadtrace.event.JavaRecord.Frame("com.example.App", "main", "App.java", 12)), java.util.Map.of());
        m.attachJava(dev.jthreadtrace.jvm.JavaJoin.join(m, java.util.Collections.nCopies(starts, start)));
        return AssertionEvaluator.evaluate(assertions, m).getFirst();
    }

    /**
     * A second start() of one thread throws and makes no task, but the agent recorded it (hostile12b
     * F3): the folded count is the thread's one, as the unfolded model's, not one per record.
     */
    @org.junit.jupiter.api.Test
    void aStartThatThrewCountsNoFoldedThread() {
        String text = "threads{created_at=\"com.example.App.main(*\"}.count == 1";
        assertEquals("1", evalJava(text, -1, 2).actual());
        AssertionResult folded = evalJava(text, 1, 2);
        assertEquals("1", folded.actual(), folded.message());
    }

    /**
     * A creation site's count once the thread started there folded (its Java facts never joined): its
     * start() record, joined to no kept task, is the folded thread's; the other folded tasks, with no
     * start() record, count at no site (before, every folded task was added to any created_at count).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "threads{created_at=\"com.example.App.main(*\"}.count == 1; 1",
            "threads{created_at=\"*\"}.count == 1; 1",
            "threads{created_at=\"org.other.*\"}.count == 0; 0",
    })
    void aFoldedThreadsCreationSiteIsCountedFromItsStartRecord(String text, String count) {
        AssertionResult whole = evalJava(text, -1), folded = evalJava(text, 1);
        assertEquals(count, whole.actual());
        assertEquals(count, folded.actual(), folded.message());
        assertEquals(true, folded.passed());
    }

    @org.junit.jupiter.api.Test
    void aSelectionOfNothingNamesTheFoldedGroupsToo() {
        assertEquals("no thread named like \"typo*\" (threads: threads, inner-2, inner-1, sibling)",
                eval("mmap.bytes{name=\"typo*\"} < 1MiB", 1).actual());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "spawned_by{child=\"inner-2\"} == \"inner-1\"", "inherits{name=\"inner-2\", hook=\"affinity\"} == \"0\"",
            "syscalls{name=\"fu*\", thread=\"inner-*\"}.errors == 0",
    })
    void whatTheFoldedSumsCannotGiveIsUnknown(String text) {
        AssertionResult r = eval(text, 1);
        assertEquals(false, r.passed());
        assertEquals("unknown: 3 threads folded", r.actual());
    }
}
