package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner of a lock a thread still waits for, read at the wait and again in the last look before
 * the end (native/hang_owners.c "handoff" as events): B holds M; A, then C (holding N) wait for M;
 * B unlocks M, which wakes A, who takes M and waits for N. C's owner read at its wait (B) is stale;
 * read at the end, M's word names A: the cycle A ↔ C.
 */
class LockOwnerReadTest {
    private static final int PID = 100, A = 101, B = 102, C = 103;
    private static final long M = 0x9000, N = 0xa000, WAIT_PRIVATE = 128, WAKE_PRIVATE = 129, LOCK_PI_PRIVATE = 134;

    /** glibc's {@code __lock, __count, __owner, __nusers, __kind}: a contended plain mutex. */
    private static byte[] head(int lock, int owner) {
        return ByteBuffer.allocate(FutexOps.MUTEX_HEAD).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, lock).putInt(FutexOps.MUTEX_OWNER, owner).putInt(FutexOps.MUTEX_NUSERS, 2).array();
    }

    private static long[] waitOn(long word) {
        return new long[] {word, WAIT_PRIVATE, 2, 0, 0, 0};
    }

    private static TraceEvent.Syscall call(long ns, long exitNs, int tid, long[] args, long ret, byte[] head) {
        Captures c = new Captures();
        if (head != null) c.put(0, head);
        return new TraceEvent.Syscall(ns, exitNs, tid, SyscallTable.FUTEX, args, ret, false, true, c);
    }

    private static TraceEvent.Syscall cut(long ns, int tid, long[] args, byte[] head) {
        Captures c = new Captures();
        c.put(0, head);
        return new TraceEvent.Syscall(ns, 2_000, tid, SyscallTable.FUTEX, args, 0, false, false, c, TraceEvent.Cut.ENDED);
    }

    /** The hand-off, then the end: {@code look} (null: none) at 1000, {@code after} (events after the look), the cut at 2000. */
    private static TraceModel handoff(TraceEvent.EndLook look, List<TraceEvent> after) {
        TraceModel m = new TraceModel();
        m.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        for (int tid : new int[] {A, B, C}) m.accept(new TraceEvent.Spawned(10, PID, tid, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        m.accept(call(100, 210, A, waitOn(M), 0, head(2, B)));
        m.accept(call(200, 205, B, new long[] {M, WAKE_PRIVATE, 1, 0, 0, 0}, 1, null));
        if (look != null) m.accept(look);
        after.forEach(m::accept);
        List<TraceEvent> ends = new ArrayList<>();
        ends.add(cut(150, C, waitOn(M), head(2, B)));
        ends.add(cut(250, A, waitOn(N), head(2, C)));
        for (int tid : new int[] {A, B, C}) ends.add(new TraceEvent.Killed(2_000, tid, 9, false));
        ends.add(new TraceEvent.TraceEnded(2_000, 2));
        ends.forEach(m::accept);
        return m;
    }

    private static TraceEvent.EndLook look(byte[] mNow) {
        return new TraceEvent.EndLook(1_000, List.of(new TraceEvent.LookedTask(A, SyscallTable.FUTEX, waitOn(N), head(2, C)),
                new TraceEvent.LookedTask(B, TraceEvent.LookedTask.NOT_IN_A_CALL, new long[6], null),
                new TraceEvent.LookedTask(C, SyscallTable.FUTEX, waitOn(M), mNow)));
    }

    private static HangAnalysis.FutexWait waitOf(TraceModel m, int tid) {
        return m.hang().of(m.thread(tid)).futex();
    }

    @Test
    void theOwnerReadAtTheEndClosesTheCycleThroughTheHandedOnLock() {
        TraceModel m = handoff(look(head(2, A)), List.of());
        HangAnalysis.FutexWait c = waitOf(m, C);
        assertEquals(A, c.owner().tid());
        assertTrue(c.ownerReadAtEnd());
        assertNull(c.ownerUnknown());
        assertEquals(1, m.hang().deadlocks().size());
        assertEquals(List.of(A, C), m.hang().deadlocks().getFirst().cycle().stream().map(b -> b.thread().tid()).toList());
    }

    /** A case of the hand-off in which C's owner stays unknown: what the end saw, what came after it, and why (the reason's start). */
    private record Unknown(String what, TraceEvent.EndLook look, List<TraceEvent> after, String why) {
        @Override
        public String toString() {
            return what;
        }
    }

    static List<Unknown> unknownOwners() {
        return List.of(
                new Unknown("without a look, the owner read before the hand-off is stale and the cycle is missed", null, List.of(),
                        "woken by " + B + " after the wait began"),
                new Unknown("a wake after the end's read makes it unknown again", look(head(2, A)),
                        List.of(call(1_100, 1_105, B, new long[] {M, WAKE_PRIVATE, 1, 0, 0, 0}, 0, null)),
                        "woken by " + B + " after the end's read"),
                new Unknown("a word free at the end names no owner", look(head(0, 0)), List.of(),
                        "the lock's word read at the end names no owner"),
                new Unknown("a look at another call is not this wait's read", lookAtAnotherCall(), List.of(), "woken by " + B),
                new Unknown("an owner read at the end must be a live thread sharing the word", look(head(2, 4242)), List.of(),
                        "tid 4242 read at the end is no thread of a process sharing the word"));
    }

    @ParameterizedTest
    @MethodSource("unknownOwners")
    void theOwnerStaysUnknownAndNoCycleIsMade(Unknown u) {
        TraceModel m = handoff(u.look(), u.after());
        HangAnalysis.FutexWait c = waitOf(m, C);
        assertNull(c.owner());
        assertTrue(c.ownerUnknown().startsWith(u.why()), c.ownerUnknown());
        assertEquals(List.of(), m.hang().deadlocks());
    }

    /** Only a look at C's own wait is its read at the end. */
    @Test
    void aLookAtAnotherCallIsNotThisWaitsRead() {
        assertFalse(waitOf(handoff(lookAtAnotherCall(), List.of()), C).ownerReadAtEnd());
    }

    /** The end saw C in a wait for N, not the wait for M the trace has it in. */
    private static TraceEvent.EndLook lookAtAnotherCall() {
        return new TraceEvent.EndLook(1_000, List.of(new TraceEvent.LookedTask(C, SyscallTable.FUTEX, waitOn(N), head(2, A))));
    }

    /** A tid no live thread has is no owner, whatever the word says: the reason names it whole. */
    @Test
    void anOwnerReadAtTheEndMustBeALiveThreadSharingTheWord() {
        assertEquals("tid 4242 read at the end is no thread of a process sharing the word",
                waitOf(handoff(look(head(2, 4242)), List.of()), C).ownerUnknown());
    }

    @Test
    void aPiWordReadAtTheEndNamesItsOwnerOfThen() {
        TraceModel m = new TraceModel();
        m.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        for (int tid : new int[] {A, B}) m.accept(new TraceEvent.Spawned(10, PID, tid, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        long[] lock = {M, LOCK_PI_PRIVATE, 0, 0, 0, 0};
        byte[] heldByB = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, B | 0x80000000).array();
        byte[] heldByA = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, A | 0x80000000).array();
        m.accept(call(300, 305, PID, new long[] {M, 135, 0, 0, 0, 0}, 0, null)); // an unlock_pi after C's wait began
        m.accept(new TraceEvent.EndLook(1_000, List.of(new TraceEvent.LookedTask(B, SyscallTable.FUTEX, lock, heldByA))));
        Captures atWait = new Captures();
        atWait.put(0, heldByB);
        m.accept(new TraceEvent.Syscall(100, 2_000, B, SyscallTable.FUTEX, lock, 0, false, false, atWait, TraceEvent.Cut.ENDED));
        m.accept(new TraceEvent.TraceEnded(2_000, 2));
        HangAnalysis.FutexWait b = waitOf(m, B);
        assertEquals(A, b.owner().tid());
        assertEquals(FutexOps.LockOwner.Source.PI, b.owner().from());
    }

    /**
     * At an attach, a thread in a timed wait is interrupted and goes on in restart_syscall: the call
     * read before the interrupt (an existing task's {@code inCall}) says which wait it continues.
     */
    @Test
    void aRestartSyscallAfterAnAttachContinuesTheCallReadBeforeTheInterrupt() {
        long[] timed = {M, 393, 2, 0x7000, 0, 0xffffffffL};
        TraceModel m = new TraceModel();
        m.accept(new TraceEvent.Attached(0, PID, 1, "/x", List.of("x"), List.of(
                new TraceEvent.ExistingTask(PID, PID, 1, "x", 0, "0", 0, false, 0, null),
                new TraceEvent.ExistingTask(A, PID, 1, "a", 0, "0", 0, false, 0,
                        new TraceEvent.LookedTask(A, SyscallTable.FUTEX, timed, head(2, PID))))));
        m.accept(new TraceEvent.Syscall(50, 2_000, A, SyscallTable.RESTART_SYSCALL, timed, 0, false, false, Captures.NONE,
                TraceEvent.Cut.DETACHED));
        m.accept(new TraceEvent.Detached(2_000, 2));
        m.accept(new TraceEvent.TraceEnded(2_000, 0));
        HangAnalysis.Blocked a = m.hang().of(m.thread(A));
        assertEquals(SyscallTable.FUTEX, a.call().nr());
        assertEquals(0, a.call().sinceNs());
        assertEquals(PID, a.futex().owner().tid());
        assertEquals(PID, a.waitsFor().target().tid());
    }

    @Test
    void aRestartSyscallWithOtherRegistersIsNotTheCallSeenAtTheAttach() {
        long[] timed = {M, 393, 2, 0x7000, 0, 0xffffffffL};
        TraceModel m = new TraceModel();
        m.accept(new TraceEvent.Attached(0, PID, 1, "/x", List.of("x"), List.of(
                new TraceEvent.ExistingTask(A, PID, 1, "a", 0, "0", 0, false, 0,
                        new TraceEvent.LookedTask(A, SyscallTable.FUTEX, timed, head(2, PID))))));
        m.accept(new TraceEvent.Syscall(50, 2_000, A, SyscallTable.RESTART_SYSCALL, new long[] {N, 393, 2, 0x7000, 0, 0xffffffffL}, 0,
                false, false, Captures.NONE, TraceEvent.Cut.DETACHED));
        m.accept(new TraceEvent.TraceEnded(2_000, 0));
        assertEquals(SyscallTable.RESTART_SYSCALL, m.hang().of(m.thread(A)).call().nr());
    }

    private static TraceEvent.Syscall memory(long ns, int nr, long[] args, long ret) {
        return new TraceEvent.Syscall(ns, ns + 5, B, nr, args, ret, false, true, new Captures());
    }

    /** M's page unmapped or replaced after C's wait began: the bytes read there at the end may be another object's. */
    @Test
    void aPageUnmappedOrReplacedAfterTheWaitMakesTheEndsReadUntrusted() {
        long page = M & -4096;
        for (TraceEvent.Syscall change : List.of(memory(500, SyscallTable.MUNMAP, new long[] {page, 4096, 0, 0, 0, 0}, 0),
                memory(500, SyscallTable.MMAP, new long[] {page, 4096, 3, 0x22 | 0x10, -1, 0}, page),
                memory(500, SyscallTable.MREMAP, new long[] {page - 4096, 8192, 16384, 1, 0, 0}, 0x70000))) {
            TraceModel m = handoff(look(head(2, A)), List.of(change));
            HangAnalysis.FutexWait c = waitOf(m, C);
            assertNull(c.owner(), change.toString());
            assertFalse(c.ownerReadAtEnd(), change.toString());
            // The wait's read is what is left: B, stale since B's wake.
            assertTrue(c.ownerUnknown().startsWith("woken by " + B + " after the wait began"), c.ownerUnknown());
            assertEquals(List.of(), m.hang().deadlocks());
        }
    }

    @Test
    void aChangeOfAnotherPageOrBeforeTheWaitOrAMappingNotFixedLeavesTheEndsReadTrusted() {
        long page = M & -4096;
        for (TraceEvent.Syscall change : List.of(memory(500, SyscallTable.MUNMAP, new long[] {page + 4096, 4096, 0, 0, 0, 0}, 0),
                memory(120, SyscallTable.MUNMAP, new long[] {page, 4096, 0, 0, 0, 0}, 0),
                memory(500, SyscallTable.MMAP, new long[] {0, 4096, 3, 0x22, -1, 0}, page))) {
            TraceModel m = handoff(look(head(2, A)), List.of(change));
            assertEquals(A, waitOf(m, C).owner().tid(), change.toString());
            assertEquals(1, m.hang().deadlocks().size());
        }
    }

    /**
     * C waits for M, held by A, who waits for N, held by C; a first look at 1000 reads both words;
     * A dies at 1500 (the first signal passed on), the trace goes on and a second look at 1800 reads
     * M's word again, naming A, dead by then. {@code looks}: which looks are taken.
     */
    private static TraceModel brokenCycle(boolean first) {
        TraceModel m = new TraceModel();
        m.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        for (int tid : new int[] {A, B, C}) m.accept(new TraceEvent.Spawned(10, PID, tid, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        if (first) {
            m.accept(new TraceEvent.EndLook(1_000, List.of(new TraceEvent.LookedTask(A, SyscallTable.FUTEX, waitOn(N), head(2, C)),
                    new TraceEvent.LookedTask(C, SyscallTable.FUTEX, waitOn(M), head(2, A)))));
        }
        Captures words = new Captures();
        words.put(0, head(2, C));
        m.accept(new TraceEvent.Syscall(250, 1_500, A, SyscallTable.FUTEX, waitOn(N), 0, false, false, words, TraceEvent.Cut.ENDED));
        m.accept(new TraceEvent.Killed(1_500, A, 2, false));
        m.accept(new TraceEvent.EndLook(1_800, List.of(new TraceEvent.LookedTask(C, SyscallTable.FUTEX, waitOn(M), head(2, A)))));
        m.accept(cut(150, C, waitOn(M), head(2, B)));
        for (int tid : new int[] {B, C}) m.accept(new TraceEvent.Killed(2_000, tid, 9, false));
        m.accept(new TraceEvent.TraceEnded(2_000, 2));
        return m;
    }

    @Test
    void anOwnerDeadAtTheLastLookIsTakenFromTheLookBeforeWhileItLived() {
        TraceModel m = brokenCycle(true);
        HangAnalysis.FutexWait c = waitOf(m, C);
        assertEquals(A, c.owner().tid(), String.valueOf(c.ownerUnknown()));
        assertTrue(c.ownerReadAtEnd());
        assertEquals(1, m.hang().deadlocks().size());
        TraceModel onlyLast = brokenCycle(false);
        assertNull(waitOf(onlyLast, C).owner());
        // A had ended by the last look (killed holding M); the wait's read named B, handed on since: no owner.
        assertEquals("tid " + A + " read at the end is a thread that ended holding the lock", waitOf(onlyLast, C).ownerUnknown());
    }
}
