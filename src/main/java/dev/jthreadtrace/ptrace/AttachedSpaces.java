package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntBiFunction;

/**
 * At an attach, which of the attached processes run in one address space: a CLONE_VM child that is
 * not a thread (vfork, posix_spawn's clone(CLONE_VM|CLONE_VFORK), a runtime's clone(CLONE_VM)) runs in
 * its creator's memory until it execs, and the kernel keys its private futex words by that memory
 * (model.AddressSpaces). /proc says nothing of it (its maps are the same lines as any fork's copy);
 * kcmp(2) KCMP_VM, which compares the two processes' mm, is the kernel's exact answer. kcmp also
 * orders what it compares, the same way at every call, so the processes are sorted with it (n log n
 * calls) and each run of equal ones is one space. When kcmp is refused (a kernel without
 * CONFIG_KCMP, a security module) every process is taken as its own space, as before, and the
 * note says so.
 */
final class AttachedSpaces {
    /** {@code memoryOf}: each process that runs in another's space, and that one; {@code note}: why none was looked at, or null. */
    record Found(Map<Integer, Integer> memoryOf, String note) {}

    private AttachedSpaces() {}

    /** The attached processes {@code pids} (their {@code parents}: kernel PPid), compared by kcmp. */
    static Found of(List<Integer> pids, Map<Integer, Integer> parents) {
        return of(pids, parents, Libc::kcmpVm);
    }

    /**
     * The same with {@code kcmp} (0 same space, 1 less, 2 greater): in each space of several, the
     * process whose parent is not among them (the one that made the others) names it, else the first
     * named on the command line.
     */
    static Found of(List<Integer> pids, Map<Integer, Integer> parents, ToIntBiFunction<Integer, Integer> kcmp) {
        if (pids.size() < 2) return new Found(Map.of(), null);
        List<Integer> sorted = new ArrayList<>(pids);
        Map<Integer, Integer> memoryOf = new HashMap<>();
        try {
            sorted.sort((a, b) -> a.equals(b) ? 0 : switch (kcmp.applyAsInt(a, b)) {
                case 0 -> 0;
                case 1 -> -1;
                default -> 1;
            });
            for (int from = 0, to; from < sorted.size(); from = to) {
                to = from + 1;
                while (to < sorted.size() && kcmp.applyAsInt(sorted.get(from), sorted.get(to)) == 0) to++;
                if (to - from > 1) share(pids, Set.copyOf(sorted.subList(from, to)), parents, memoryOf);
            }
        } catch (ErrnoException | IllegalArgumentException e) {
            // Refused, or a process exited meanwhile (its order then changes: the sort may see a contradiction).
            return new Found(Map.of(), "kcmp(KCMP_VM) failed (" + e.getMessage() + "): each attached process is taken to run"
                    + " in memory of its own, so a CLONE_VM child's private futex words are not linked with its parent's");
        }
        return new Found(memoryOf, null);
    }

    private static void share(List<Integer> pids, Set<Integer> space, Map<Integer, Integer> parents, Map<Integer, Integer> memoryOf) {
        int owner = pids.stream().filter(space::contains).filter(p -> !space.contains(parents.get(p))).findFirst()
                .orElseGet(() -> pids.stream().filter(space::contains).findFirst().orElseThrow());
        for (int p : space) if (p != owner) memoryOf.put(p, owner);
    }
}
