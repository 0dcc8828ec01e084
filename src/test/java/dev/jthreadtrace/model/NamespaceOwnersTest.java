package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ids a traced program holds are its own PID namespace's (native/deadlock_join.c under
 * {@code unshare --pid --fork}, native/hang_owners.c psharedns, as events): a glibc mutex's
 * {@code __owner}, a clone's result, a wait4's pid. The hang analysis names the same threads, the
 * same cycle and the same join as for the program in the tool's namespace.
 */
class NamespaceOwnersTest {
    private static final int UNSHARE = 4000, MAIN = 4001, A = 4002, B = 4003, CHILD = 4004;
    private static final long M1 = 0x9000, M2 = 0xa000, JOIN_A = 0x7f00_0000_0990L;
    private static final long WAIT_PRIVATE = 128, WAIT = 0, WAIT_BITSET_REALTIME = 9 | 256;

    /** glibc's mutex head with {@code __owner} = {@code owner}, contended. */
    private static byte[] head(int owner) {
        return ByteBuffer.allocate(FutexOps.MUTEX_HEAD).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, 2).putInt(FutexOps.MUTEX_OWNER, owner).putInt(FutexOps.MUTEX_NUSERS, 2).array();
    }

    private static TraceEvent.Syscall cut(long ns, int tid, int nr, long[] args, byte[] word) {
        Captures c = new Captures();
        if (word != null) c.put(0, word);
        return new TraceEvent.Syscall(ns, 2_000, tid, nr, args, 0, false, false, c, TraceEvent.Cut.ENDED);
    }

    /** {@code creator}'s clone3 of thread {@code child} (its id {@code nsTid} in the namespace, 0: the tool's), clear-tid {@code word}. */
    private static void thread(List<TraceEvent> events, long ns, int creator, int child, int nsTid, long word) {
        events.add(new TraceEvent.Spawned(ns, creator, child, TraceEvent.SpawnKind.CLONE3, FoldTasks.PTHREAD, nsTid, true));
        byte[] args = ByteBuffer.allocate(88).order(ByteOrder.LITTLE_ENDIAN).putLong(0, FoldTasks.PTHREAD).putLong(16, word)
                .putLong(24, word).array();
        Captures c = new Captures();
        c.put(0, args);
        // The creator's clone3 returns the child's id in the creator's namespace.
        events.add(new TraceEvent.Syscall(ns - 5, ns + 5, creator, SyscallTable.CLONE3, new long[] {0x100, 88, 0, 0, 0, 0},
                nsTid == 0 ? child : nsTid, false, true, c));
    }

    private static int id(int tid, boolean inNamespace, int nsTid) {
        return inNamespace ? nsTid : tid;
    }

    /**
     * deadlock_join: unshare forks main (pid 1 in a new namespace), main makes locker-a (2) and
     * locker-b (3), which deadlock on M1 and M2; main joins locker-a; unshare waits for main, main
     * for a child process (5) it forked. {@code inNamespace} false: the same with the tool's ids.
     */
    private static TraceModel deadlockJoin(boolean inNamespace) {
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, UNSHARE, 1, "/usr/bin/unshare", List.of("unshare")));
        events.add(new TraceEvent.Spawned(10, UNSHARE, MAIN, TraceEvent.SpawnKind.FORK, 17, inNamespace ? 1 : 0, true));
        thread(events, 20, MAIN, A, inNamespace ? 2 : 0, JOIN_A);
        thread(events, 30, MAIN, B, inNamespace ? 3 : 0, 0x7f00_0001_0990L);
        events.add(new TraceEvent.Spawned(40, MAIN, CHILD, TraceEvent.SpawnKind.FORK, 17, inNamespace ? 5 : 0, true));
        events.add(cut(100, A, SyscallTable.FUTEX, new long[] {M2, WAIT_PRIVATE, 2, 0, 0, 0}, head(id(B, inNamespace, 3))));
        events.add(cut(110, B, SyscallTable.FUTEX, new long[] {M1, WAIT_PRIVATE, 2, 0, 0, 0}, head(id(A, inNamespace, 2))));
        // pthread_join waits on locker-a's tid field, its clear-tid word, holding its tid there.
        events.add(cut(120, MAIN, SyscallTable.FUTEX, new long[] {JOIN_A, WAIT_BITSET_REALTIME, id(A, inNamespace, 2), 0, 0, -1}, null));
        events.add(cut(130, CHILD, SyscallTable.WAIT4, new long[] {id(MAIN, inNamespace, 1), 0, 0, 0, 0, 0}, null));
        events.add(cut(130, UNSHARE, SyscallTable.WAIT4, new long[] {MAIN, 0, 0, 0, 0, 0}, null));
        for (int tid : new int[] {A, B, MAIN, CHILD, UNSHARE}) events.add(new TraceEvent.Killed(2_000, tid, 9, false));
        events.add(new TraceEvent.TraceEnded(2_000, 2));
        TraceModel m = new TraceModel();
        events.forEach(m::accept);
        return m;
    }

    private static HangAnalysis.Blocked blocked(TraceModel m, int tid) {
        return m.hang().of(m.thread(tid));
    }

    @ParameterizedTest(name = "in a PID namespace of its own: {0}")
    @ValueSource(booleans = {true, false})
    void theOwnersTheCycleAndTheJoinAreTheSameInAPidNamespace(boolean inNamespace) {
        TraceModel m = deadlockJoin(inNamespace);
        HangAnalysis.Blocked a = blocked(m, A), b = blocked(m, B), main = blocked(m, MAIN);
        assertEquals(B, a.futex().owner().tid(), "the kernel's tid of the owner, whatever id the word held");
        assertEquals(A, b.futex().owner().tid());
        assertNull(a.futex().ownerUnknown());
        assertEquals(1, m.hang().deadlocks().size());
        assertEquals(List.of(A, B), m.hang().deadlocks().getFirst().cycle().stream().map(x -> x.thread().tid()).toList());
        assertEquals(m.thread(A), main.waitsFor().target(), "main joins locker-a: its clone3's result named it in the namespace");
        assertEquals(HangAnalysis.Via.JOIN, main.waitsFor().via());
        assertEquals(JOIN_A, m.thread(A).clearTidAddress());
        assertEquals(m.thread(MAIN), blocked(m, UNSHARE).waitsFor().target(), "unshare, of the tool's namespace, waits by the kernel's pid");
    }

    /** A wait4 inside the namespace names the child by the pid it has there (1 is main: no wait for itself). */
    @Test
    void aWait4InsideTheNamespaceNamesTheChildByItsPidThere() {
        TraceModel m = deadlockJoin(true);
        assertNull(blocked(m, CHILD).waitsFor(), "pid 1 there is main, not a child of the waiter's");
        List<TraceEvent> events = new ArrayList<>();
        TraceModel n = new TraceModel();
        events.add(new TraceEvent.TargetStarted(0, UNSHARE, 1, "/usr/bin/unshare", List.of("unshare")));
        events.add(new TraceEvent.Spawned(10, UNSHARE, MAIN, TraceEvent.SpawnKind.FORK, 17, 1, true));
        events.add(new TraceEvent.Spawned(40, MAIN, CHILD, TraceEvent.SpawnKind.FORK, 17, 5, true));
        events.add(cut(130, MAIN, SyscallTable.WAIT4, new long[] {5, 0, 0, 0, 0, 0}, null));
        events.add(new TraceEvent.TraceEnded(2_000, 2));
        events.forEach(n::accept);
        assertEquals(n.thread(CHILD), n.hang().of(n.thread(MAIN)).waitsFor().target());
    }

    /** hang_owners psharedns: a parent of the tool's namespace and its child, pid 1 of a new one, on process-shared mutexes. */
    private static TraceModel acrossNamespaces(int childNsTid, int siblingNsTid, int parentReads) {
        int parent = 5000, child = 5001, sibling = 5002;
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, parent, 1, "/x", List.of("x")));
        events.add(new TraceEvent.Spawned(10, parent, child, TraceEvent.SpawnKind.FORK, 17, childNsTid, true));
        if (siblingNsTid != 0) events.add(new TraceEvent.Spawned(15, parent, sibling, TraceEvent.SpawnKind.FORK, 17, siblingNsTid, true));
        events.add(cut(100, parent, SyscallTable.FUTEX, new long[] {M1, WAIT, 2, 0, 0, 0}, head(parentReads)));
        events.add(cut(110, child, SyscallTable.FUTEX, new long[] {M2, WAIT, 2, 0, 0, 0}, head(parent)));
        events.add(new TraceEvent.TraceEnded(2_000, 2));
        TraceModel m = new TraceModel();
        events.forEach(m::accept);
        return m;
    }

    @Test
    void aSharedMutexOwnedInAnotherNamespaceIsFoundByTheIdItHasThere() {
        TraceModel m = acrossNamespaces(1, 0, 1);
        assertEquals(5001, blocked(m, 5000).futex().owner().tid(), "tid 1 in the child's namespace");
        assertEquals(5000, blocked(m, 5001).futex().owner().tid(), "the parent's own id, the kernel's");
        assertEquals(1, m.hang().deadlocks().size());
    }

    /** Two sibling namespaces each with a pid 1 sharing the word: which one the word means is not known, and nothing is made up. */
    @Test
    void anIdTwoNamespacesSharingTheWordHaveNamesNoOwner() {
        TraceModel m = acrossNamespaces(1, 1, 1);
        HangAnalysis.FutexWait w = blocked(m, 5000).futex();
        assertNull(w.owner());
        assertEquals("tid 1 read at the wait names a thread in each of 2 PID namespaces sharing the word: 5001, 5002", w.ownerUnknown());
        assertTrue(m.hang().deadlocks().isEmpty());
    }

    /** A tid that no task has in any namespace is still "no thread". */
    @Test
    void anIdNoTaskHasAnywhereIsNoThread() {
        TraceModel m = acrossNamespaces(1, 0, 7);
        assertNull(blocked(m, 5000).futex().owner());
        assertEquals("tid 7 read at the wait is no thread of a process sharing the word", blocked(m, 5000).futex().ownerUnknown());
        assertTrue(m.hang().deadlocks().isEmpty());
    }
}
