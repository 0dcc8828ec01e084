package dev.jthreadtrace.model;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Process records when tasks fold: a process's record folds after its last kept task, and the
 * records of the latest {@value #KEPT} such processes stay (their pids and exec chains, which the
 * tree, diff and the JVM notes read); an older one is let go and counted ({@link FoldedTasks#processesLetGo}),
 * so a program that forks without end costs a constant. A reused pid's newer record is never let go.
 */
final class FoldedProcesses {
    static final int KEPT = 4096;

    /** Per process (by tgid), how many of its tasks are kept. */
    private final Map<Integer, Integer> keptByTgid = new HashMap<>();
    /** The records of processes whose every task folded, oldest first. */
    private final ArrayDeque<ProcessInfo> folded = new ArrayDeque<>();
    private final FoldedTasks tasks;

    FoldedProcesses(FoldedTasks tasks) {
        this.tasks = tasks;
    }

    /** A task of process {@code tgid} is kept (it was just added). */
    void kept(int tgid) {
        keptByTgid.merge(tgid, 1, Integer::sum);
    }

    /** A task of process {@code tgid} folded; after its last, the process's record (in {@code processes}) folds too. */
    void folded(int tgid, Map<Integer, ProcessInfo> processes, boolean live) {
        if (keptByTgid.computeIfPresent(tgid, (k, n) -> n > 1 ? n - 1 : null) != null || live) return;
        ProcessInfo p = processes.get(tgid);
        if (p == null) return;
        folded.addLast(p);
        if (folded.size() <= KEPT) return;
        ProcessInfo oldest = folded.pollFirst();
        if (processes.remove(oldest.pid(), oldest)) tasks.processLetGo();
    }
}
