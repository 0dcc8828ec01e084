package dev.jthreadtrace.model;

/** A task changed one of its settings at {@code ns} (relative to the trace start), from one value to another. */
public record HookChange(long ns, int tid, Hook hook, String from, String to) {}
