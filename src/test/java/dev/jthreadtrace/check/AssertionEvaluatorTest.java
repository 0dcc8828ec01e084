package dev.jthreadtrace.check;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions evaluated on the recorded threads-fixture model. */
class AssertionEvaluatorTest {
    private static final TraceModel MODEL = RecordedTrace.model(RecordedTrace.threadsFixture());

    private static AssertionResult eval(String text) {
        return AssertionEvaluator.evaluate(List.of(AssertionParser.parse(text)), MODEL).getFirst();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "threads.total == 4;true;4", "threads.total < 4;false;4", "threads.peak <= 3;true;3",
            "processes.total == 1;true;1", "spawn.depth <= 1;false;2", "threads{name=\"inner-*\"}.count == 2;true;2",
            "threads{name=\"nobody\"}.count == 0;true;0", "futex.calls < 100000;true;4",
            "futex.calls{name=\"inner-1\"} == 2;true;2", "futex.wait.time{name=\"inner-*\"} < 500ms;true;2.0ms",
            "futex.wait.time < 1ms;false;12.0ms", "mmap.bytes{name=\"inner-*\"} < 64MiB;true;8388608 B (8.0 MiB)",
            "exit.code == 0;true;0", "futex.joins == 2;true;2",
            "spawned_by{child=\"inner-2\"} == \"inner-1\";true;\"inner-1\" (1 thread)",
            "spawned_by{child=\"inner-*\"} == \"threads\";false;\"threads\" | \"inner-1\" (2 threads)",
            "spawned_by{child=\"sib*\"} != \"inner-1\";true;\"threads\" (1 thread)",
            "inherits{name=\"inner-2\", hook=\"affinity\"} == \"0\";true;\"0\" (1 thread)",
            "inherits{name=\"sibling\", hook=\"affinity\"} == \"0\";false;\"default\" (1 thread)",
            "inherits{name=\"inner-2\", hook=\"sigmask\"} == \"[USR1]\";true;\"[USR1]\" (1 thread)",
            "spawned_by{child=\"ghost\"} == \"main\";false;no thread named like \"ghost\" (threads: threads, inner-1, inner-2, sibling)",
            "syscalls{name=\"futex\"}.calls == 4;true;4", "syscalls{name=\"fu*\", thread=\"inner-*\"}.errors == 0;true;0",
    })
    void metricsSelectorsAndTextComparisons(String text, boolean passed, String actual) {
        AssertionResult r = eval(text);
        assertEquals(passed, r.passed(), r.message());
        assertEquals(actual, r.actual());
    }

    /** Each form that used to pass on a selection of nothing, and the line that now says what it matched. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "futex.wait.time{name=\"no-such-thread*\"} < 1ms|no thread named like \"no-such-thread*\" (threads: threads, inner-1, inner-2, sibling)",
            "mmap.bytes{name=\"typo*\"} < 1MiB|no thread named like \"typo*\" (threads: threads, inner-1, inner-2, sibling)",
            "futex.calls{name=\"typo*\"} == 0|no thread named like \"typo*\" (threads: threads, inner-1, inner-2, sibling)",
            "inherits{name=\"inner-*\", hook=\"itl:RequestContext\"} == \"none\"|no thread has hook \"itl:RequestContext\"; hooks seen: name, sigmask, affinity, seccomp, no_new_privs, traced",
            "inherits{name=\"inner-*\", hook=\"ccl\"} != \"*@app1\"|no thread has hook \"ccl\"; hooks seen: name, sigmask, affinity, seccomp, no_new_privs, traced",
            "inherits{name=\"nobody\", hook=\"affinity\"} == \"0\"|no thread named like \"nobody\" (threads: threads, inner-1, inner-2, sibling)",
            "syscalls{name=\"futx\"}.errors == 0|no call of a syscall named like \"futx\" in the trace (calls seen: mmap, rt_sigprocmask, execve, prctl, futex, sched_setaffinity, clone3)",
            "syscalls.time{thread=\"nobody\"} < 1s|no thread named like \"nobody\" (threads: threads, inner-1, inner-2, sibling)",
            "threads.leaked{name=\"nobody\"} == 0|no thread named like \"nobody\" (threads: threads, inner-1, inner-2, sibling)",
            "threads{created_at=\"com.acme.*\"}.count <= 2|no thread has a Java creation site to match created_at against (no JVM view: --jvm off, a JVM older than 25, or --java-stack 0)",
    })
    void aSelectorThatMatchesNothingFailsSayingWhatItMatched(String text, String actual) {
        AssertionResult r = eval(text);
        assertFalse(r.passed(), r.message());
        assertEquals(actual, r.actual());
        String accepting = text.replaceFirst("\\}", ", empty=\"pass\"}");
        AssertionResult accepted = eval(accepting);
        assertTrue(accepted.passed(), accepting + ": " + accepted.message());
        assertEquals(actual + " (empty=\"pass\")", accepted.actual());
    }

    /**
     * A trace cut short (no end record: the tool was SIGKILLed) holds none of the calls pending at
     * its end: blocked threads, deadlocks, the duration and the futex waits (which count the pending
     * ones) are unknown and fail, whatever the
     * comparison, empty="pass" or not; the counts of the records it holds are answered.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {"deadlocks == 0", "threads.blocked == 0", "threads.blocked{name=\"inner-*\", empty=\"pass\"} == 0",
            "duration < 100s", "duration >= 0s", "exit.code == 0", "exit.code < 1", "threads.leaked == 0",
            "futex.waits < 1000", "futex.wait.time < 3600s"})
    void endStateMetricsOfATraceWithoutItsEndAreUnknownAndFail(String text) {
        List<dev.jthreadtrace.event.TraceEvent> events = RecordedTrace.threadsFixture();
        List<dev.jthreadtrace.event.TraceEvent> cut = events.stream()
                .filter(e -> !(e instanceof dev.jthreadtrace.event.TraceEvent.TraceEnded)).toList();
        assertTrue(cut.size() < events.size(), "the fixture has an end record to cut");
        TraceModel model = RecordedTrace.model(cut);
        AssertionResult r = AssertionEvaluator.evaluate(List.of(AssertionParser.parse(text)), model).getFirst();
        assertFalse(r.passed(), r.message());
        assertTrue(r.actual().startsWith("unknown: the trace has no end record (cut short)"), r.actual());
        assertTrue(AssertionEvaluator.evaluate(List.of(AssertionParser.parse(text)), MODEL).getFirst().actual().indexOf("unknown") < 0,
                "the whole trace answers " + text);
        AssertionResult counted = AssertionEvaluator.evaluate(List.of(AssertionParser.parse("futex.joins == 2")), model).getFirst();
        assertTrue(counted.passed(), counted.message());
    }

    @Test
    void countsOfSelectedThreadsStayAnswersOnAnEmptySelection() {
        assertTrue(eval("threads{name=\"nobody\"}.count == 0").passed());
        assertFalse(eval("threads{name=\"nobody\"}.count > 0").passed());
    }

    @Test
    void aThreadLocalSomeThreadInheritedIsNoTypoAndReadsNoneWhereItWasNot() {
        TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());
        model.attachJava(JavaJoin.join(model, List.of(
                new JavaRecord.Started(RecordedTrace.MAIN, 0, RecordedTrace.INNER1, 2, "inner-1", 3, "inner-2",
                        Map.of("InheritableThreadLocal#1", "r-42"), List.of(), Map.of("ccl", "app@1a2b3c")))));
        AssertionResult none = AssertionEvaluator.evaluate(List.of(AssertionParser.parse(
                "inherits{name=\"sibling\", hook=\"itl:InheritableThreadLocal#1\"} == \"none\"")), model).getFirst();
        assertTrue(none.passed(), none.message());
        AssertionResult typo = AssertionEvaluator.evaluate(List.of(AssertionParser.parse(
                "inherits{name=\"sibling\", hook=\"itl:RequestContext\"} == \"none\"")), model).getFirst();
        assertFalse(typo.passed());
        assertEquals("no thread has hook \"itl:RequestContext\"; hooks seen: itl:InheritableThreadLocal#1, name, sigmask,"
                + " affinity, seccomp, no_new_privs, traced, ccl", typo.actual());
    }

    @Test
    void junitXmlOfAnInvocationThatEvaluatedNothingIsOneErrorWithItsReason() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        JunitXml.writeError(bytes, "jthreadtrace", "check", "t.jsonl: <cut> short & \"gone\"");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        assertEquals("1", doc.getDocumentElement().getAttribute("errors"));
        assertEquals("0", doc.getDocumentElement().getAttribute("failures"));
        assertEquals(1, doc.getElementsByTagName("testcase").getLength());
        assertEquals(0, doc.getElementsByTagName("system-out").getLength(), "nothing reads as passed");
        var error = doc.getElementsByTagName("error").item(0);
        assertEquals("t.jsonl: <cut> short & \"gone\"", error.getAttributes().getNamedItem("message").getNodeValue());
        assertEquals("NotEvaluated", error.getAttributes().getNamedItem("type").getNodeValue());
    }

    @Test
    void junitXmlIsWellFormedWithOneTestcasePerAssertion() throws Exception {
        List<AssertionResult> results = AssertionEvaluator.evaluate(List.of(
                AssertionParser.parse("threads.total == 4"),
                AssertionParser.parse("spawned_by{child=\"<&'\\\"*\"} == \"x\"")), MODEL);
        Path file = Files.createTempFile("junit", ".xml");
        try {
            JunitXml.write(file, "jthreadtrace", results, 1.5);
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
            var cases = doc.getElementsByTagName("testcase");
            assertEquals(2, cases.getLength());
            assertEquals("threads.total == 4", cases.item(0).getAttributes().getNamedItem("name").getNodeValue());
            assertEquals(1, doc.getElementsByTagName("failure").getLength());
            assertEquals("1", doc.getDocumentElement().getAttribute("failures"));
            assertTrue(cases.item(1).getAttributes().getNamedItem("name").getNodeValue().contains("<&'"));
        } finally {
            Files.delete(file);
        }
        assertFalse(results.get(1).passed());
    }

    /**
     * A name selector of 100 stars that cannot match: as a backtracking regex this took minutes on
     * the fixture's 7-byte names (16 stars already took seconds on a 15-byte one). The separate thread
     * lets the timeout end the test even though a regex match cannot be interrupted.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPathologicalGlobIsMatchedInLinearTime() {
        AssertionResult r = eval("threads{name=\"" + "*".repeat(100) + "x\"}.count == 0");
        assertTrue(r.passed(), r.message());
        assertEquals("0", r.actual());
        AssertionResult all = eval("threads{name=\"" + "*?".repeat(50) + "\"}.count == 0");
        assertEquals("0", all.actual(), "50 characters at least: no name that short matches");
    }
}
