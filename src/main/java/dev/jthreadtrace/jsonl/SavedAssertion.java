package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.check.AssertionResult;

import java.util.List;

/**
 * One {@code assertion} record: an assertion's text and its result as the run that wrote the
 * trace evaluated it. A saved trace written again keeps its assertions as they were.
 */
public record SavedAssertion(String expr, boolean passed, String actual, String expected) {
    public static SavedAssertion of(AssertionResult r) {
        return new SavedAssertion(r.assertion().text(), r.passed(), r.actual(), r.expected());
    }

    public static List<SavedAssertion> of(List<AssertionResult> results) {
        return results.stream().map(SavedAssertion::of).toList();
    }
}
