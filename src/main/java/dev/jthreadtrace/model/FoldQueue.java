package dev.jthreadtrace.model;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The ended tasks kept in full, oldest end first, and the bound on them ({@code --keep-ended}):
 * past it, the oldest that {@link FoldRule} lets go are folded. One that must stay goes to the back,
 * to be asked again later (its children may have folded, its process ended); each look inspects a
 * fixed number of tasks, so a trace whose ended tasks all must stay pays a constant per end and
 * keeps more than the bound only for as long as they are needed.
 */
final class FoldQueue {
    /** Tasks inspected per look: enough to keep up with any rate of ends, one fold per end needing one inspection. */
    static final int INSPECTED_PER_LOOK = 64;

    private final int keepEnded;
    private final ArrayDeque<ThreadInfo> ended = new ArrayDeque<>();

    FoldQueue(int keepEnded) {
        if (keepEnded < 0) throw new IllegalArgumentException("keep-ended must be >= 0: " + keepEnded);
        this.keepEnded = keepEnded;
    }

    /** {@code t} ended (its end and exit are set): it is now a candidate, the newest. */
    void ended(ThreadInfo t) {
        ended.addLast(t);
    }

    /**
     * Folds the oldest foldable tasks while more than the bound are kept, each through {@code fold}
     * at once (the model then forgets it, so a creator whose last kept child just folded may fold
     * in the same look). Returns how many folded.
     */
    int foldDue(FoldRule.Needs needs, Consumer<ThreadInfo> fold) {
        int folded = 0;
        for (int inspected = 0; ended.size() > keepEnded && inspected < INSPECTED_PER_LOOK; inspected++) {
            ThreadInfo t = ended.pollFirst();
            if (FoldRule.whyKept(t, needs) == null) {
                fold.accept(t);
                folded++;
            } else {
                ended.addLast(t);
            }
        }
        return folded;
    }

    int keptEnded() {
        return ended.size();
    }

    int keepEnded() {
        return keepEnded;
    }
}
