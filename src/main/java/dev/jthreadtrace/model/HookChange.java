package dev.jthreadtrace.model;

/**
 * Task {@code tid}'s setting changed at {@code ns} (relative to the trace start), from one value to
 * another, by the call of task {@code actor}: the task itself, or another one that set it from
 * outside (sched_setaffinity(TID, ...), a name written to /proc/self/task/TID/comm as
 * pthread_setname_np does for another thread, a seccomp filter installed with TSYNC).
 */
public record HookChange(long ns, int tid, Hook hook, String from, String to, int actor) {
    /** Whether another task made the change ({@link #actor} is not {@link #tid}). */
    public boolean byAnother() {
        return actor != tid;
    }
}
