package dev.jthreadtrace.model;

/**
 * What a fold does to the model's stores: the task's figures go into its group ({@link FoldedTasks}),
 * then every store keyed by the task forgets it, so its memory is let go. The table forgets it last
 * ({@link ThreadTable#foldDue}).
 */
final class TaskFolding {
    private final FoldedTasks folded;
    private final SyscallEffects effects;
    private final SettingsTracker settings;
    private final PendingCalls pending;

    TaskFolding(FoldedTasks folded, SyscallEffects effects, SettingsTracker settings, PendingCalls pending) {
        this.folded = folded;
        this.effects = effects;
        this.settings = settings;
        this.pending = pending;
    }

    /** Before each event: folds what is due ({@link ThreadTable#foldDue}); what the previous event folded was handed on. */
    void foldDue(ThreadTable table, java.util.function.Predicate<ThreadInfo> stillNeeded) {
        folded.nextEvent();
        table.foldDue(stillNeeded, t -> fold(t, table));
    }

    private void fold(ThreadInfo t, ThreadTable table) {
        FutexLog futex = effects.futex();
        FutexCounters f = futex.of(t);
        MmapCounters m = effects.mmap().of(t);
        boolean joined = futex.forget(t);
        boolean goRuntime = GoRuntime.owns(table.process(t.tgid()), table.thread(t.tgid()), t);
        Runnable lateJoin = folded.fold(t, f, m, joined, settings.inJvm(t), goRuntime);
        if (!joined) futex.foldedUnjoined(t, lateJoin);
        effects.mmap().forget(t);
        effects.stats().forget(t);
        settings.forget(t);
        pending.forget(t);
    }

    FoldedTasks folded() {
        return folded;
    }
}
