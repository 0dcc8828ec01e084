package dev.jthreadtrace.model;

/**
 * One finished futex call, kept for the end-of-trace analysis (times relative to the trace start).
 * {@code atEntry}: taken as finished at its entry, its exit not waited for ({@code ret} is then not its result).
 * {@code entryNs} is when this stretch of the call began: a wait a signal interrupted and the kernel
 * continued ({@link Restarts}: restart_syscall, or the same call again) is one wait in stretches,
 * {@code sinceNs} its first entry and {@code continued} true for every stretch after the first.
 * {@code moved}: of the waiters a FUTEX_REQUEUE, FUTEX_CMP_REQUEUE or FUTEX_CMP_REQUEUE_PI returned, those it
 * moved to its second word rather than woke (kernel/futex/requeue.c: it wakes up to val, moves the rest up
 * to val2, and returns both together); 0 for every other call.
 */
public record FutexCall(int tid, int tgid, long uaddr, int command, boolean isWait, boolean isWake, long entryNs,
                        long exitNs, long ret, boolean error, boolean atEntry, long sinceNs, boolean continued, long moved) {
    private static final int ETIMEDOUT = 110, EAGAIN = 11;

    /** A call that moved no waiter (every call but a requeue). */
    public FutexCall(int tid, int tgid, long uaddr, int command, boolean isWait, boolean isWake, long entryNs,
                     long exitNs, long ret, boolean error, boolean atEntry, long sinceNs, boolean continued) {
        this(tid, tgid, uaddr, command, isWait, isWake, entryNs, exitNs, ret, error, atEntry, sinceNs, continued, 0);
    }

    /** How many waiters the wake released, by its return value (a requeue's moved ones are not woken); 0 when its exit was not waited for. */
    public long woken() {
        return isWake && !error && !atEntry ? ret - moved : 0;
    }

    public boolean timedOut() {
        return error && ret == -ETIMEDOUT;
    }

    /**
     * A wake that may have released a waiter: it released someone, or it was taken as finished at
     * its entry (decode.ExitNeeds#futex: a private plain wake, the first to begin in blocked private
     * plain waits, whose count would not change the matching; FutexLog offers it to those waits only).
     */
    public boolean mayHaveWoken() {
        return isWake && (atEntry || woken() > 0);
    }

    /** EAGAIN: the word no longer held the expected value, so the wait did not block. */
    public boolean wouldBlock() {
        return error && ret == -EAGAIN;
    }
}
