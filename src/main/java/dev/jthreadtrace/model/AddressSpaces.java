package dev.jthreadtrace.model;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Which address space (the kernel's mm) each process runs in. A process has one of its own, except
 * a CLONE_VM child that is not a thread (vfork, posix_spawn's clone(CLONE_VM|CLONE_VFORK), a runtime's
 * clone(CLONE_VM)): it runs in its creator's until it execs. The kernel keys a private futex word by
 * mm and address, so such a child's private words are its parent's; its mmaps are the parent's too.
 *
 * <p>A space is named by the tgid of the process that made it. A process that leaves a space others
 * still run in (an exec while its CLONE_VM child lives), or that gets a pid whose space a CLONE_VM
 * child of its namesake still runs in (a reused pid), takes a fresh name above any pid
 * ({@link #FIRST_FRESH}), so no two spaces share one. A process's entry stays after its end: the hang
 * analysis keys its calls pending at the end after the end. At most {@link #MAX} processes are
 * recorded as sharing another's space; beyond, a CLONE_VM child is keyed as a space of its own (as
 * it was before: its words with its parent's are missed, never made up).
 */
final class AddressSpaces {
    static final int MAX = 4096;
    /** Above PID_MAX_LIMIT (2^22): no process has such a tgid. */
    static final int FIRST_FRESH = 1 << 22;

    /** The processes not in the space named after them, and theirs. */
    private final Map<Integer, Integer> spaceOf = new HashMap<>();
    /** How many processes of {@link #spaceOf} run in each space. */
    private final Map<Integer, Integer> members = new HashMap<>();
    private int nextFresh = FIRST_FRESH;

    /** The space process {@code tgid} runs in. */
    int of(int tgid) {
        return spaceOf.getOrDefault(tgid, tgid);
    }

    /** A CLONE_VM child process {@code child} of {@code creator}: it runs in the creator's space. */
    void shares(int child, int creator) {
        int space = of(creator);
        leave(child);
        if (spaceOf.size() < MAX) set(child, space);
    }

    /**
     * Process {@code tgid} has a space of its own from now on (a fork's copy, an exec's new image),
     * which is returned; the space it leaves stays whoever else runs in it.
     */
    int own(int tgid) {
        leave(tgid);
        if (!members.containsKey(tgid) || spaceOf.size() >= MAX) return tgid;
        int fresh = nextFresh++;
        set(tgid, fresh);
        return fresh;
    }

    /** Whether a process that {@code live} says runs is in {@code space}: the one it is named after, while in it, or one sharing it. */
    boolean anyIn(int space, IntPredicate live) {
        if (of(space) == space && live.test(space)) return true;
        if (!members.containsKey(space)) return false;
        for (Map.Entry<Integer, Integer> e : spaceOf.entrySet()) if (e.getValue() == space && live.test(e.getKey())) return true;
        return false;
    }

    private void leave(int tgid) {
        Integer left = spaceOf.remove(tgid);
        if (left != null) members.merge(left, -1, (a, b) -> a + b == 0 ? null : a + b);
    }

    private void set(int tgid, int space) {
        spaceOf.put(tgid, space);
        members.merge(space, 1, Integer::sum);
    }
}
