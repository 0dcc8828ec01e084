package dev.jthreadtrace.ptrace;

import java.util.Arrays;

/**
 * The stops collected in one round of waitpid, resumed together once every pending stop has been
 * handled, in the order they were seen: a task that stops constantly cannot starve the others.
 * The signal to deliver goes with each task (0: none).
 */
final class ResumeBatch {
    /** How to resume one task (PTRACE_SYSCALL or PTRACE_CONT is the tracer's choice). */
    @FunctionalInterface
    interface Resumer {
        void resume(int tid, int signal);
    }

    private int[] tids = new int[64];
    private int[] signals = new int[64];
    private int count;

    void add(int tid, int signal) {
        if (count == tids.length) {
            tids = Arrays.copyOf(tids, count * 2);
            signals = Arrays.copyOf(signals, count * 2);
        }
        tids[count] = tid;
        signals[count] = signal;
        count++;
    }

    /** Resumes every task added since the last call, then starts a new batch. */
    void resumeAll(Resumer resumer) {
        for (int i = 0; i < count; i++) resumer.resume(tids[i], signals[i]);
        count = 0;
    }

    int size() {
        return count;
    }
}
