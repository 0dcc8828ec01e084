package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The task a traced task means by a pid or tid it passes to a call ({@code sched_setaffinity(pid)},
 * {@code kill}, {@code ptrace(PTRACE_ATTACH, pid)}, {@code wait4(pid)}) or is given by the kernel
 * (a signal's {@code si_pid}). Both are ids in the caller's own PID namespace: in the tool's, the
 * kernel's tid; in an {@code unshare --pid} namespace, a container, the id the task has there
 * ({@link ThreadInfo#nsIds}, read by the tracer at each birth: nothing more is read). A task
 * sees the tasks of its own namespace and of the namespaces made inside it, each by the id it has at
 * the caller's level, so a namespace made inside another is followed level by level. Sibling
 * namespaces at one level reuse ids: then the task meant is the one whose namespace at that level is
 * the caller's (the same first task there, followed up the creators); where that cannot be told, no
 * task is named rather than a wrong one.
 */
public final class SeenIds {
    private SeenIds() {}

    /**
     * The one task among {@code among} that {@code caller} names by {@code id}, or null when none
     * does or more than one might.
     */
    public static ThreadInfo named(ThreadInfo caller, int id, Iterable<ThreadInfo> among) {
        if (id <= 0) return null;
        int level = level(caller);
        List<ThreadInfo> seen = new ArrayList<>(2);
        for (ThreadInfo t : among) if (level(t) >= level && idAt(t, level) == id) seen.add(t);
        if (seen.size() == 1 || level == 0) return seen.size() == 1 ? seen.getFirst() : null;
        ThreadInfo callersFirst = firstAtLevel(caller, level);
        seen.removeIf(t -> firstAtLevel(t, level) != callersFirst);
        return seen.size() == 1 ? seen.getFirst() : null;
    }

    /**
     * The live task {@code caller} names by {@code id}, or null: {@code liveByTid}'s for a caller of
     * the tool's namespace (or not known), else the one of {@code live} {@link #named}.
     */
    static ThreadInfo live(ThreadInfo caller, int id, IntFunction<ThreadInfo> liveByTid, Iterable<ThreadInfo> live) {
        if (caller == null || caller.nsTid() == 0) return id > 0 ? liveByTid.apply(id) : null;
        return named(caller, id, live);
    }

    /** {@link #live} among the model's tasks that have not ended: for a look-up while the trace runs, outside the model. */
    public static ThreadInfo live(TraceModel model, ThreadInfo caller, int id) {
        return live(caller, id, tid -> alive(model.thread(tid)), () -> model.threads().stream().filter(t -> alive(t) != null).iterator());
    }

    private static ThreadInfo alive(ThreadInfo t) {
        return t != null && t.end() == null ? t : null;
    }

    /** How many PID namespaces below the tool's the task is in: 0 in the tool's own. */
    static int level(ThreadInfo t) {
        return t.nsIds().size();
    }

    /** Its id at that level: the kernel's tid at 0. */
    static int idAt(ThreadInfo t, int level) {
        return level == 0 ? t.tid() : t.nsIds().get(level - 1);
    }

    /**
     * The first traced task of {@code t}'s namespace at {@code level}: up its creators while they are
     * that deep (the namespace's init, made by a task of the level above, where the creators are known).
     */
    private static ThreadInfo firstAtLevel(ThreadInfo t, int level) {
        ThreadInfo at = t;
        while (at.creatorInfo() != null && level(at.creatorInfo()) >= level) at = at.creatorInfo();
        return at;
    }
}
