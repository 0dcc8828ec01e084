package dev.jthreadtrace.render;

import dev.jthreadtrace.model.FoldedFigures;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.FoldedTasks;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

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

    /** {@code @1.0ms..@9.5ms, lifetime max 2.0ms}: first start to last end, the longest one's life. */
    public static String span(FoldedGroup g) {
        FoldedFigures f = g.figures();
        return Units.at(f.firstStart()) + ".." + Units.at(f.lastEnd()) + ", lifetime max " + Units.duration(f.lifetimeMax());
    }
}
