package dev.jthreadtrace.model;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per address space, the ranges a traced munmap (or a moving or shrinking mremap) left unmapped and
 * that no traced mmap or mremap has mapped since: a munmap over them unmaps nothing there (the kernel
 * returns 0 all the same), so {@code munmap.bytes} counts only the rest of its range. Memory the trace
 * never saw mapped nor unmapped (the kernel's mappings at an exec, memory mapped before an attach) is
 * counted as the call asked: the trace cannot tell it from a hole. At most {@link #MAX_RANGES} ranges
 * are kept in all; past that a new one is not recorded (its bytes count again, as before this class).
 */
final class UnmappedRanges {
    static final int MAX_RANGES = 65_536;
    private static final long PAGE = 4096;

    /** Per space, unmapped ranges {@code [start, end)} by start, disjoint and not touching. */
    private final Map<Integer, TreeMap<Long, Long>> bySpace = new HashMap<>();
    private int total;

    /**
     * A munmap of {@code [address, address + length)} succeeded in {@code space}: the bytes of it that
     * were not already known unmapped; the range (whole pages, as the kernel unmaps) is from now on.
     */
    long unmapped(int space, long address, long length) {
        long end = end(address, length);
        TreeMap<Long, Long> ranges = bySpace.get(space);
        long already = ranges == null ? 0 : overlap(ranges, address, end);
        add(space, address & -PAGE, pageUp(end));
        return Math.max(0, end - address - already);
    }

    /** {@code [address, address + length)} of {@code space} was mapped (mmap, mremap's new range): no longer known unmapped. */
    void mapped(int space, long address, long length) {
        TreeMap<Long, Long> ranges = bySpace.get(space);
        if (ranges == null) return;
        long lo = address & -PAGE, hi = pageUp(end(address, length));
        var before = ranges.lowerEntry(lo);
        if (before != null && before.getValue() > lo) {
            ranges.put(before.getKey(), lo);
            if (before.getValue() > hi) put(ranges, hi, before.getValue());
        }
        long tail = hi;
        for (var it = ranges.subMap(lo, true, hi, false).entrySet().iterator(); it.hasNext(); ) {
            tail = Math.max(tail, it.next().getValue());
            it.remove();
            total--;
        }
        if (tail > hi) put(ranges, hi, tail);
    }

    /** A fork: the child's space begins as a copy of the parent's (when there is room for it). */
    void forked(int parentSpace, int childSpace) {
        forget(childSpace);
        TreeMap<Long, Long> ranges = bySpace.get(parentSpace);
        if (ranges == null || total + ranges.size() > MAX_RANGES) return;
        bySpace.put(childSpace, new TreeMap<>(ranges));
        total += ranges.size();
    }

    /** An exec: the space's memory is new, nothing of it known. */
    void forget(int space) {
        TreeMap<Long, Long> gone = bySpace.remove(space);
        if (gone != null) total -= gone.size();
    }

    /** Ranges kept in all (what the cap bounds). */
    int size() {
        return total;
    }

    private void add(int space, long lo, long hi) {
        if (hi <= lo) return;
        TreeMap<Long, Long> ranges = bySpace.computeIfAbsent(space, k -> new TreeMap<>());
        var before = ranges.floorEntry(lo);
        if (before != null && before.getValue() >= lo) {
            lo = before.getKey();
            hi = Math.max(hi, before.getValue());
        }
        for (var it = ranges.subMap(lo, true, hi, true).entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            hi = Math.max(hi, e.getValue());
            it.remove();
            total--;
        }
        if (total >= MAX_RANGES) return; // past the cap: merged ranges gone, this one not kept (counted again, as the call asked)
        put(ranges, lo, hi);
    }

    private void put(TreeMap<Long, Long> ranges, long lo, long hi) {
        ranges.put(lo, hi);
        total++;
    }

    /** How many bytes of {@code [lo, hi)} the ranges hold. */
    private static long overlap(TreeMap<Long, Long> ranges, long lo, long hi) {
        long sum = 0;
        var first = ranges.lowerEntry(lo);
        if (first != null && first.getValue() > lo) sum += Math.min(first.getValue(), hi) - lo;
        for (var e : ranges.subMap(lo, true, hi, false).entrySet()) sum += Math.min(e.getValue(), hi) - e.getKey();
        return sum;
    }

    /** One past the range's last byte; a range past the end of the address space (a saved trace may say so) ends there. */
    private static long end(long address, long length) {
        return length < 0 || address + length < address ? Long.MAX_VALUE : address + length;
    }

    private static long pageUp(long end) {
        return end > Long.MAX_VALUE - PAGE ? Long.MAX_VALUE : (end + PAGE - 1) & -PAGE;
    }
}
