package dev.jthreadtrace.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished futex wait that a wake released, and the best wake {@link FutexLog} found for it so far:
 * the latest wake by another thread that began while it was blocked (in its last stretch) on its own
 * word, and, when a requeue off that word that moved waiters began then, the latest wake of the
 * requeue's second word after it. Calls reach the log as they return, in any order: each side is
 * offered what comes, and the answer is read at the end of its time among the recent waits.
 */
final class MatchedWait {
    static final int MAX_REQUEUES = 4;

    /** A wake call that may have released a waiter: by whom, when it began, whether it was taken at its entry (count unknown). */
    record Wake(int tid, long entryNs, boolean atEntry) {}

    /**
     * A requeue by {@code tid}, begun at {@code entryNs}, that moved waiters of one word to the word at
     * {@code toUaddr} (in the requeuer's process), whose recent wakes are {@code toWakes}. Compared by
     * identity: each call is one.
     */
    static final class Requeue {
        final int tid;
        final long entryNs, toUaddr;
        final ArrayDeque<Wake> toWakes;

        Requeue(int tid, long entryNs, long toUaddr, ArrayDeque<Wake> toWakes) {
            this.tid = tid;
            this.entryNs = entryNs;
            this.toUaddr = toUaddr;
            this.toWakes = toWakes;
        }
    }

    final long seq;
    final int tid;
    /** When its last stretch began (a wake before it cannot have released it: the stretch before ended at a signal), its end, its first entry. */
    final long entryNs, exitNs, sinceNs;
    /** A private FUTEX_WAIT or FUTEX_WAIT_BITSET (FutexOps.isPrivatePlainWait); never a futex_waitv. */
    final boolean privatePlain;
    /** Its word's address in its own process (a shared object's word may be at another in the waker's). */
    final long uaddr;
    private int wakerTid;
    private long wakeNs = Long.MIN_VALUE;
    /** The requeues off its word that began while it was blocked (at most {@link #MAX_REQUEUES}). */
    private final List<Requeue> requeues = new ArrayList<>(0);
    /** The latest wake of a requeue's second word after that requeue, while it was blocked: what released it if it was moved. */
    private Requeue movedBy;
    private int movedWakerTid;
    private long movedWakeNs = Long.MIN_VALUE;

    MatchedWait(long seq, int tid, long entryNs, long exitNs, long sinceNs, boolean privatePlain, long uaddr) {
        this.seq = seq;
        this.tid = tid;
        this.entryNs = entryNs;
        this.exitNs = exitNs;
        this.sinceNs = sinceNs;
        this.privatePlain = privatePlain;
        this.uaddr = uaddr;
    }

    /**
     * A wake of its own word. The latest by another thread that began while this wait was blocked
     * released it. A wake finished at its entry (its count unknown) is taken only by a private plain
     * wait, the only kind it is known to release (decode.ExitNeeds#futex).
     */
    void offer(Wake wake) {
        long ns = wake.entryNs();
        if (wake.atEntry() && !privatePlain) return;
        if (wake.tid() != tid && ns >= entryNs && ns <= exitNs && ns > wakeNs) {
            wakerTid = wake.tid();
            wakeNs = ns;
        }
    }

    /** A requeue off its word: when it began while this wait was blocked it may have moved it, and the wakes of its second word are offered. */
    void requeuedBy(Requeue r) {
        if (r.tid == tid || r.entryNs < entryNs || r.entryNs > exitNs || requeues.contains(r) || requeues.size() >= MAX_REQUEUES) return;
        requeues.add(r);
        for (Wake wake : r.toWakes) offerMoved(r, wake);
    }

    /** A wake of requeue {@code r}'s second word: it released this wait if the requeue moved it there, as {@link #offer} says. */
    void offerMoved(Requeue r, Wake wake) {
        long ns = wake.entryNs();
        if (!requeues.contains(r) || wake.atEntry() && !privatePlain) return;
        if (wake.tid() != tid && ns >= r.entryNs && ns <= exitNs && ns > movedWakeNs) {
            movedBy = r;
            movedWakerTid = wake.tid();
            movedWakeNs = ns;
        }
    }

    /**
     * A requeue may have moved it, and a wake of its own word as well as one of the word it would
     * have been moved to could have released it: which one did, the trace cannot tell.
     */
    boolean unattributed() {
        return wakeNs != Long.MIN_VALUE && movedWakeNs != Long.MIN_VALUE;
    }

    /** A wake the trace can name released it. */
    boolean matched() {
        return wakeNs != Long.MIN_VALUE ^ movedWakeNs != Long.MIN_VALUE;
    }

    /** The release {@link #matched} names: on its own word, or on the word a requeue moved it to (no wake of its own could have). */
    FutexAnalysis.Release release() {
        if (movedWakeNs != Long.MIN_VALUE) {
            return new FutexAnalysis.Release(movedWakerTid, tid, movedBy.toUaddr, movedWakeNs, exitNs - sinceNs, seq,
                    new FutexAnalysis.Requeued(movedBy.tid, uaddr, movedBy.entryNs));
        }
        return new FutexAnalysis.Release(wakerTid, tid, uaddr, wakeNs, exitNs - sinceNs, seq, null);
    }
}
