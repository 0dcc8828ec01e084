package dev.jthreadtrace.model;

/** A task changed one of its inheritable settings at {@code ns} (relative to the trace start). */
public record HookChange(long ns, int tid, String hook, String from, String to) {}
