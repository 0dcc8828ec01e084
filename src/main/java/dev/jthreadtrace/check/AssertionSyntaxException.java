package dev.jthreadtrace.check;

import dev.jthreadtrace.text.Escape;

/** A malformed {@code --assert} expression; {@code column} is 1-based, where parsing failed. */
public final class AssertionSyntaxException extends IllegalArgumentException {
    private final String expression;
    private final int column;

    public AssertionSyntaxException(String expression, int column, String problem) {
        // Escaped: an --assert-file's control character or escape sequence must not reach a terminal or CI log.
        // The problem quotes what it found there, escaped alike.
        super("invalid --assert '" + Escape.typed(expression) + "' at column " + column + ": " + Escape.typed(problem));
        this.expression = expression;
        this.column = column;
    }

    public String expression() {
        return expression;
    }

    public int column() {
        return column;
    }
}
