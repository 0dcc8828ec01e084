package dev.jthreadtrace.render;

/**
 * Writing the output failed for another reason than a reader that went away: a full disk,
 * {@code -o /dev/full}, an I/O error. The trace goes on without output; the message is the reason.
 */
public final class OutputFailedException extends RuntimeException {
    public OutputFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
