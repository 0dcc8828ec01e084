package dev.jthreadtrace.model;

/**
 * Task {@code tid}'s setting changed at {@code ns} (relative to the trace start), from one value to another,
 * by the call of task {@code by}: itself, or another thread of its process (seccomp's TSYNC gives every
 * thread the caller's filters).
 */
public record HookChange(long ns, int tid, Hook hook, String from, String to, int by) {
    /** A change the task made itself. */
    public HookChange(long ns, int tid, Hook hook, String from, String to) {
        this(ns, tid, hook, from, to, tid);
    }
}
