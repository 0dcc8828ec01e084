package dev.jthreadtrace.render;

import dev.jthreadtrace.model.FoldedFigures;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.FoldedTasks;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The words of a folded group's row, one wording for every section that shows one (the trees, the
 * timeline, the futex and mmap tables): "3 ended threads like worker-1 folded, tids 1203..1290".
 * The name is the target's, escaped as every name is; {@link #span} adds the group's times.
 */
public final class FoldedRows {
    private FoldedRows() {}

    /** {@code N ended threads like NAME folded, tids A..B} (one tid: {@code tid A}); the group past the row bound names no one. */
    public static String row(FoldedGroup g) {
        FoldedFigures f = g.figures();
        String what = SummaryFacts.plural(f.tasks(), "ended thread");
        String like = g.key().equals(FoldedTasks.OTHERS) ? " of other creators and names" : " like " + Escape.text(g.sampleName());
        String tids = f.tidMin() == f.tidMax() ? "tid " + f.tidMin() : "tids " + f.tidMin() + ".." + f.tidMax();
        return what + like + " folded, " + tids;
    }

    /**
     * The groups in the order of their first start, as the kept lanes are: a group folds when its
     * first task's turn comes, which is not when it started ({@code inner-2} ends, and folds, before
     * {@code inner-1}, its creator).
     */
    public static List<FoldedGroup> byStart(FoldedTasks folded) {
        List<FoldedGroup> groups = new ArrayList<>(folded.groups());
        groups.sort(Comparator.comparingLong(g -> g.figures().firstStart()));
        return groups;
    }

    /** {@code @1.0ms..@9.5ms, lifetime max 2.0ms}: first start to last end, the longest one's life. */
    public static String span(FoldedGroup g) {
        FoldedFigures f = g.figures();
        return Units.at(f.firstStart()) + ".." + Units.at(f.lastEnd()) + ", lifetime max " + Units.duration(f.lifetimeMax());
    }
}
