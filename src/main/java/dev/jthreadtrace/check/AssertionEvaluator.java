package dev.jthreadtrace.check;

import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.model.Metric;

import dev.jthreadtrace.text.Units;

import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Evaluates parsed assertions against a finished model. */
public final class AssertionEvaluator {
    /** What an inheritable thread-local reads when the thread did not inherit it. */
    public static final String NOT_INHERITED = "none";

    private AssertionEvaluator() {}

    public static List<AssertionResult> evaluate(List<Assertion> assertions, TraceModel model) {
        List<AssertionResult> results = new ArrayList<>();
        for (Assertion a : assertions) results.add(evaluate(a, model));
        return results;
    }

    static AssertionResult evaluate(Assertion a, TraceModel model) {
        String expected = a.operator().symbol() + " " + (a.string() != null ? "\"" + a.string() + "\"" : show(a.metric(), a.number()));
        if (a.metric().kind() == Metric.Kind.TEXT) return text(a, model, expected);
        if (a.metric().bySyscall()) {
            // syscalls{name="futex", thread="worker-*"}: the -c table's rows of those syscalls in those threads.
            Glob syscall = Glob.compile(a.selector().getOrDefault("name", "*"));
            List<ThreadInfo> threads = matching(model, a.selector().getOrDefault("thread", "*"));
            long actual = a.metric().sumOfRows(model.syscallStats().rows(threads).stream()
                    .filter(r -> syscall.matches(r.name())).toList());
            return new AssertionResult(a, a.operator().test(actual, a.number()), show(a.metric(), actual), expected);
        }
        String glob = a.selector().get("name");
        String site = a.selector().get("created_at");
        List<ThreadInfo> threads = matching(model, glob == null ? "*" : glob);
        if (site != null) {
            // threads{created_at="com.example.*"}: the first frame of the stack that started them.
            Glob at = Glob.compile(site);
            threads = threads.stream().filter(t -> t.java() != null && t.java().createdAt() != null
                    && at.matches(t.java().createdAt())).toList();
        }
        long actual = glob == null && site == null && a.metric().hasTotal() ? a.metric().total(model)
                : a.metric().sum(model, threads);
        return new AssertionResult(a, a.operator().test(actual, a.number()), show(a.metric(), actual), expected);
    }

    private static AssertionResult text(Assertion a, TraceModel model, String expected) {
        String glob = a.metric() == Metric.SPAWNED_BY ? a.selector().get("child") : a.selector().get("name");
        List<ThreadInfo> matching = matching(model, glob);
        if (matching.isEmpty()) return new AssertionResult(a, false, "no thread named like \"" + glob + "\"", expected);
        Set<String> values = new LinkedHashSet<>();
        for (ThreadInfo t : matching) {
            if (a.metric() == Metric.SPAWNED_BY) {
                ThreadInfo creator = model.creatorOf(t);
                values.add(creator == null ? "(none: the traced command)" : creator.name());
            } else {
                // The parser admits only known hooks and itl:NAME; a thread-local the thread did not
                // inherit reads "none", so the documented inherits{..., hook="itl:X"} == "none" can pass.
                String v = t.inheritedValue(a.selector().get("hook"));
                values.add(v == null ? NOT_INHERITED : v);
            }
        }
        Glob want = Glob.compile(a.string());
        boolean allMatch = values.stream().allMatch(v -> want.matches(v));
        boolean noneMatch = values.stream().noneMatch(v -> want.matches(v));
        boolean passed = a.operator() == Assertion.Operator.EQ ? allMatch : noneMatch;
        List<String> shown = values.stream().map(v -> "\"" + Escape.text(v) + "\"").toList();
        return new AssertionResult(a, passed, String.join(" | ", shown) + " (" + matching.size() + " thread"
                + (matching.size() == 1 ? "" : "s") + ")", expected);
    }

    private static List<ThreadInfo> matching(TraceModel model, String glob) {
        Glob p = Glob.compile(glob);
        return model.threads().stream().filter(t -> p.matches(t.name())).toList();
    }

    private static String show(Metric m, long v) {
        return switch (m.kind()) {
            case TIME -> Units.duration(v);
            case SIZE -> v + " B" + (v >= 1024 ? " (" + Units.bytes(v) + ")" : "");
            default -> Long.toString(v);
        };
    }
}
