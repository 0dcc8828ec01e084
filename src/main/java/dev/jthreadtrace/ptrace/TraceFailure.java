package dev.jthreadtrace.ptrace;

/**
 * Tracing could not start (ptrace refused, spawn failed); the message is one line for the user.
 * {@link #exitCode}: what the tool exits with, 125 (the tool failed) unless the command itself
 * could not be run (126, 127, as a shell says).
 */
public final class TraceFailure extends Exception {
    public static final int TOOL_FAILED = 125;
    private final int exitCode;

    public TraceFailure(String message, Throwable cause) {
        this(message, cause, TOOL_FAILED);
    }

    public TraceFailure(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
