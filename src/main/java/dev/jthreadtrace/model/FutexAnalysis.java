package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.function.ToLongFunction;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who waited on whom: per-address totals, which wake released which waiter, and joins — a wait
 * on a thread's CLONE_CHILD_CLEARTID address is a wait for that thread's exit, which the kernel
 * signals by zeroing the address and waking it.
 */
public final class FutexAnalysis {
    /** Totals for one futex word. */
    public record AddressStats(int tgid, long uaddr, long waits, long wakes, long blockedNs, long timeouts, long eagain,
                               Set<Integer> waiters, Set<Integer> wakers) {}

    /** {@code waker}'s wake (at {@code ns}) released {@code waiter}, which had waited {@code waitedNs}. */
    public record Release(int waker, int waiter, long uaddr, long ns, long waitedNs) {}

    /** {@code joiner} waited for {@code joined} to exit (pthread_join, Thread.join on the JVM's native side). */
    public record Join(int joiner, int joined, long ns, long waitedNs) {}

    private final List<AddressStats> addresses;
    private final List<Release> releases;
    private final List<Join> joins;

    private FutexAnalysis(List<AddressStats> addresses, List<Release> releases, List<Join> joins) {
        this.addresses = addresses;
        this.releases = releases;
        this.joins = joins;
    }

    public List<AddressStats> addresses() {
        return addresses;
    }

    public List<Release> releases() {
        return releases;
    }

    public List<Join> joins() {
        return joins;
    }

    private record Key(int tgid, long uaddr) {}

    private static final class Acc {
        long waits, wakes, blocked, timeouts, eagain;
        final Set<Integer> waiters = new LinkedHashSet<>(), wakers = new LinkedHashSet<>();
        final List<FutexCall> wakeCalls = new ArrayList<>();
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

    static FutexAnalysis of(List<FutexCall> calls, List<ThreadInfo> threads) {
        Map<Key, Acc> byAddress = new LinkedHashMap<>();
        for (FutexCall c : calls) {
            Acc acc = byAddress.computeIfAbsent(new Key(c.tgid(), c.uaddr()), k -> new Acc());
            if (c.isWait()) {
                acc.waits++;
                acc.blocked += c.exitNs() - c.entryNs();
                acc.waiters.add(c.tid());
                if (c.timedOut()) acc.timeouts++;
                if (c.wouldBlock()) acc.eagain++;
            }
            if (c.isWake()) {
                acc.wakes++;
                acc.wakers.add(c.tid());
                if (!c.error() && c.ret() > 0) acc.wakeCalls.add(c);
            }
        }
        List<AddressStats> stats = new ArrayList<>();
        byAddress.forEach((k, a) -> stats.add(new AddressStats(k.tgid(), k.uaddr(), a.waits, a.wakes, a.blocked,
                a.timeouts, a.eagain, a.waiters, a.wakers)));
        stats.sort(Comparator.comparingLong(AddressStats::blockedNs).reversed());

        // Releases: a wait that returned 0 was ended by the latest wake on the same word (by another
        // thread) that began after the wait began and before it returned. Wakes are sorted by entry
        // time so each lookup is a binary search, not a scan: a hot lock has millions of both.
        List<Release> releases = new ArrayList<>();
        for (Acc acc : byAddress.values()) acc.wakeCalls.sort(Comparator.comparingLong(FutexCall::entryNs));
        for (FutexCall c : calls) {
            if (!c.isWait() || c.error()) continue;
            List<FutexCall> wakes = byAddress.get(new Key(c.tgid(), c.uaddr())).wakeCalls;
            for (int i = lastAtOrBefore(wakes, c.exitNs(), FutexCall::entryNs); i >= 0; i--) {
                FutexCall w = wakes.get(i);
                if (w.entryNs() < c.entryNs()) break;
                if (w.tid() != c.tid()) {
                    releases.add(new Release(w.tid(), c.tid(), c.uaddr(), w.entryNs(), c.exitNs() - c.entryNs()));
                    break;
                }
            }
        }

        // Joins: waits on the clear-tid word of a thread of the same process. glibc reuses a thread's
        // descriptor (and so the word) for later threads, so the joined thread is the latest one with
        // that word that had started when the wait began.
        Map<Key, List<ThreadInfo>> clearTid = new HashMap<>();
        for (ThreadInfo t : threads) {
            if (t.clearTidAddress() != 0) clearTid.computeIfAbsent(new Key(t.tgid(), t.clearTidAddress()), k -> new ArrayList<>()).add(t);
        }
        for (List<ThreadInfo> list : clearTid.values()) list.sort(Comparator.comparingLong(ThreadInfo::start));
        List<Join> joins = new ArrayList<>();
        Set<ThreadInfo> joinedOnce = Collections.newSetFromMap(new IdentityHashMap<>());
        for (FutexCall c : calls) {
            if (!c.isWait()) continue;
            List<ThreadInfo> candidates = clearTid.get(new Key(c.tgid(), c.uaddr()));
            if (candidates == null) continue;
            for (int i = lastAtOrBefore(candidates, c.entryNs(), ThreadInfo::start); i >= 0; i--) {
                ThreadInfo joined = candidates.get(i);
                if (joined.tid() == c.tid()) continue;
                if (joinedOnce.add(joined)) joins.add(new Join(c.tid(), joined.tid(), c.exitNs(), c.exitNs() - c.entryNs()));
                break;
            }
        }
        return new FutexAnalysis(stats, releases, joins);
    }
}
