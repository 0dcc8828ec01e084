package dev.jthreadtrace.check;

/** The outcome of one assertion: the actual value as text next to what was expected. */
public record AssertionResult(Assertion assertion, boolean passed, String actual, String expected) {
    public String message() {
        return (passed ? "" : "expected " + expected + ", ") + "actual " + actual;
    }
}
