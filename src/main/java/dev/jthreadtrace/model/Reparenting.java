package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.CloneFlags;

/**
 * Why the kernel's parent of a task (its PPid) is not the task that created it, as the SUMMARY
 * counts it: every re-parented task has exactly one reason, so the reasons add up to the count.
 * Declared in the order the SUMMARY lists them.
 */
public enum Reparenting {
    THREAD("CLONE_THREAD thread", "CLONE_THREAD threads", "PPid is the process's parent, not the creator"),
    CLONE_PARENT("CLONE_PARENT child", "CLONE_PARENT children", "PPid is the creator's parent"),
    ORPHAN("orphan", "orphans", "the parent exited: adopted by a subreaper or init"),
    /** fork, vfork or clone without CLONE_THREAD by a thread that is not its process's main one. */
    BY_A_THREAD("child of a thread", "children of threads", "the kernel's parent is the creating thread's process"),
    OTHER("other", "others", "PPid is not the creator");

    private final String one, many, why;

    Reparenting(String one, String many, String why) {
        this.one = one;
        this.many = many;
        this.why = why;
    }

    /** {@code 2 CLONE_THREAD threads (PPid is the process's parent, not the creator)}. */
    public String counted(long n) {
        return n + " " + (n == 1 ? one : many) + " (" + why + ")";
    }

    /** The reason {@code t} was re-parented; null when its kernel parent is its creator. */
    public static Reparenting of(ThreadInfo t) {
        if (!t.reparented()) return null;
        if (!t.reparents().isEmpty()) return ORPHAN;
        if (t.createdAsThread()) return THREAD;
        if ((t.cloneFlags() & CloneFlags.CLONE_PARENT) != 0) return CLONE_PARENT;
        // The kernel makes a child's parent the creator's process (its thread group), not the thread that forked it.
        if (t.creatorInfo() != null && t.osParent() == t.creatorInfo().tgid()) return BY_A_THREAD;
        return OTHER;
    }
}
