package dev.jthreadtrace.check;

import dev.jthreadtrace.model.Metric;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssertionParserTest {
    @ParameterizedTest
    @EnumSource(Metric.class)
    void everyMetricParses(Metric metric) {
        String text = switch (metric.kind()) {
            case TEXT -> metric == Metric.SPAWNED_BY ? "spawned_by{child=\"w-*\"} == \"main\""
                    : "inherits{name=\"inner-2\", hook=\"affinity\"} == \"0\"";
            case TIME -> metric.key() + " < 5ms";
            case SIZE -> metric.key() + " <= 64MiB";
            case COUNT -> metric == Metric.THREADS_COUNT ? "threads{name=\"pool-*\"}.count == 8" : metric.key() + " >= 0";
        };
        assertEquals(metric, AssertionParser.parse(text).metric());
    }

    /** hostile12 F5: "\\*" reached the glob as *, every name; a backslash now stays before all but a quote or a backslash. */
    @Test
    void aBackslashBeforeAGlobCharacterReachesTheGlob() {
        for (String written : List.of("\\*", "\\\\*")) {
            String glob = AssertionParser.parse("threads{name=\"" + written + "\"}.count == 1").selector().get("name");
            assertEquals("\\*", glob, written);
            assertTrue(Glob.compile(glob).matches("*") && !Glob.compile(glob).matches("worker"), written);
        }
        assertEquals("quo\"te\\", AssertionParser.parse("threads{name=\"quo\\\"te\\\\\"}.count == 1").selector().get("name"));
    }

    @Test
    void examplesFromTheDocumentation() {
        Assertion a = AssertionParser.parse("threads{name=\"pool-*\"}.count == 8");
        assertEquals(Metric.THREADS_COUNT, a.metric());
        assertEquals(Map.of("name", "pool-*"), a.selector());
        assertEquals(Assertion.Operator.EQ, a.operator());
        assertEquals(8L, a.number());

        Assertion t = AssertionParser.parse("  futex.wait.time{name=\"contender-*\"} < 500ms ");
        assertEquals(500_000_000L, t.number());
        assertEquals("futex.wait.time{name=\"contender-*\"} < 500ms", t.text());

        Assertion i = AssertionParser.parse("inherits{name=\"inner-2\", hook=\"affinity\"} == \"0\"");
        assertEquals(Map.of("name", "inner-2", "hook", "affinity"), i.selector());
        assertEquals("0", i.string());
        assertNull(i.number());
        assertEquals("main", AssertionParser.parse("spawned_by{child=\"lazy-worker-*\"} == \"main\"").string());
    }

    @Test
    void emptyIsAKeyOfEverySelectorAndNotPartOfIt() {
        Assertion a = AssertionParser.parse("futex.wait.time{name=\"lazy-*\", empty=\"pass\"} < 1ms");
        assertTrue(a.emptyPasses());
        assertEquals(Map.of("name", "lazy-*"), a.selector());
        assertTrue(!AssertionParser.parse("futex.wait.time{name=\"lazy-*\", empty=\"fail\"} < 1ms").emptyPasses());
        assertTrue(!AssertionParser.parse("futex.wait.time{name=\"lazy-*\"} < 1ms").emptyPasses(), "failing is the default");
        assertTrue(AssertionParser.parse("inherits{name=\"pool-*\", hook=\"itl:Ctx\", empty=\"pass\"} == \"none\"").emptyPasses());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "duration < 7ns;7", "duration < 7us;7000", "duration < 7ms;7000000", "duration < 7s;7000000000",
            "mmap.bytes < 7;7", "mmap.bytes < 7B;7", "mmap.bytes < 7KiB;7168", "mmap.bytes < 7MiB;7340032",
            "mmap.bytes < 7GiB;7516192768", "exit.code == -1;-1", "duration < 1.5s;1500000000", "duration < 0.25ms;250000",
            "duration < 2.000ns;2", "mmap.bytes < 1.5KiB;1536", "threads.peak <= 4.0;4"})
    void unitsScaleToNanosecondsAndBytes(String text, long expected) {
        assertEquals(expected, AssertionParser.parse(text).number());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"<;LT", "<=;LE", "==;EQ", "!=;NE", ">=;GE", ">;GT"})
    void everyOperator(String symbol, Assertion.Operator op) {
        assertEquals(op, AssertionParser.parse("threads.total " + symbol + " 3").operator());
        assertEquals(op, AssertionParser.parse("threads.total" + symbol + "3").operator());
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
            "``;1;expected a metric name",
            "threads.pk <= 4;1;unknown metric 'threads.pk'",
            "threads.peak;13;expected an operator",
            "threads.peak = 4;14;use == to compare, not =",
            "threads.peak =< 4;14;use <= to compare, not =<",
            "threads.peak => 4;14;use >= to compare, not =>",
            "threads.peak <=;16;expected a number",
            "threads.peak <= x;17;expected a number",
            "threads.peak <= 4ms;18;threads.peak is a count: no unit expected",
            "duration < 5;13;duration is a time: give a unit",
            "duration < 5min;13;unknown time unit 'min'",
            "duration < 1.5ns;12;not a whole number of nanoseconds: 1.5ns",
            "mmap.bytes < 0.5B;14;not a whole number of bytes: 0.5B",
            "threads.peak <= 4.5;17;threads.peak is a count: a whole number, not 4.5",
            "duration < 1.s;13;expected digits after '.'",
            "mmap.bytes < 5MB;15;unknown size unit 'MB'",
            "threads.peak <= 4 4;19;unexpected '4' after the value",
            "threads{name=pool}.count == 1;14;expected a \"quoted\" selector value",
            "threads{name \"x\"}.count == 1;14;expected '=' after selector key",
            "threads{name=\"x\" hook=\"y\"}.count == 1;18;expected ',' or '}' in selector",
            "threads{name=\"x}.count == 1;14;unterminated string",
            "threads.total{name=\"x\"} == 1;14;threads.total takes no selector, not 'name'",
            "spawned_by == \"main\";1;spawned_by needs {child=\"...\"}",
            "spawned_by{child=\"w\"} < \"main\";23;spawned_by is text: compare it with == or !=",
            "spawned_by{child=\"w\"} == main;26;spawned_by is text: expected a \"quoted\" value",
            "threads.peak == \"4\";17;threads.peak is a number: expected a number, not a string",
            "threads{name=\"a\"}{name=\"b\"}.count == 1;18;only one {...} selector per metric",
            "threads.peak < 99999999999999999999;16;number out of range",
            "duration < 99999999999999s;12;number out of range with its unit",
            "mmap.bytes < 99999999999GiB;14;number out of range with its unit",
            "inherits{name=\"inner-2\", hook=\"afinity\"} == \"0\";9;unknown hook 'afinity' (hooks: name, sigmask, affinity",
            "inherits{name=\"x\", hook=\"itl:\"} == \"0\";9;unknown hook 'itl:'",
            "threads.total{empty=\"pass\"} == 1;14;threads.total takes no selector, so it cannot select nothing",
            "mmap.bytes{name=\"x\", empty=\"yes\"} < 1;11;empty= takes \"pass\"",
            "threads.total < \uff15;17;expected a number", // fullwidth 5: BigDecimal would read it as 5
            "threads.total < \u0663;17;expected a number", // Arabic-Indic 3
            "duration < 1\u0660s;13;unknown time unit", // a trailing Arabic-Indic 0 is no digit either
    })
    void syntaxErrorsPointAtTheColumn(String text, int column, String message) {
        AssertionSyntaxException e = assertThrows(AssertionSyntaxException.class, () -> AssertionParser.parse(text));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid --assert '" + text + "' at column " + column + ": "));
    }

    /** The expression in the error is escaped: an --assert-file's escape sequence must not reach the terminal. */
    @Test
    void anErrorPrintsTheExpressionEscaped() {
        AssertionSyntaxException e = assertThrows(AssertionSyntaxException.class,
                () -> AssertionParser.parse("threads{name=\"\u001b[2J\"}.count = 1"));
        assertTrue(e.getMessage().startsWith("invalid --assert 'threads{name=\"\\33[2J\"}.count = 1'"), e.getMessage());
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    }
}
