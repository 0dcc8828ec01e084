package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.ExitNeed;
import dev.jthreadtrace.decode.ExitPolicy;
import dev.jthreadtrace.decode.ExitUse;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.FutexWord;
import dev.jthreadtrace.decode.SyscallTable;

import java.util.HashMap;
import java.util.Map;

/**
 * On the ptrace thread: where each recorded call is taken as finished ({@link ExitPolicy}: at its
 * exit stop, at its entry, or at the spawn event it causes), and what the rows' decisions ask of
 * the tracer's state: which futex words a traced task of an address space is waiting on now, and
 * whether a wake on the word has begun since such a wait began, and whether each such wait is
 * a private plain one (the only kind a wake finished at its entry is matched with). A task is counted from its
 * wait's entry until the wait is finished (its exit, or its task's end); a count left behind by
 * a task that vanished without a stop (an exec by another thread) only makes a wake wait for its
 * exit, never the other way round.
 */
final class ExitChoice implements ExitNeed.Context {
    /** The waits blocked on one word, how many of them have seen a wake begin, how many are not private plain waits. */
    private static final class Waiting {
        int waits, sawWake, others;
        /** The order of the latest wake's entry (0: none yet), in {@link #order}. */
        long lastWake;
    }

    private final ExitPolicy policy;
    private final Map<FutexWord, Waiting> waiting = new HashMap<>();
    /** Counts wait and wake entries, to tell whether a wait began before the latest wake. */
    private long order;
    /** The address space of the call being decided (Task#space: a private word is the kernel's futex per address space). */
    private int space;

    ExitChoice(ExitPolicy policy) {
        this.policy = policy;
    }

    /**
     * Where {@code task}'s recorded call {@code nr} (its arguments and entry captures on the task)
     * is finished. A futex wake is then one the waits blocked on its word have seen begin.
     */
    ExitNeed.Stop stop(Task task, int nr) {
        space = task.space;
        ExitNeed.Stop stop = policy.stop(nr, task.args, task.captures, this);
        if (nr == SyscallTable.FUTEX && FutexOps.isWake(task.args[1])) {
            long wake = ++order;
            sawWake(new FutexWord(task.space, task.args[0]), wake);
            // A WAKE_OP releases waiters of its second word too (a requeue moves them there: marked as well, which only costs exits).
            if (FutexOps.hasSecondWord(task.args[1])) sawWake(new FutexWord(task.space, task.args[4]), wake);
        }
        return stop;
    }

    private void sawWake(FutexWord word, long wake) {
        if (waiting.get(word) instanceof Waiting w) {
            w.sawWake = w.waits;
            w.lastWake = wake;
        }
    }

    /**
     * The task's call is followed to its exit: a futex wait is counted on its word until then. A
     * futex_waitv is counted on each of its words, and a restart_syscall whose registers are a
     * futex wait's (the kernel continues a timed wait a signal interrupted in it, its arguments
     * untouched) on that word, both as waits that are not private plain ones: every wake on their
     * words then stops at its exit, so model.FutexLog matches them with counted wakes only.
     */
    void entered(Task task) {
        boolean futexWait = task.nr == SyscallTable.FUTEX && FutexOps.isWait(task.args[1]);
        if (task.nr == SyscallTable.FUTEX_WAITV) {
            // each word once (a vector may list one twice): left() then takes off exactly what this counted
            long[] uaddrs = FutexOps.distinctWaitvWords(task.captures.bytes(0));
            FutexWord[] words = new FutexWord[uaddrs.length];
            for (int i = 0; i < uaddrs.length; i++) words[i] = new FutexWord(task.space, uaddrs[i]);
            wait(task, words, false);
        } else if (futexWait || task.nr == SyscallTable.RESTART_SYSCALL && FutexOps.isWait(task.args[1])) {
            wait(task, new FutexWord[] {new FutexWord(task.space, task.args[0])}, futexWait && FutexOps.isPrivatePlainWait(task.args[1]));
        }
    }

    private void wait(Task task, FutexWord[] words, boolean privatePlain) {
        task.waitPrivatePlain = privatePlain;
        for (FutexWord word : words) {
            Waiting w = waiting.computeIfAbsent(word, k -> new Waiting());
            w.waits++;
            if (!privatePlain) w.others++;
        }
        task.waitWord = words.length == 1 ? words[0] : words;
        task.waitOrder = ++order;
    }

    /** The task's call is finished (returned, taken as finished, or cut): its wait no longer counts. */
    void left(Task task) {
        Object held = task.waitWord;
        task.waitWord = null;
        if (held instanceof FutexWord word) left(task, word);
        else if (held instanceof FutexWord[] words) for (FutexWord word : words) left(task, word);
    }

    private void left(Task task, FutexWord word) {
        Waiting w = waiting.get(word);
        if (w == null) return;
        if (task.waitOrder < w.lastWake) w.sawWake--;
        if (!task.waitPrivatePlain) w.others--;
        if (--w.waits == 0) waiting.remove(word);
    }

    @Override
    public boolean uses(ExitUse use) {
        return policy.uses().contains(use);
    }

    @Override
    public boolean onlyUnwokenPrivateWaitsOn(long uaddr) {
        return !(waiting.get(new FutexWord(space, uaddr)) instanceof Waiting w) || w.sawWake == 0 && w.others == 0;
    }
}
