package dev.jthreadtrace.session;

import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.Map;
import java.util.function.Predicate;

/**
 * How the model of a trace folds ended tasks ({@code --keep-ended}): the bound, and the assertions'
 * thread selectors registered before the first event, so a task that folds is counted into those it
 * matches and {@code threads{name="w-*"}.count} stays exact. Every model of a trace, live or read
 * back, is made here.
 *
 * @param keepEnded ended tasks kept in full before the oldest fold; -1: every task kept (a trace
 *                  written before the bound existed reads so)
 * @param selectors the assertions' thread selectors by their text ({@code AssertionEvaluator.foldSelectors})
 */
public record FoldPlan(int keepEnded, Map<String, Predicate<ThreadInfo>> selectors) {
    /** What run, attach and demo keep unless told: below it nothing folds, and every report is as before the fold existed. */
    public static final int DEFAULT_KEEP_ENDED = 100_000;
    /** Every task kept in full: a model with no bound. */
    public static final FoldPlan UNBOUNDED = new FoldPlan(-1, Map.of());

    public FoldPlan {
        selectors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(selectors));
    }

    /** A new model with this bound and these selectors. */
    public TraceModel newModel() {
        return new TraceModel(keepEnded, selectors);
    }

    /**
     * The plan to read a saved trace back with: the bound it was written with ({@code saved}; null
     * for a trace written before the bound existed: unbounded), lowered to {@code asked} (a
     * {@code --keep-ended} given to report or check, null when not) but never raised, so the replay
     * folds where the live run folded, or earlier.
     */
    public static FoldPlan forSaved(Integer saved, Integer asked, Map<String, Predicate<ThreadInfo>> selectors) {
        int bound = saved == null || saved < 0 ? -1 : saved;
        if (asked != null && (bound < 0 || asked < bound)) bound = asked;
        return new FoldPlan(bound, selectors);
    }
}
