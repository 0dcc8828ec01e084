package dev.jthreadtrace.model;

/** One finished futex call, kept for the end-of-trace analysis (times relative to the trace start). */
public record FutexCall(int tid, int tgid, long uaddr, int command, boolean isWait, boolean isWake, long entryNs,
                        long exitNs, long ret, boolean error) {}
