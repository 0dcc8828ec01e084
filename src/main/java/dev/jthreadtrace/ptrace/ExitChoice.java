package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.ExitNeed;
import dev.jthreadtrace.decode.ExitPolicy;
import dev.jthreadtrace.decode.ExitUse;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;

import java.util.HashMap;
import java.util.Map;

/**
 * On the ptrace thread: where each recorded call is taken as finished ({@link ExitPolicy}: at its
 * exit stop, at its entry, or at the spawn event it causes), and what the rows' decisions ask of
 * the tracer's state: which futex words a traced task of a process is waiting on now. A task is
 * counted from its wait's entry until the wait is finished (its exit, or its task's end); a count
 * left behind by a task that vanished without a stop (an exec by another thread) only makes a
 * wake wait for its exit, never the other way round.
 */
final class ExitChoice implements ExitNeed.Context {
    private record Word(int tgid, long uaddr) {}

    private final ExitPolicy policy;
    private final Map<Word, Integer> waiting = new HashMap<>();
    /** The process of the call being decided. */
    private int tgid;

    ExitChoice(ExitPolicy policy) {
        this.policy = policy;
    }

    /** Where {@code task}'s recorded call {@code nr} (its arguments and entry captures on the task) is finished. */
    ExitNeed.Stop stop(Task task, int nr) {
        tgid = task.tgid;
        return policy.stop(nr, task.args, task.captures, this);
    }

    /** The task's call is followed to its exit: a futex wait is counted on its word until then. */
    void entered(Task task) {
        if (task.nr != SyscallTable.FUTEX || !FutexOps.isWait(task.args[1])) return;
        Word word = new Word(task.tgid, task.args[0]);
        waiting.merge(word, 1, Integer::sum);
        task.waitWord = word;
    }

    /** The task's call is finished (returned, taken as finished, or cut): its wait no longer counts. */
    void left(Task task) {
        if (!(task.waitWord instanceof Word word)) return;
        task.waitWord = null;
        waiting.computeIfPresent(word, (w, n) -> n == 1 ? null : n - 1);
    }

    @Override
    public boolean uses(ExitUse use) {
        return policy.uses().contains(use);
    }

    @Override
    public boolean waiterOn(long uaddr) {
        return waiting.containsKey(new Word(tgid, uaddr));
    }
}
