package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.MemoryFlags;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The mapping side of the trace as aggregates, made while the trace runs: each thread's figures,
 * the {@link #LARGEST} largest mappings, and each new thread's stack matched to the mapping that
 * holds it when it is created. Only mappings that may still hold a future thread's stack are kept
 * (those not unmapped, at most {@link #MAX_INDEXED} addresses per process and {@link #MAX_AT_ADDRESS}
 * mappings at one address), so memory does not grow with the length of the trace.
 */
public final class MmapLog {
    /** The syscalls that feed it: recorded whenever a report section or an assertion needs the log. */
    public static final List<String> SYSCALLS = List.of("mmap", "munmap", "mremap");
    static final int LARGEST = 16, MAX_INDEXED = 65_536;
    /**
     * Mappings kept at one address. A JVM maps its guard pages over the low end of each new thread's
     * stack, twice per thread (MAP_FIXED, the same range each time), and glibc hands the next thread
     * the same cached stack: without a cap one address gathered two mappings per thread the JVM ever
     * started, and the stack lookup at every clone walked them all (a thread churn's model time grew
     * with the square of its threads). Past the cap the oldest mapping that a later one at the same
     * address covers goes first: a stack lookup prefers that later one anyway, unless the thread
     * started before it, 64 remappings of that range ago.
     */
    static final int MAX_AT_ADDRESS = 64;
    /** mremap's flag: the old range stays mapped (emptied) after the move. */
    private static final long MREMAP_DONTUNMAP = 4;

    /**
     * {@code thread} runs on {@code mapping}, which {@code mapping.tid()} mapped; {@code thread} is its
     * tid when it was created, at {@code born} (a later exec from it may give it its leader's).
     */
    public record StackLink(int thread, long born, long stackLow, long stackSize, Mapping mapping) {}

    private record Ranked(Mapping mapping, long order) {}

    private final Map<ThreadInfo, MmapCounters> byThread = new IdentityHashMap<>();
    private final PriorityQueue<Ranked> largest = new PriorityQueue<>(
            Comparator.comparingLong((Ranked r) -> r.mapping().length()).thenComparing(r -> -r.order()));
    private long order;
    /** Per process, the live mappings by start address: a stack is found by a floor lookup. */
    private final Map<Integer, TreeMap<Long, List<Mapping>>> byAddress = new HashMap<>();
    private final Map<ThreadInfo, StackLink> stacks = new IdentityHashMap<>();
    private final AddressChanges changes = new AddressChanges();
    private final UnmappedRanges unmapped = new UnmappedRanges();

    /**
     * A mmap of {@code t}, whose process runs in address space {@code space} ({@link AddressSpaces}:
     * a CLONE_VM child's is its creator's).
     */
    void mmap(ThreadInfo t, TraceEvent.Syscall s, long ns, int space) {
        if (!succeeded(s)) return;
        long[] a = s.args();
        counters(t).mapped(a[1]);
        unmapped.mapped(space, s.ret(), a[1]);
        changes.mmap(t.tgid(), a, s.ret(), ns);
        add(new Mapping(t.tid(), t.tgid(), ns, s.ret(), a[1], MemoryFlags.prot(a[2]), MemoryFlags.mapFlags(a[3]),
                s.captures().string(4)));
    }

    /** A munmap: it counts the bytes of its range not already unmapped ({@link UnmappedRanges}: a second munmap of a range unmaps nothing). */
    void munmap(ThreadInfo t, TraceEvent.Syscall s, long ns, int space) {
        if (!succeeded(s)) return;
        long[] a = s.args();
        counters(t).unmapped(unmapped.unmapped(space, a[0], a[1]));
        changes.munmap(t.tgid(), a, ns);
        // Mappings wholly inside the unmapped range can hold no future stack.
        TreeMap<Long, List<Mapping>> index = byAddress.get(t.tgid());
        if (index == null) return;
        // Unsigned: a range past the end of the address space (a saved trace may say so) ends there.
        long end = a[1] < 0 || a[0] + a[1] < a[0] ? Long.MAX_VALUE : a[0] + a[1];
        if (end <= a[0]) return;
        var range = index.subMap(a[0], true, end, false);
        for (Iterator<List<Mapping>> it = range.values().iterator(); it.hasNext(); ) {
            List<Mapping> at = it.next();
            at.removeIf(m -> m.address() + m.length() <= end);
            if (at.isEmpty()) it.remove();
        }
    }

    /**
     * A mremap: the old range's pages it left are unmapped (all of them when it moved the mapping and kept
     * no copy, MREMAP_DONTUNMAP; the tail it cut when it shrank in place), the new range mapped.
     */
    void mremap(ThreadInfo t, TraceEvent.Syscall s, long ns, int space) {
        if (!succeeded(s)) return;
        long[] a = s.args();
        counters(t).mapped(Math.max(0, a[2] - a[1]));
        if (s.ret() != a[0] && (a[3] & MREMAP_DONTUNMAP) == 0) unmapped.unmapped(space, a[0], a[1]);
        else if (s.ret() == a[0] && a[2] < a[1]) unmapped.unmapped(space, a[0] + a[2], a[1] - a[2]);
        unmapped.mapped(space, s.ret(), a[2]);
        changes.mremap(t.tgid(), a, s.ret(), ns);
        add(new Mapping(t.tid(), t.tgid(), ns, s.ret(), a[2], "", "mremap", null));
    }

    private void add(Mapping m) {
        largest.add(new Ranked(m, ++order));
        if (largest.size() > LARGEST) largest.poll();
        TreeMap<Long, List<Mapping>> index = byAddress.computeIfAbsent(m.tgid(), k -> new TreeMap<>());
        List<Mapping> at = index.computeIfAbsent(m.address(), k -> new ArrayList<>(1));
        at.add(m);
        if (at.size() > MAX_AT_ADDRESS) at.remove(oldestCovered(at));
        if (index.size() > MAX_INDEXED) index.pollFirstEntry();
    }

    /** The index of the oldest of {@code at} (mappings at one address, oldest first) that a later one covers; else the oldest. */
    private static int oldestCovered(List<Mapping> at) {
        long longestLater = -1;
        int covered = 0;
        for (int i = at.size() - 1; i >= 0; i--) {
            Mapping m = at.get(i);
            if (longestLater >= m.length()) covered = i;
            if (m.address() + m.length() >= m.address()) longestLater = Math.max(longestLater, m.length());
        }
        return covered;
    }

    /**
     * A thread was created on a stack its creator gave it: find the mapping that holds it, among
     * those made before the thread started. clone3 passes the lowest address; clone the top (one
     * past the last byte). A JVM maps guard pages with MAP_FIXED inside a thread's stack: the
     * mapping that holds the whole stack is preferred, then the latest.
     */
    void threadStack(ThreadInfo t) {
        if (t.stackLow() == 0) return;
        long probe = t.stackSize() > 0 ? t.stackLow() : t.stackLow() - 1;
        TreeMap<Long, List<Mapping>> index = byAddress.get(t.tgid());
        Mapping found = null;
        int looked = 0;
        for (var e = index == null ? null : index.floorEntry(probe); e != null && looked++ < 16; e = index.lowerEntry(e.getKey())) {
            for (Mapping m : e.getValue()) {
                if (m.ns() > t.start() || !m.contains(probe)) continue;
                boolean whole = t.stackSize() > 0 && m.contains(t.stackLow() + t.stackSize() - 1);
                boolean foundWhole = found != null && t.stackSize() > 0 && found.contains(t.stackLow() + t.stackSize() - 1);
                if (found == null || (whole && !foundWhole) || (whole == foundWhole && m.ns() > found.ns())) found = m;
            }
        }
        if (found != null) stacks.put(t, new StackLink(t.tid(), t.start(), t.stackLow(), t.stackSize(), found));
        else stacks.remove(t);
    }

    /** How many mappings are kept at {@code address} of {@code tgid} (what the cap bounds). */
    int keptAt(int tgid, long address) {
        TreeMap<Long, List<Mapping>> index = byAddress.get(tgid);
        List<Mapping> at = index == null ? null : index.get(address);
        return at == null ? 0 : at.size();
    }

    /** The latest unmapping or replacing of {@code tgid}'s memory at {@code address}'s page in {@code [fromNs, toNs]}, or null. */
    AddressChanges.Change changed(int tgid, long address, long fromNs, long toNs) {
        return changes.touching(tgid, address, fromNs, toNs);
    }

    private static boolean succeeded(TraceEvent.Syscall s) {
        return s.returned() && !s.error();
    }

    private MmapCounters counters(ThreadInfo t) {
        return byThread.computeIfAbsent(t, k -> new MmapCounters());
    }

    /** A fork: the child's space begins as the parent's, with the ranges known unmapped there. */
    void forked(int parentSpace, int childSpace) {
        unmapped.forked(parentSpace, childSpace);
    }

    /** An exec: the space's memory is new. */
    void execd(int space) {
        unmapped.forget(space);
    }

    /** An ended task folded: its figures (summed into its fold) and its stack link go. */
    void forget(ThreadInfo t) {
        byThread.remove(t);
        stacks.remove(t);
    }

    /** A thread's figures (all zero for a thread that mapped nothing). */
    public MmapCounters of(ThreadInfo t) {
        return byThread.getOrDefault(t, MmapCounters.NONE);
    }

    /** The largest mappings, largest first (among equals, the earlier first). */
    public List<Mapping> largest(int count) {
        List<Ranked> ranked = new ArrayList<>(largest);
        ranked.sort(Comparator.comparingLong((Ranked r) -> r.mapping().length()).reversed().thenComparingLong(Ranked::order));
        return ranked.stream().limit(count).map(Ranked::mapping).toList();
    }

    /** Each thread's stack link, in the order of {@code threads}. */
    public List<StackLink> stacks(List<ThreadInfo> threads) {
        List<StackLink> out = new ArrayList<>();
        for (ThreadInfo t : threads) {
            StackLink link = stacks.get(t);
            if (link != null) out.add(link);
        }
        return out;
    }
}
