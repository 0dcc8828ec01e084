package dev.jthreadtrace.model;

/**
 * How a task ended. {@code kind}: "exited" (its own exit), "group" (its own exit_group, or torn
 * down by another thread's), "killed" (by a signal; value is the signal), "exec" (the old leader
 * replaced by a non-leader thread's execve).
 */
public record Exit(String kind, int value, String how) {
    /** The shell's view of the status: the code, or 128+signal. */
    public int shellStatus() {
        return "killed".equals(kind) ? 128 + value : value;
    }
}
