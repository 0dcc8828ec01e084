package dev.jthreadtrace.check;

import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
            "spawned_by{child=\"ghost\"} == \"main\";false;no thread named like \"ghost\"",
            "inherits{name=\"inner-*\", hook=\"itl:RequestContext\"} == \"none\";true;\"none\" (2 threads)",
            "inherits{name=\"inner-*\", hook=\"itl:RequestContext\"} != \"none\";false;\"none\" (2 threads)",
    })
    void metricsSelectorsAndTextComparisons(String text, boolean passed, String actual) {
        AssertionResult r = eval(text);
        assertEquals(passed, r.passed(), r.message());
        assertEquals(actual, r.actual());
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
