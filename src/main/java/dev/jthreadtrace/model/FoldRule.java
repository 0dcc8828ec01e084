package dev.jthreadtrace.model;

/**
 * Whether an ended task may be folded into its group, and if not, why: a task folds only when
 * nothing the model still holds needs its own record. The checks are in order, cheapest first;
 * {@link Needs} is what the model answers about the rest of the trace.
 */
public final class FoldRule {
    private FoldRule() {}

    /** Why a task is kept in full. */
    public enum Kept {
        /** It has not ended: only ended tasks fold (their record is final). */
        RUNNING,
        /** A kept task names it as its creator (that record points at it): children fold first, and a task with a live descendant always has a kept child. */
        HAS_KEPT_CHILD,
        /** It leads a process that still has live tasks: the process's row and its kernel children's parent. */
        LEADS_LIVE_PROCESS,
        /**
         * It exited without calling exit itself while its process lives: an execve in the process
         * would still make its end the exec's ({@link Exit.ReplacedByExec}), so its exit kind is not final.
         */
        END_NOT_FINAL,
        /** A pending call of a live task waits on it (a join of it, a wait on a lock it held): the BLOCKED section's edge. */
        WAITED_ON,
        /**
         * It ended after its process's scope ended (an exit_group, the main thread's exit): the leaks
         * section decides at the end. A JVM's scope end (main's return) comes with the agent's records,
         * at the end: its tasks may fold, and threads.leaked is then unknown ({@link FoldedMetrics}).
         */
        MAY_BE_LEAK
    }

    /** What the model knows about the rest of the trace. */
    public interface Needs {
        boolean hasKeptChild(ThreadInfo t);

        boolean processLive(int tgid);

        boolean waitedOn(ThreadInfo t);

        boolean mayBeLeak(ThreadInfo t);
    }

    /** Null when {@code t} may fold; else the first reason it is kept. */
    public static Kept whyKept(ThreadInfo t, Needs needs) {
        if (t.end() == null) return Kept.RUNNING;
        if (needs.hasKeptChild(t)) return Kept.HAS_KEPT_CHILD;
        if (t.tid() == t.tgid() && needs.processLive(t.tgid())) return Kept.LEADS_LIVE_PROCESS;
        if (t.exit() instanceof Exit.Exited x && !x.ownCall() && needs.processLive(t.tgid())) return Kept.END_NOT_FINAL;
        if (needs.waitedOn(t)) return Kept.WAITED_ON;
        if (needs.mayBeLeak(t)) return Kept.MAY_BE_LEAK;
        return null;
    }
}
