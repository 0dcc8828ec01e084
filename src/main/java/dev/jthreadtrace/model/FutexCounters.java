package dev.jthreadtrace.model;

/** One thread's futex figures: calls, waits, wakes, threads woken, time blocked, timeouts, EAGAINs. */
public final class FutexCounters {
    static final FutexCounters NONE = new FutexCounters();

    private long calls, waits, wakes, woken, blockedNs, timeouts, eagain;

    /** One call, or one more stretch of a wait a signal interrupted (not another call, nor another wait). */
    void add(FutexCall c) {
        if (!c.continued()) calls++;
        if (c.isWait()) {
            if (!c.continued()) waits++;
            blockedNs = Sums.add(blockedNs, Math.max(0, c.exitNs() - c.entryNs()));
            if (c.timedOut()) timeouts++;
            if (c.wouldBlock()) eagain++;
        }
        if (c.isWake()) {
            wakes++;
            woken += c.woken();
        }
    }

    public long calls() {
        return calls;
    }

    public long waits() {
        return waits;
    }

    public long wakes() {
        return wakes;
    }

    /**
     * Waiters that the thread's wakes released (the wake calls' return values, less the waiters a requeue
     * moved; a wake whose exit was not waited for adds 0).
     */
    public long woken() {
        return woken;
    }

    public long blockedNs() {
        return blockedNs;
    }

    public long timeouts() {
        return timeouts;
    }

    public long eagain() {
        return eagain;
    }
}
