package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The futex and mmap logs, and a task's names and setting changes, keep aggregates: what they hold stops growing however many calls come. */
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

    private static TraceEvent.Syscall rename(long ns, int tid, String name) {
        Captures c = new Captures();
        c.put(1, name);
        return new TraceEvent.Syscall(ns, ns + 10, tid, SyscallTable.PRCTL, new long[] {15, 0x1000, 0, 0, 0, 0}, 0, false, true, c);
    }

    @Test
    void aThreadRenamedAMillionTimesKeepsItsFirstAndLatestNamesAndCountsTheRest() {
        TraceModel model = started();
        int renames = 1_000_000;
        for (int i = 0; i < renames; i++) {
            model.accept(rename(100L + 100L * i, PID, "n" + i));
            if (i == 500_000) {
                model.accept(new TraceEvent.Spawned(100L + 100L * i + 50, PID, 102, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
            }
        }
        ThreadInfo t = model.thread(PID);
        List<String> names = t.nameHistory();
        assertEquals(1 + 2 * ThreadInfo.NAMES_KEPT, names.size(), "the start name, the first and the latest renames");
        assertEquals("x", names.getFirst());
        assertEquals("n0", names.get(1));
        assertEquals("n" + (renames - 1), names.getLast());
        assertEquals("n" + (renames - 1), t.name());
        assertEquals(renames - 2L * ThreadInfo.NAMES_KEPT, t.namesDropped());
        ThreadInfo child = model.thread(102);
        assertEquals("n500000", child.inherited().name(), "a child starts with its creator's name then");
        assertEquals("n500000", child.creatorNameAtBirth(), "and knows it, whatever its creator kept");
        assertEquals("x", model.thread(OTHER).creatorNameAtBirth(), "a child made before the renames: the start name");
        assertNull(t.creatorNameAtBirth(), "the command has no creator");

        assertEquals(renames, model.hookChangeCount(), "every change counted");
        assertEquals(renames, Metric.HOOKS_CHANGES.total(model), "hooks.changes is the count, not what is kept");
        assertEquals(2L * SettingsTracker.CHANGES_KEPT, model.hookChanges(PID).size(), "the first and latest changes kept");
        assertEquals(renames - 2L * SettingsTracker.CHANGES_KEPT, model.hookChangesDropped());
        assertEquals("n" + (renames - 1), model.hookChanges(PID).getLast().to());
        assertEquals("x", model.hookChanges().getFirst().from(), "all changes in order: the first one first");
    }
}
