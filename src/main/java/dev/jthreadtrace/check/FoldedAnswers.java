package dev.jthreadtrace.check;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.FoldedCreationSites;
import dev.jthreadtrace.model.FoldedFigures;
import dev.jthreadtrace.model.FoldedMetrics;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An assertion's answer once ended tasks folded ({@code --keep-ended}): the kept records' value
 * combined with the folded sums, the whole trace's or its selector's (registered before the trace,
 * so a folded task was counted into it at its fold). What the folded sums cannot give (a text
 * metric, a syscall figure of some threads, a selector not registered) is unknown, never the kept
 * tasks' value passed off as the trace's.
 */
final class FoldedAnswers {
    private FoldedAnswers() {}

    /**
     * The thread selectors of {@code assertions} (their {@code {name="glob"}}), under their text:
     * registered into the model before the trace, each folded task is counted into those it matches.
     */
    static Map<String, Predicate<ThreadInfo>> selectors(List<Assertion> assertions) {
        Map<String, Predicate<ThreadInfo>> out = new LinkedHashMap<>();
        for (Assertion a : assertions) {
            String glob = a.metric() instanceof Metric m ? threadGlob(a, m) : null;
            if (glob != null && !out.containsKey(glob)) {
                Glob g = Glob.compile(glob);
                out.put(glob, t -> g.matches(t.name()));
            }
        }
        return out;
    }

    /** The glob that picks an assertion's threads by name: {@code thread=} of a syscall metric, {@code child=} of spawned_by, else {@code name=}. */
    private static String threadGlob(Assertion a, Metric metric) {
        return a.selector().get(metric.bySyscall() ? "thread" : metric == Metric.SPAWNED_BY ? "child" : "name");
    }

    /**
     * Whether the assertion's threads are picked by a name glob that no folded task matched (it was
     * registered before the trace, so each fold was checked against it): then the kept records are
     * all its threads, and the assertion is answered as if nothing had folded.
     */
    static boolean noneFolded(Assertion a, Metric metric, TraceModel model) {
        String glob = threadGlob(a, metric);
        FoldedFigures selected = glob == null ? null : model.folded().selected(glob);
        return selected != null && selected.tasks() == 0;
    }

    static Measured measure(Assertion a, Metric metric, TraceModel model) {
        FoldedFigures all = model.folded().all();
        if (metric.kind() == Metric.Kind.TEXT) return unknown(all);
        String glob = a.selector().get(metric.bySyscall() ? "thread" : "name"), site = a.selector().get("created_at");
        if (metric.bySyscall()) {
            if (glob != null) return unknown(all);
            String syscalls = a.selector().get("name");
            var rows = Selection.rowsWithFolded(model, syscalls == null ? "*" : syscalls);
            if (rows.isEmpty() && syscalls != null) return new Measured.Empty(Selection.noSyscallCalls(model, model.threads(), syscalls));
            return new Measured.Number(metric.sumOfRows(rows));
        }
        if (glob == null && site == null && metric.hasTotal()) return measured(metric.answer(model));
        if (glob == null && site != null && metric == Metric.THREADS_COUNT) return createdAt(model, site);
        FoldedFigures selected = glob == null ? all : model.folded().selected(glob);
        if (selected == null) return unknown(all);
        List<ThreadInfo> threads = glob == null ? model.threads() : Selection.named(model, glob);
        if (site != null) {
            if (!Selection.hasCreationSites(model)) return new Measured.Empty(Selection.noCreationSites());
            threads = Selection.createdAt(threads, site);
        }
        if (threads.isEmpty() && selected.tasks() == 0 && !metric.countsSelection()) return new Measured.Empty(Selection.noThreadNamed(model, glob));
        return measured(FoldedMetrics.answer(metric, metric.sum(model, threads), selected, site != null));
    }

    /**
     * {@code threads{created_at="glob"}.count}: the kept threads created there and the folded ones,
     * whose start() records the agents' records still hold ({@link FoldedCreationSites}); a folded
     * task of no JVM has no creation site and counts nothing.
     */
    private static Measured createdAt(TraceModel model, String site) {
        Glob at = Glob.compile(site);
        boolean anyStack = Selection.hasCreationSites(model) || model.javaView().records().stream()
                .anyMatch(r -> r instanceof JavaRecord.Started s && !s.stack().isEmpty());
        if (!anyStack) return new Measured.Empty(Selection.noCreationSites());
        return measured(FoldedCreationSites.count(model, Selection.createdAt(model.threads(), site).size(), at::matches));
    }

    private static Measured measured(FoldedMetrics.Answer answer) {
        return switch (answer) {
            case FoldedMetrics.Answer.Value v -> new Measured.Number(v.value());
            // The result says "unknown: " before every reason: the model's words already start so.
            case FoldedMetrics.Answer.Unknown u -> new Measured.Unknown(u.why().replaceFirst("^unknown: ", ""));
        };
    }

    private static Measured unknown(FoldedFigures all) {
        return measured(FoldedMetrics.answer(Metric.INHERITS, 0, all, false));
    }
}
