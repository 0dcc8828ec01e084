package dev.jthreadtrace.check;

import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.model.SyscallStats;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Evaluates parsed assertions against a finished model. A selector that matches nothing fails the
 * assertion (saying what it matched and what there is) unless it says {@code empty="pass"}; only
 * a count of the selected threads is an answer on an empty selection.
 */
public final class AssertionEvaluator {
    /** What an inheritable thread-local reads when the thread did not inherit it. */
    public static final String NOT_INHERITED = "none";

    private AssertionEvaluator() {}

    public static List<AssertionResult> evaluate(List<Assertion> assertions, TraceModel model) {
        List<AssertionResult> results = new ArrayList<>();
        for (Assertion a : assertions) results.add(evaluate(a, model));
        return results;
    }

    /**
     * The thread selectors of {@code assertions}, to register into the model before the trace
     * ({@code TraceModel(keepEnded, selectors)}): a task that folds is counted into those it matches.
     */
    public static java.util.Map<String, java.util.function.Predicate<ThreadInfo>> foldSelectors(List<Assertion> assertions) {
        return FoldedAnswers.selectors(assertions);
    }

    static AssertionResult evaluate(Assertion a, TraceModel model) {
        return result(a, measure(a, model));
    }

    /** What a trace metric measures on one trace. */
    static Measured measure(Assertion a, TraceModel model) {
        Metric metric = (Metric) a.metric();
        String unknown = Unanswered.why(metric, model);
        if (unknown != null) return new Measured.Unknown(unknown);
        if (model.folded().any() && !FoldedAnswers.noneFolded(a, metric, model)) return FoldedAnswers.measure(a, metric, model);
        return metric.kind() == Metric.Kind.TEXT ? text(a, model) : metric.bySyscall() ? bySyscall(a, metric, model)
                : overThreads(a, metric, model);
    }

    /** The result of an assertion from what its metric measured. */
    static AssertionResult result(Assertion a, Measured measured) {
        String expected = a.operator().symbol() + " " + (a.string() != null ? "\"" + a.string() + "\"" : show(a.metric().kind(), a.number()));
        return switch (measured) {
            case Measured.Empty e -> new AssertionResult(a, a.emptyPasses(), e.why() + (a.emptyPasses() ? " (empty=\"pass\")" : ""),
                    expected);
            case Measured.Unknown u -> new AssertionResult(a, false, "unknown: " + u.why(), expected);
            case Measured.Number n -> new AssertionResult(a, a.operator().test(n.value(), a.number()), show(a.metric().kind(), n.value()),
                    expected);
            case Measured.Texts t -> {
                Glob want = Glob.compile(a.string());
                boolean allMatch = t.values().stream().allMatch(v -> want.matches(v));
                boolean noneMatch = t.values().stream().noneMatch(v -> want.matches(v));
                List<String> shown = t.values().stream().map(v -> "\"" + Escape.text(v) + "\"").toList();
                yield new AssertionResult(a, a.operator() == Assertion.Operator.EQ ? allMatch : noneMatch, String.join(" | ", shown)
                        + " (" + t.threads() + " thread" + (t.threads() == 1 ? "" : "s") + ")", expected);
            }
        };
    }

    /** syscalls{name="futex", thread="worker-*"}: the -c table's rows of those syscalls in those threads. */
    private static Measured bySyscall(Assertion a, Metric metric, TraceModel model) {
        String threadGlob = a.selector().get("thread"), syscallGlob = a.selector().get("name");
        List<ThreadInfo> threads = threadGlob == null ? model.threads() : Selection.named(model, threadGlob);
        if (threads.isEmpty()) return new Measured.Empty(Selection.noThreadNamed(model, threadGlob));
        List<SyscallStats.Row> rows = Selection.rows(model, threads, syscallGlob == null ? "*" : syscallGlob);
        if (rows.isEmpty() && syscallGlob != null) return new Measured.Empty(Selection.noSyscallCalls(model, threads, syscallGlob));
        return new Measured.Number(metric.sumOfRows(rows));
    }

    private static Measured overThreads(Assertion a, Metric metric, TraceModel model) {
        String glob = a.selector().get("name"), site = a.selector().get("created_at");
        if (glob == null && site == null && metric.hasTotal()) return new Measured.Number(metric.total(model));
        List<ThreadInfo> threads = glob == null ? model.threads() : Selection.named(model, glob);
        boolean countsThreads = metric.countsSelection();
        if (threads.isEmpty() && !countsThreads) return new Measured.Empty(Selection.noThreadNamed(model, glob));
        if (site != null) {
            // A count of threads created at a site is 0 when none was; but with no creation stack in the whole
            // trace it would be 0 whatever the program did.
            if (!Selection.hasCreationSites(model)) return new Measured.Empty(Selection.noCreationSites());
            threads = Selection.createdAt(threads, site);
        }
        return new Measured.Number(metric.sum(model, threads));
    }

    private static Measured text(Assertion a, TraceModel model) {
        String glob = a.metric() == Metric.SPAWNED_BY ? a.selector().get("child") : a.selector().get("name");
        List<ThreadInfo> matching = Selection.named(model, glob);
        if (matching.isEmpty()) return new Measured.Empty(Selection.noThreadNamed(model, glob));
        String hook = a.selector().get("hook");
        // A hook no thread has (a typo, or a thread-local no thread inherited) would read "none" everywhere.
        if (hook != null && !Selection.anyHas(model, hook)) return new Measured.Empty(Selection.noHook(model, hook));
        Hook known = hook == null ? null : Hook.byKey(hook);
        long unread = known == null ? 0 : matching.stream().filter(t -> !t.inherited().known(known)).count();
        if (unread > 0) {
            return new Measured.Unknown(unread + " of the " + matching.size() + " thread" + (matching.size() == 1 ? "" : "s")
                    + " started with a " + hook + " the tracer could not read (a non-dumpable process, traced without CAP_SYS_PTRACE)");
        }
        Set<String> values = new LinkedHashSet<>();
        for (ThreadInfo t : matching) {
            if (a.metric() == Metric.SPAWNED_BY) {
                ThreadInfo creator = model.creatorOf(t);
                values.add(creator == null ? "(none: the traced command)" : creator.name());
            } else {
                // A thread-local this thread did not inherit reads "none": inherits{..., hook="itl:X"} == "none".
                String v = t.inheritedValue(hook);
                values.add(v == null ? NOT_INHERITED : v);
            }
        }
        return new Measured.Texts(values, matching.size());
    }

    static String show(Metric.Kind kind, long v) {
        return switch (kind) {
            case TIME -> Units.duration(v);
            case SIZE -> v + " B" + (v >= 1024 ? " (" + Units.bytes(v) + ")" : "");
            default -> Long.toString(v);
        };
    }
}
