package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntBiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which attached processes run in one address space, by kcmp(KCMP_VM)'s answer and order. */
class AttachedSpacesTest {
    /** kcmp as the kernel answers it: each process's mm stands for a number, compared. */
    private static ToIntBiFunction<Integer, Integer> kcmp(Map<Integer, Integer> mmOf, AtomicInteger calls) {
        return (a, b) -> {
            calls.incrementAndGet();
            int c = Integer.compare(mmOf.get(a), mmOf.get(b));
            return c == 0 ? 0 : c < 0 ? 1 : 2;
        };
    }

    @Test
    void processesOnOneMmAreOneSpaceNamedByTheOneThatMadeTheOthers() {
        // 30 runs in 10's memory (its CLONE_VM child), 40 and 50 in 20's: 50 is 40's child, 40 is 20's.
        Map<Integer, Integer> mm = Map.of(10, 7, 20, 3, 30, 7, 40, 3, 50, 3, 60, 9);
        Map<Integer, Integer> parents = Map.of(10, 1, 20, 1, 30, 10, 40, 20, 50, 40, 60, 1);
        AttachedSpaces.Found found = AttachedSpaces.of(List.of(30, 50, 10, 40, 20, 60), parents, kcmp(mm, new AtomicInteger()));
        assertNull(found.note());
        assertEquals(Map.of(30, 10, 40, 20, 50, 20), found.memoryOf());
    }

    @Test
    void withoutAParentAmongThemTheFirstNamedNamesTheSpace() {
        // clone(CLONE_VM|CLONE_PARENT): siblings, neither the other's parent.
        AttachedSpaces.Found found = AttachedSpaces.of(List.of(20, 10), Map.of(10, 1, 20, 1), kcmp(Map.of(10, 5, 20, 5), new AtomicInteger()));
        assertEquals(Map.of(10, 20), found.memoryOf());
    }

    @Test
    void manyProcessesAreSortedNotComparedPairwise() {
        Map<Integer, Integer> mm = new java.util.HashMap<>(), parents = new java.util.HashMap<>();
        List<Integer> pids = new java.util.ArrayList<>();
        for (int pid = 1000; pid < 3000; pid++) {
            pids.add(pid);
            mm.put(pid, pid == 2999 ? 1000 : pid);
            parents.put(pid, 1);
        }
        AtomicInteger calls = new AtomicInteger();
        AttachedSpaces.Found found = AttachedSpaces.of(pids, parents, kcmp(mm, calls));
        assertEquals(Map.of(2999, 1000), found.memoryOf());
        assertTrue(calls.get() < 2000 * 30, calls + " calls: n log n, not n^2");
    }

    @Test
    void aRefusedKcmpTakesEachAsItsOwnWithOneNote() {
        AttachedSpaces.Found found = AttachedSpaces.of(List.of(10, 20), Map.of(10, 1, 20, 10), (a, b) -> {
            throw new ErrnoException("kcmp(10, 20, KCMP_VM)", Errno.ENOSYS);
        });
        assertEquals(Map.of(), found.memoryOf());
        assertTrue(found.note().startsWith("kcmp(KCMP_VM) failed (kcmp(10, 20, KCMP_VM): ") && found.note().contains("memory of its own"), found.note());
        // One process: nothing to compare, nothing asked.
        assertEquals(new AttachedSpaces.Found(Map.of(), null), AttachedSpaces.of(List.of(10), Map.of(10, 1), (a, b) -> {
            throw new AssertionError("asked");
        }));
    }

    /** The kernel's own: this JVM and itself are one mm; its parent is another. */
    @Test
    void theKernelsKcmpSaysAProcessSharesItsOwnMemoryOnly() {
        int self = (int) ProcessHandle.current().pid(), parent = (int) ProcessHandle.current().parent().orElseThrow().pid();
        assertEquals(0, dev.jthreadtrace.sys.Libc.kcmpVm(self, self));
        int order = dev.jthreadtrace.sys.Libc.kcmpVm(self, parent);
        assertTrue(order == 1 || order == 2, "another mm: ordered, " + order);
        assertEquals(3 - order, dev.jthreadtrace.sys.Libc.kcmpVm(parent, self));
    }
}
