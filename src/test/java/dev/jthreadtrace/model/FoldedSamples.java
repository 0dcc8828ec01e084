package dev.jthreadtrace.model;

import java.util.Map;

/** Folded groups for the tests of other packages (the fold itself is the model's). */
public final class FoldedSamples {
    private FoldedSamples() {}

    /** A churn of threads with these names, every one folded as it ended. */
    public static FoldedTasks churnFolded(String... names) {
        TraceModel model = FoldTasks.churn(names);
        FoldedTasks folded = new FoldedTasks(Map.of());
        for (ThreadInfo t : model.threads()) {
            if (t.tid() != FoldTasks.MAIN) folded.fold(t, model.futex().of(t), model.mmap().of(t), false, false, false);
        }
        return folded;
    }
}
