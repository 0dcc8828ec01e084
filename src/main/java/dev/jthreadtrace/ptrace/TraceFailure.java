package dev.jthreadtrace.ptrace;

/** Tracing could not start (ptrace refused, spawn failed); the message is one line for the user. */
public final class TraceFailure extends Exception {
    public TraceFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
