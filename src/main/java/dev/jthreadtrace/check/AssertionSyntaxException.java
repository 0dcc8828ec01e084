package dev.jthreadtrace.check;

/** A malformed {@code --assert} expression; {@code column} is 1-based, where parsing failed. */
public final class AssertionSyntaxException extends IllegalArgumentException {
    private final String expression;
    private final int column;

    public AssertionSyntaxException(String expression, int column, String problem) {
        super("invalid --assert '" + expression + "' at column " + column + ": " + problem);
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
