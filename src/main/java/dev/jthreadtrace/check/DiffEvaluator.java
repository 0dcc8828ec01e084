package dev.jthreadtrace.check;

import dev.jthreadtrace.diff.DiffMetric;
import dev.jthreadtrace.diff.RunDiff;
import dev.jthreadtrace.diff.SiteRow;
import dev.jthreadtrace.diff.SiteFigures;
import dev.jthreadtrace.text.Escape;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates assertions of {@code jthreadtrace diff}: a {@code diff.*} metric over what changed, any
 * other metric over the new run. A selector picks sites of either run by their threads' names or
 * their creation site; one that picks none fails, as in a trace, unless the metric counts threads.
 */
public final class DiffEvaluator {
    private DiffEvaluator() {}

    public static List<AssertionResult> evaluate(List<Assertion> assertions, RunDiff diff) {
        List<AssertionResult> results = new ArrayList<>();
        for (Assertion a : assertions) {
            Measured measured = a.metric() instanceof DiffMetric d ? measure(a, d, diff) : AssertionEvaluator.measure(a, diff.now().model());
            results.add(AssertionEvaluator.result(a, measured));
        }
        return results;
    }

    private static Measured measure(Assertion a, DiffMetric metric, RunDiff diff) {
        String name = a.selector().get("name"), site = a.selector().get("created_at");
        String unknown = name == null && site == null ? metric.unknown(diff) : metric.unknownSelected(diff);
        if (unknown != null) return new Measured.Unknown(unknown);
        if (name == null && site == null) return new Measured.Number(metric.total(diff));
        if (site != null && diff.rows().stream().noneMatch(r -> r.key().java())) {
            return new Measured.Empty("neither run has a Java creation site to match created_at against (no JVM view: --jvm off,"
                    + " a JVM older than 25, or --java-stack 0)");
        }
        List<SiteRow> rows = diff.rows().stream().filter(r -> (name == null || namedLike(r, Glob.compile(name)))
                && (site == null || createdAt(r, Glob.compile(site)))).toList();
        if (rows.isEmpty() && !metric.countsSelection()) {
            return new Measured.Empty("no site of either run made threads " + (name != null ? "named like \"" + Escape.text(name) + "\""
                    : "created at \"" + Escape.text(site) + "\"") + " (" + Selection.listed("sites", diff.rows().stream()
                    .map(SiteRow::label).toList()) + ")");
        }
        return new Measured.Number(metric.sum(rows));
    }

    private static boolean namedLike(SiteRow row, Glob glob) {
        for (SiteFigures f : new SiteFigures[] {row.base(), row.now()}) {
            if (f == null) continue;
            if (f.names().stream().anyMatch(n -> glob.matches(n))) return true;
            if (f.shapes().stream().anyMatch(n -> glob.matches(n))) return true;
        }
        return false;
    }

    private static boolean createdAt(SiteRow row, Glob glob) {
        for (SiteFigures f : new SiteFigures[] {row.base(), row.now()}) {
            if (f != null && f.createdAt() != null && glob.matches(f.createdAt())) return true;
        }
        return false;
    }
}
