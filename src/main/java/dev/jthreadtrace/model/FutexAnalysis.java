package dev.jthreadtrace.model;

import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Who waited on whom, as the {@link FutexLog} made it while the trace ran: per-word totals, which
 * wake released which waiter (the longest waits), and joins — a wait on a thread's
 * CLONE_CHILD_CLEARTID address is a wait for that thread's exit, which the kernel signals by
 * zeroing the address and waking it.
 */
public final class FutexAnalysis {
    /**
     * Totals for one futex word; {@code waiters} and {@code wakers} are the first few threads seen
     * (at most {@link FutexLog#MAX_MEMBERS}).
     */
    public record AddressStats(int tgid, long uaddr, long waits, long wakes, long blockedNs, long timeouts, long eagain,
                               long requeued, Set<Integer> waiters, Set<Integer> wakers) {}

    /**
     * {@code waker}'s wake (at {@code ns}) of the word {@code uaddr} released {@code waiter}, which had
     * waited {@code waitedNs}; {@code order} is the wait's place among the trace's waits. {@code requeued}:
     * the waiter waited on another word and a requeue moved it to {@code uaddr} (null when it did not).
     */
    public record Release(int waker, int waiter, long uaddr, long ns, long waitedNs, long order, Requeued requeued) {}

    /** {@code by}'s requeue (at {@code ns}) moved the wait off the word {@code from} it was made on. */
    public record Requeued(int by, long from, long ns) {}

    /** {@code joiner} waited for {@code joined} to exit (pthread_join, Thread.join on the JVM's native side). */
    public record Join(int joiner, int joined, long ns, long waitedNs) {}

    private final List<AddressStats> addresses;
    private final List<Release> releases;
    private final long releasesMatched, releasesUnattributed;
    private final List<Join> joins;
    private final List<Join> joinMarks;

    FutexAnalysis(List<AddressStats> addresses, List<Release> releases, long releasesMatched, long releasesUnattributed,
                  List<Join> joins, List<Join> joinMarks) {
        this.addresses = addresses;
        this.releases = releases;
        this.releasesMatched = releasesMatched;
        this.releasesUnattributed = releasesUnattributed;
        this.joins = joins;
        this.joinMarks = joinMarks;
    }

    /** Per word, the word where threads were blocked longest first. */
    public List<AddressStats> addresses() {
        return addresses;
    }

    /** The releases of the longest waits (at most {@link FutexLog#MAX_RELEASES}), in the order of the waits. */
    public List<Release> releases() {
        return releases;
    }

    /** How many waits a wake was matched to in all: {@link #releases} keeps the longest of them. */
    public long releasesMatched() {
        return releasesMatched;
    }

    /**
     * How many waits were released by a wake the trace cannot name: a requeue may have moved the
     * waiter to another word, and a wake there as well as one of its own word could have released it.
     */
    public long releasesUnattributed() {
        return releasesUnattributed;
    }

    /** The joins of kept threads, in the order seen (a folded thread's join is counted by its fold, not listed). */
    public List<Join> joins() {
        return joins;
    }

    /**
     * The joins that leave a "J" on a kept joiner's lane (text timeline, HTML, Perfetto): {@link #joins}
     * and the joins of folded threads by a joiner still kept (at most {@code Joins.MAX_MARKS_PER_JOINER}
     * each), in the order seen. A join is the joiner's act as much as the joined thread's end.
     */
    public List<Join> joinMarks() {
        return joinMarks;
    }

    /** Index of the last element whose key is at most {@code bound} in a list sorted by that key; -1 if none. */
    static <T> int lastAtOrBefore(List<T> sorted, long bound, ToLongFunction<T> key) {
        int lo = 0, hi = sorted.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (key.applyAsLong(sorted.get(mid)) <= bound) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
