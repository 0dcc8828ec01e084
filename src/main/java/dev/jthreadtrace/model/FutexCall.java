package dev.jthreadtrace.model;

/** One finished futex call, kept for the end-of-trace analysis (times relative to the trace start). */
public record FutexCall(int tid, int tgid, long uaddr, int command, boolean isWait, boolean isWake, long entryNs,
                        long exitNs, long ret, boolean error) {
    private static final int ETIMEDOUT = 110, EAGAIN = 11;

    public boolean timedOut() {
        return error && ret == -ETIMEDOUT;
    }

    /** EAGAIN: the word no longer held the expected value, so the wait did not block. */
    public boolean wouldBlock() {
        return error && ret == -EAGAIN;
    }
}
