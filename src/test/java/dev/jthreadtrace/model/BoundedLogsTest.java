package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The futex and mmap logs keep aggregates: what they hold stops growing however many calls come. */
class BoundedLogsTest {
    private static final int PID = 100, OTHER = 101;

    private static TraceModel started() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        model.accept(new TraceEvent.Spawned(10, PID, OTHER, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        return model;
    }

    private static TraceEvent.Syscall futex(long ns, int tid, long uaddr, long op, long ret) {
        return new TraceEvent.Syscall(ns, ns + 50, tid, SyscallTable.FUTEX, new long[] {uaddr, op, 0, 0, 0, 0}, ret, false, true,
                Captures.NONE);
    }

    @Test
    void aMillionFutexCallsOnManyWordsKeepBoundedAggregatesAndExactCounters() {
        TraceModel model = started();
        int calls = 1_000_000;
        for (int i = 0; i < calls; i++) {
            long uaddr = 0x1000 + 8L * (i % 10_000);
            boolean wait = i % 2 == 0;
            model.accept(futex(100L * i + 100, wait ? PID : OTHER, uaddr, wait ? 128 : 129, wait ? 0 : 1));
        }
        FutexLog log = model.futex();
        assertEquals(calls / 2, log.of(model.thread(PID)).waits(), "per-thread figures stay exact");
        assertEquals(calls / 2, log.of(model.thread(OTHER)).wakes());
        FutexAnalysis analysis = model.futexAnalysis();
        assertEquals(FutexLog.MAX_WORDS, analysis.addresses().size(), "per-word totals for the first words only");
        assertEquals(calls - (long) FutexLog.MAX_WORDS * 100, log.untrackedCalls(), "and the rest counted as untracked");
        assertTrue(analysis.releases().size() <= FutexLog.MAX_RELEASES, "only the longest releases are kept");
        assertTrue(analysis.addresses().stream().allMatch(a -> a.waiters().size() <= FutexLog.MAX_MEMBERS));
    }

    @Test
    void mappingsAreKeptOnlyAsTheLargestAndWhileTheyMayHoldAStack() {
        TraceModel model = started();
        for (int i = 0; i < 200_000; i++) {
            long address = 0x7f0000000000L + 4096L * (i % 1000);
            model.accept(new TraceEvent.Syscall(100L * i + 100, 100L * i + 150, PID, SyscallTable.MMAP,
                    new long[] {0, 4096 + i, 3, 0x22, -1, 0}, address, false, true, Captures.NONE));
            model.accept(new TraceEvent.Syscall(100L * i + 160, 100L * i + 170, PID, SyscallTable.MUNMAP,
                    new long[] {address, 4096 + i, 0, 0, 0, 0}, 0, false, true, Captures.NONE));
        }
        MmapAnalysis analysis = MmapAnalysis.of(model, 5);
        assertEquals(5, analysis.largest().size());
        assertEquals(4096 + 199_999, analysis.largest().getFirst().length(), "the largest is the largest ever mapped");
        assertEquals(200_000, model.mmap().of(model.thread(PID)).mmapCalls());
    }
}
