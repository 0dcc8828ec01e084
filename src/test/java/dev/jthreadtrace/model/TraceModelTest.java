package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;

import java.util.List;

import static dev.jthreadtrace.model.RecordedTrace.INNER1;
import static dev.jthreadtrace.model.RecordedTrace.INNER2;
import static dev.jthreadtrace.model.RecordedTrace.MAIN;
import static dev.jthreadtrace.model.RecordedTrace.SIBLING;
import static dev.jthreadtrace.model.RecordedTrace.TRACER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceModelTest {
    private final TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());

    @Test
    void creatorsAndKernelParents() {
        assertNull(model.thread(MAIN).creator());
        assertEquals(TRACER, model.thread(MAIN).osParent());
        assertEquals(MAIN, model.thread(INNER1).creator());
        assertEquals(INNER1, model.thread(INNER2).creator());
        assertEquals(MAIN, model.thread(SIBLING).creator());
        for (int tid : new int[] {INNER1, INNER2, SIBLING}) {
            assertEquals(TRACER, model.thread(tid).osParent(), "CLONE_THREAD: the process's parent");
            assertTrue(model.thread(tid).reparented());
        }
        assertFalse(model.thread(MAIN).reparented());
        assertEquals(2, model.thread(INNER2).depth());
    }

    @Test
    void inheritedSettingsIgnoreGlibcsTransientBlockAroundClone() {
        ThreadInfo inner2 = model.thread(INNER2), sibling = model.thread(SIBLING);
        assertEquals("0", inner2.inherited().affinity());
        assertEquals("[USR1]", inner2.inherited().value(Hook.SIGMASK));
        assertEquals("inner-1", inner2.inherited().name(), "a new thread starts with its creator's name");
        assertEquals("default", sibling.inherited().affinity(), "created by main, not by inner-1");
        assertEquals("[]", sibling.inherited().value(Hook.SIGMASK));
        assertEquals(List.of("inner-1", "inner-2"), inner2.nameHistory());
        assertEquals(List.of(Hook.NAME, Hook.AFFINITY, Hook.SIGMASK),
                model.hookChanges().stream().filter(c -> c.tid() == INNER1).map(HookChange::hook).toList(),
                "the ~[] block and its restore are not changes");
    }

    /** The 6 ms rt_sigprocmask of the recorded trace, replaced: inner-1 blocks SIGUSR1 (or not), inner-2 inherits it. */
    private static String inner2Sigmask(long[] args, long ret, Captures captures) {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof TraceEvent.Syscall s && s.nr() == SyscallTable.RT_SIGPROCMASK && s.ns() == 6_000_000) {
                events.set(i, new TraceEvent.Syscall(s.ns(), s.exitNs(), s.tid(), s.nr(), args, ret, ret < 0, true, captures));
            }
        }
        return RecordedTrace.model(events).thread(INNER2).inherited().value(Hook.SIGMASK);
    }

    @Test
    void aSignalMaskCallThatFailedOnlyAtTheOldSetChangedTheMask() {
        Captures usr1 = new Captures();
        usr1.put(1, java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 9).array());
        // the kernel changes the mask, then fails to write the old set: the mask is changed
        assertEquals("[USR1]", inner2Sigmask(new long[] {0, 0x10, 0x30, 8, 0, 0}, -14, usr1));
        // the new set could not be read (EFAULT before any change), the size was wrong (EINVAL): unchanged
        assertEquals("[]", inner2Sigmask(new long[] {0, 0x10, 0x30, 8, 0, 0}, -14, Captures.NONE));
        assertEquals("[]", inner2Sigmask(new long[] {0, 0x10, 0x30, 16, 0, 0}, -22, usr1));
        // taken as finished at its entry (nothing read its exit): the same as its successful return
        assertEquals("[USR1]", inner2Sigmask(new long[] {0, 0x10, 0, 8, 0, 0}, 0, usr1));
    }

    @Test
    void theLastWakeOfAWordIsTheOneThatBeganLastWhateverOrderTheyCameIn() {
        for (boolean laterFirst : new boolean[] {false, true}) {
            List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
            int at = 1 + events.indexOf(events.stream().filter(e -> e instanceof TraceEvent.Syscall s && s.tid() == SIBLING
                    && s.nr() == SyscallTable.PRCTL).findFirst().orElseThrow());
            // main's wake begins first and returns last; the sibling's, taken as finished at its entry, comes in first
            TraceEvent early = new TraceEvent.Syscall(15_100_000, 15_800_000, MAIN, SyscallTable.FUTEX,
                    new long[] {0x9000, 129, 1, 0, 0, 0}, 0, false, true, Captures.NONE);
            TraceEvent late = new TraceEvent.Syscall(15_300_000, 15_300_000, SIBLING, SyscallTable.FUTEX,
                    new long[] {0x9000, 129, 1, 0, 0, 0}, 0, false, true, Captures.NONE);
            events.addAll(at, laterFirst ? List.of(late, early) : List.of(early, late));
            FutexLog.LastWake last = RecordedTrace.model(events).futex().lastWake(MAIN, 0x9000);
            assertEquals(SIBLING, last.waker(), "the later wake recorded first: " + laterFirst);
        }
    }

    @Test
    void pdeathsigIsNeverInherited() {
        Hooks h = Hooks.initial("x").withPdeathsig(9).withNoNewPrivs(true);
        assertEquals(0, h.forChild().pdeathsig());
        assertTrue(h.forChild().noNewPrivs());
    }

    @Test
    void exitsJoinsAndStacks() {
        assertEquals("exited", model.thread(INNER2).exit().kind());
        assertEquals("group", model.thread(MAIN).exit().kind());
        assertEquals(0, model.targetExit().value());
        List<FutexAnalysis.Join> joins = model.futexAnalysis().joins();
        assertEquals(List.of(INNER1 + ">" + INNER2, MAIN + ">" + INNER1),
                joins.stream().map(j -> j.joiner() + ">" + j.joined()).toList());
        List<FutexAnalysis.Release> releases = model.futexAnalysis().releases();
        assertEquals(1, releases.size());
        assertEquals(INNER2, releases.getFirst().waker());
        assertEquals(INNER1, releases.getFirst().waiter());
        MmapAnalysis mmap = MmapAnalysis.of(model, 5);
        assertEquals(MAIN, mmap.stacks().stream().filter(s -> s.thread() == INNER1).findFirst().orElseThrow().mapping().tid());
        assertEquals(INNER1, mmap.stacks().stream().filter(s -> s.thread() == INNER2).findFirst().orElseThrow().mapping().tid());
    }

    /**
     * A thread runs from its creator's clone event on: one that does little can end before the
     * creator's return from clone is seen (the creator scheduled late, on a loaded machine). Its
     * stack is matched all the same, as when the return comes first.
     */
    @Test
    void aThreadThatEndedBeforeItsCreatorsCloneReturnedKeepsItsStack() {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        TraceEvent cloneReturn = events.stream().filter(e -> e instanceof TraceEvent.Syscall s && s.nr() == SyscallTable.CLONE3
                && s.ret() == SIBLING).findFirst().orElseThrow();
        events.remove(cloneReturn);
        events.add(1 + events.indexOf(events.stream().filter(e -> e instanceof TraceEvent.Exited x && x.tid() == SIBLING)
                .findFirst().orElseThrow()), cloneReturn);
        MmapAnalysis mmap = MmapAnalysis.of(RecordedTrace.model(events), 5);
        assertEquals(List.of(INNER1 + " on " + MAIN, INNER2 + " on " + INNER1, SIBLING + " on " + MAIN),
                mmap.stacks().stream().map(s -> s.thread() + " on " + s.mapping().tid()).toList());
    }

    /**
     * The threads fixture with main's wait on inner-1's clear-tid word ended by a signal
     * (ERESTARTSYS), and inner-1's wait on inner-2's woken before inner-2 called exit: neither is a join.
     */
    @Test
    void aClearTidWaitEndedByASignalOrBeforeTheThreadExitedIsNoJoin() {
        List<TraceEvent> events = new ArrayList<>();
        TraceEvent inner2Exit = null;
        for (TraceEvent e : RecordedTrace.threadsFixture()) {
            if (e instanceof TraceEvent.Syscall s && s.nr() == SyscallTable.FUTEX && s.tid() == MAIN && s.args()[2] == INNER1) {
                e = new TraceEvent.Syscall(s.ns(), s.exitNs(), s.tid(), s.nr(), s.args(), -512, true, true, s.captures());
            }
            if (e instanceof TraceEvent.Syscall s && s.nr() == SyscallTable.EXIT && s.tid() == INNER2) {
                inner2Exit = e; // moved after inner-1's wait: it returned while inner-2 still ran
                continue;
            }
            events.add(e);
            if (e instanceof TraceEvent.Syscall s && s.nr() == SyscallTable.FUTEX && s.tid() == INNER1 && s.args()[2] == INNER2) {
                events.add(inner2Exit);
            }
        }
        TraceModel m = RecordedTrace.model(events);
        assertEquals(List.of(), m.futexAnalysis().joins());
        assertEquals(0L, Metric.summary(m).get("futex.joins"));
    }

    /**
     * A wait a signal interrupted (ERESTARTSYS) and the kernel began again with the same arguments,
     * still pending when the trace ended: blocked since its first entry, not since the restart.
     */
    @Test
    void aWaitBegunAgainAfterASignalIsBlockedSinceItsFirstEntry() {
        List<TraceEvent> events = new ArrayList<>();
        TraceEvent.Syscall first = null;
        for (TraceEvent e : RecordedTrace.threadsFixture()) {
            if (e instanceof TraceEvent.Syscall s && s.nr() == SyscallTable.FUTEX && s.tid() == MAIN && s.args()[2] == INNER1) {
                first = s;
                break;
            }
            events.add(e);
        }
        long restartNs = first.exitNs() + 50_000, endNs = first.exitNs() + 5_000_000;
        events.add(new TraceEvent.Syscall(first.ns(), first.exitNs(), MAIN, first.nr(), first.args(), -512, true, true, first.captures()));
        events.add(new TraceEvent.Syscall(restartNs, endNs, MAIN, first.nr(), first.args(), 0, false, false, first.captures(),
                TraceEvent.Cut.ENDED));
        TraceModel m = RecordedTrace.model(events);
        PendingCall call = m.hang().of(m.thread(MAIN)).call();
        assertEquals(m.rel(first.ns()), call.sinceNs(), "since the first entry");
        assertEquals(endNs - first.ns(), call.forNs());
        assertEquals(1, call.restarts());
        assertEquals(PendingCall.Ending.ENDED, call.ending());
        assertEquals(endNs - restartNs, call.unreturnedNs(), "the first, interrupted entry returned: the futex log holds its time");
    }

    /** The kernel keeps 15 bytes of a name, not 15 characters: a character cut there keeps its byte. */
    @Test
    void anExecsCommIsTheFirst15BytesOfTheFileName() {
        assertEquals("threads", SettingsTracker.comm("/opt/fixtures/threads"));
        assertEquals("a-very-long-fil", SettingsTracker.comm("/bin/a-very-long-file-name"));
        assertEquals("\u00e9".repeat(7) + "\udcc3", SettingsTracker.comm("/bin/" + "\u00e9".repeat(9)));
        assertEquals("\udcff\udcfe-bad", SettingsTracker.comm("/bin/\udcff\udcfe-bad"), "bytes that are not UTF-8 stay");
    }

    @Test
    void metrics() {
        var m = Metric.summary(model);
        assertEquals(4L, m.get("threads.total"));
        assertEquals(3L, m.get("threads.peak"));
        assertEquals(1L, m.get("processes.total"));
        assertEquals(2L, m.get("spawn.depth"));
        assertEquals(4L, m.get("futex.calls"));
        assertEquals(2L, m.get("futex.joins"));
        assertEquals(16L << 20, m.get("mmap.bytes"));
        assertEquals(0L, m.get("exit.code"));
    }
}
