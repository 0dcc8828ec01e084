package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * munmap.bytes counts what a munmap unmapped: not a range a traced munmap already unmapped (the hostile
 * tester's mm.c: the second munmap of the same MiB returned 0 and counted it again), nor the holes such
 * unmaps left in a later, wider range; a range mapped again counts again.
 */
class UnmappedRangesTest {
    private static final int SPACE = 7;
    private static final long MIB = 1 << 20, BASE = 0x7f0000000000L;

    @Test
    void aSecondMunmapOfTheSameRangeUnmapsNothing() {
        UnmappedRanges r = new UnmappedRanges();
        assertEquals(MIB, r.unmapped(SPACE, BASE, MIB));
        assertEquals(0, r.unmapped(SPACE, BASE, MIB));
        assertEquals(MIB, r.unmapped(SPACE + 1, BASE, MIB), "another address space's memory");
    }

    @Test
    void aWideMunmapCountsAroundTheHolesEarlierOnesLeft() {
        UnmappedRanges r = new UnmappedRanges();
        r.unmapped(SPACE, BASE + MIB, MIB);
        r.unmapped(SPACE, BASE + 3 * MIB, MIB);
        assertEquals(2, r.size());
        assertEquals(3 * MIB, r.unmapped(SPACE, BASE, 5 * MIB), "5 MiB less the two holes");
        assertEquals(1, r.size(), "one range now");
        assertEquals(0, r.unmapped(SPACE, BASE + 100, 4096), "inside it, not page aligned");
    }

    @Test
    void memoryMappedAgainCountsAgain() {
        UnmappedRanges r = new UnmappedRanges();
        r.unmapped(SPACE, BASE, 4 * MIB);
        r.mapped(SPACE, BASE + MIB, MIB);
        assertEquals(2, r.size(), "split around the new mapping");
        assertEquals(MIB, r.unmapped(SPACE, BASE, 4 * MIB));
        r.mapped(SPACE, BASE, 4 * MIB);
        assertEquals(0, r.size());
        assertEquals(4 * MIB, r.unmapped(SPACE, BASE, 4 * MIB));
    }

    @Test
    void aForkCopiesAndAnExecForgets() {
        UnmappedRanges r = new UnmappedRanges();
        r.unmapped(SPACE, BASE, MIB);
        r.forked(SPACE, SPACE + 1);
        assertEquals(0, r.unmapped(SPACE + 1, BASE, MIB), "the child's copy of the parent's memory has the hole too");
        r.forget(SPACE);
        assertEquals(MIB, r.unmapped(SPACE, BASE, MIB), "a new image: nothing known of it");
    }

    @Test
    void theRangesAreCapped() {
        UnmappedRanges r = new UnmappedRanges();
        for (long i = 0; i < UnmappedRanges.MAX_RANGES + 10; i++) r.unmapped(SPACE, BASE + 2 * 4096 * i, 4096);
        assertEquals(UnmappedRanges.MAX_RANGES, r.size());
        assertEquals(4096, r.unmapped(SPACE, BASE + 2 * 4096L * (UnmappedRanges.MAX_RANGES + 5), 4096), "past the cap: counted as asked");
        assertEquals(0, r.unmapped(SPACE, BASE, 4096), "merging into a kept range still fits");
    }

    @Test
    void aLengthPastTheAddressSpaceIsNoNegativeNumber() {
        UnmappedRanges r = new UnmappedRanges();
        assertTrue(r.unmapped(SPACE, BASE, -4096) > 0);
        assertEquals(0, r.unmapped(SPACE, BASE + MIB, MIB));
    }

    /** Through the model: mm.c's unmapper, a MAP_FIXED over a hole, and a mremap that moved a mapping off its old range. */
    @Test
    void theModelCountsWhatEachMunmapUnmapped() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/x", List.of("x")));
        model.accept(call(1, SyscallTable.MMAP, new long[] {0, 4 * MIB, 3, 0x22, -1, 0}, BASE));
        model.accept(call(2, SyscallTable.MUNMAP, new long[] {BASE, MIB, 0, 0, 0, 0}, 0));
        model.accept(call(3, SyscallTable.MUNMAP, new long[] {BASE, MIB, 0, 0, 0, 0}, 0));
        model.accept(call(4, SyscallTable.MMAP, new long[] {BASE, 4096, 3, 0x32, -1, 0}, BASE)); // MAP_FIXED into the hole
        model.accept(call(5, SyscallTable.MREMAP, new long[] {BASE + MIB, MIB, 8 * MIB, 1, 0, 0}, BASE + 64 * MIB));
        model.accept(call(6, SyscallTable.MUNMAP, new long[] {BASE, 4 * MIB, 0, 0, 0, 0}, 0));
        // 1 MiB, then 0, then the wide one: the fixed page and the 2 MiB the mremap left in place (its first MiB moved away)
        assertEquals(MIB + 4096 + 2 * MIB, model.mmap().of(model.thread(100)).munmapBytes());
        assertEquals(3, model.mmap().of(model.thread(100)).munmapCalls());
    }

    private static TraceEvent.Syscall call(long ns, int nr, long[] args, long ret) {
        return new TraceEvent.Syscall(ns, ns, 100, nr, args, ret, false, true, Captures.NONE);
    }
}
