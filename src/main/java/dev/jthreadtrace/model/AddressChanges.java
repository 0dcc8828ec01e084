package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.MemoryFlags;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each process's memory was unmapped or replaced (munmap, mmap with MAP_FIXED, mremap's old
 * and new ranges), and when: a lock's word read at the end of the trace is the memory at that
 * address then, which after such a change may be another object (a fresh page whose bytes look
 * like a mutex owned by anyone). Only what the trace records is known: under a set without these
 * calls ({@code -e futex}) no change is seen. The latest {@link #MAX} changes per process are kept.
 */
final class AddressChanges {
    static final int MAX = 4096;
    private static final long PAGE = 4096;

    /** One change: {@code [low, high)} at {@code ns} (relative). */
    record Change(long ns, long low, long high, String call) {}

    private final Map<Integer, Deque<Change>> byProcess = new HashMap<>();

    void munmap(int tgid, long[] a, long ns) {
        add(tgid, ns, a[0], a[1], "munmap");
    }

    void mmap(int tgid, long[] a, long ret, long ns) {
        // MAP_FIXED replaces what was mapped there; MAP_FIXED_NOREPLACE fails instead.
        if ((a[3] & MemoryFlags.MAP_FIXED) != 0) add(tgid, ns, ret, a[1], "mmap MAP_FIXED");
    }

    void mremap(int tgid, long[] a, long ret, long ns) {
        add(tgid, ns, a[0], a[1], "mremap");
        if (ret != a[0]) add(tgid, ns, ret, a[2], "mremap");
    }

    private void add(int tgid, long ns, long address, long length, String call) {
        long high = length < 0 || address + length < address ? Long.MAX_VALUE : address + length;
        Deque<Change> changes = byProcess.computeIfAbsent(tgid, k -> new ArrayDeque<>());
        changes.addLast(new Change(ns, address, high, call));
        if (changes.size() > MAX) changes.removeFirst();
    }

    /** The latest change of {@code tgid}'s memory touching the page of {@code address} made in {@code [fromNs, toNs]}, or null. */
    Change touching(int tgid, long address, long fromNs, long toNs) {
        Deque<Change> changes = byProcess.get(tgid);
        if (changes == null) return null;
        long page = address & -PAGE;
        for (var it = changes.descendingIterator(); it.hasNext(); ) {
            Change c = it.next();
            // Kept in the order the calls returned, not begun: every one is looked at.
            if (c.ns() >= fromNs && c.ns() <= toNs && Long.compareUnsigned(c.low(), page + PAGE) < 0 && Long.compareUnsigned(page, c.high()) < 0) return c;
        }
        return null;
    }
}
