package dev.jthreadtrace.render;

/** The reader of our output went away (EPIPE, e.g. {@code | head}): stop quietly. */
public final class OutputClosedException extends RuntimeException {
    public OutputClosedException(Throwable cause) {
        super("output closed", cause);
    }
}
