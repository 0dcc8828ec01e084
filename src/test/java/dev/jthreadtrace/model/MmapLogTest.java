package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MmapLogTest {
    private static final int PID = 100;
    private static final long STACK = 0x7f00_0000_0000L, STACK_SIZE = 1 << 20, GUARD = 16 << 10;
    private static final long MAP_FIXED_ANON = 0x32, PROT_RW = 3;

    private final MmapLog log = new MmapLog();
    private final ThreadInfo main = new ThreadInfo(PID, PID, 0, Hooks.initial("main"));

    private void mmap(ThreadInfo by, long ns, long address, long length) {
        log.mmap(by, new TraceEvent.Syscall(ns, ns, by.tid(), SyscallTable.MMAP,
                new long[] {address, length, PROT_RW, MAP_FIXED_ANON, -1, 0}, address, false, true, Captures.NONE), ns, PID);
    }

    private MmapLog.StackLink stackOf(ThreadInfo t, long low, long size) {
        t.stack(low, size);
        log.threadStack(t);
        return log.stacks(List.of(t)).getFirst();
    }

    /**
     * A JVM's thread churn: glibc hands each new thread the same cached stack and the thread maps
     * its guard pages over the stack's low end twice (at its start and at its exit). The mappings
     * kept at that address stay bounded, and every thread is still matched to the mapping that
     * holds its whole stack; a thread whose stack only a guard mapping holds gets the latest one.
     */
    @Test
    void guardPagesMappedOverOneCachedStackStayBoundedAndEveryThreadFindsTheWholeStack() {
        mmap(main, 1, STACK, STACK_SIZE);
        long ns = 10;
        for (int i = 0; i < 1_000; i++) {
            ThreadInfo t = new ThreadInfo(PID + 1 + i, PID, ns++, Hooks.initial("churn-" + i));
            MmapLog.StackLink link = stackOf(t, STACK, STACK_SIZE);
            assertEquals(1, link.mapping().ns(), "thread " + i + ": the mapping of its whole stack");
            mmap(t, ns++, STACK, GUARD);
            mmap(t, ns++, STACK, GUARD);
        }
        assertTrue(log.keptAt(PID, STACK) <= MmapLog.MAX_AT_ADDRESS, "kept at one address: " + log.keptAt(PID, STACK));
        ThreadInfo small = new ThreadInfo(9_999, PID, ns, Hooks.initial("small"));
        assertEquals(ns - 1, stackOf(small, STACK, GUARD / 2).mapping().ns(), "only guards hold it: the latest");
        ThreadInfo whole = new ThreadInfo(10_000, PID, ns, Hooks.initial("whole"));
        assertEquals(1, stackOf(whole, STACK, STACK_SIZE).mapping().ns());
    }

    /** Past the cap, a mapping no later one covers is kept while a covered one can go. */
    @Test
    void theCapDropsACoveredMappingFirst() {
        mmap(main, 1, STACK, STACK_SIZE);
        for (int i = 0; i < 2 * MmapLog.MAX_AT_ADDRESS; i++) mmap(main, 2 + i, STACK, GUARD);
        assertEquals(MmapLog.MAX_AT_ADDRESS, log.keptAt(PID, STACK));
        ThreadInfo t = new ThreadInfo(PID + 1, PID, 1_000, Hooks.initial("t"));
        assertEquals(1, stackOf(t, STACK, STACK_SIZE).mapping().ns(), "the whole stack's mapping, made first, is still there");
    }
}
