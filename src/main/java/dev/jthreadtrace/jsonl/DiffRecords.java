package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.diff.Change;
import dev.jthreadtrace.diff.DiffMetric;
import dev.jthreadtrace.diff.RunDiff;
import dev.jthreadtrace.diff.RunProfile;
import dev.jthreadtrace.diff.SiteFigures;
import dev.jthreadtrace.diff.SiteRow;
import dev.jthreadtrace.render.Output;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code jthreadtrace diff --format jsonl}: one JSON object per line, each with {@code "v"} (this
 * format's version) and a {@code type}: {@code diff} (the two runs), a {@code site} per site of
 * either run (its kind, java, thread or process, and its figures in each, null where it made
 * nothing), a {@code change} per change, an {@code assertion} per assertion and a
 * {@code diff_summary} with every {@code diff.*} metric.
 * Values are the traced programs' as they are: JSON escapes its own.
 */
public final class DiffRecords {
    /** Bumped when a field changes meaning or goes away. */
    public static final int VERSION = 1;

    private DiffRecords() {}

    public static void write(RunDiff diff, List<SavedAssertion> results, Output out) {
        out.line(record("diff").put("base", run(diff.base())).put("new", run(diff.now())).toString());
        for (SiteRow r : diff.rows()) {
            out.line(record("site").put("program", r.key().program()).put("java", r.key().java()).put("kind", r.key().kind().word())
                    .put("key", r.key().key())
                    .put("label", r.label()).put("status", r.isNew() ? "new" : r.vanished() ? "vanished" : "both")
                    .put("base", figures(r.base(), diff.base().cut())).put("new", figures(r.now(), diff.now().cut())).toString());
        }
        for (Change c : diff.changes()) out.line(change(c).toString());
        for (SavedAssertion r : results) {
            out.line(record(JsonlFields.T_ASSERTION).put(JsonlFields.EXPR, r.expr()).put(JsonlFields.PASSED, r.passed())
                    .put(JsonlFields.ACTUAL, r.actual()).put(JsonlFields.EXPECTED, r.expected()).toString());
        }
        Map<String, String> unknown = new LinkedHashMap<>();
        for (DiffMetric m : DiffMetric.values()) if (m.unknown(diff) != null) unknown.put(m.key(), m.unknown(diff));
        out.line(record("diff_summary").put("changes", diff.changes().size()).put("metrics", DiffMetric.summary(diff))
                .put("unknown", unknown).toString());
    }

    private static Json record(String type) {
        return Json.object().put(JsonlFields.V, VERSION).put(JsonlFields.TYPE, type);
    }

    private static Json run(RunProfile p) {
        Json run = Json.object().put("file", p.name()).put("command", p.model().command()).put("tasks", p.tasks())
                .put("jvm_own_threads", p.jvmOwnThreads()).put("go_runtime_threads", p.goRuntimeThreads()).put("peak", p.model().peakLive())
                .put("end", p.ending()).put("cut_short", p.cut())
                .put("duration_ns", p.cut() ? null : p.model().endNs());
        // Only a run that folded has it: "tasks" counts them, the sites do not.
        return p.folded() > 0 ? run.put("folded", p.folded()) : run;
    }

    /** {@code cut}: the run was cut short, so its time blocked is unknown (null), not the 0 ns of the waits it lost. */
    private static Json figures(SiteFigures f, boolean cut) {
        if (f == null) return null;
        return Json.object().put("threads", f.count()).put("peak", f.peak()).put("futex_wait_ns", cut ? null : f.futexWaitNs())
                .put("names", List.copyOf(f.names())).put("created_at", f.createdAt())
                .put("inherited", f.inherited().entrySet().stream().collect(Collectors.toMap(
                        Map.Entry::getKey, e -> List.copyOf(e.getValue()), (a, b) -> a, LinkedHashMap::new)));
    }

    /** A change at a site: its key, its kind (java, thread, process) and its program. */
    private static Json siteChange(String kind, SiteRow row) {
        return record("change").put("kind", kind).put("site", row.key().key()).put("site_kind", row.key().kind().word())
                .put("program", row.key().program());
    }

    private static Json change(Change c) {
        return switch (c) {
            case Change.NewSite n -> siteChange("new_site", n.row()).put("new", n.row().count(true));
            case Change.VanishedSite v -> siteChange("vanished_site", v.row()).put("base", v.row().count(false));
            case Change.CountChanged n -> siteChange(n.row().key().process() ? "process_count" : "thread_count", n.row())
                    .put("base", n.base()).put("new", n.now());
            case Change.SettingChanged s -> siteChange("inherited", s.row()).put("hook", s.hook()).put("base", List.copyOf(s.base()))
                    .put("new", List.copyOf(s.now()));
            case Change.CommandChanged n -> record("change").put("kind", "command").put("base", n.base()).put("new", n.now());
            case Change.EndChanged n -> record("change").put("kind", "end").put("base", n.base()).put("new", n.now());
            case Change.ExecChanged e -> record("change").put("kind", "exec").put("path", e.path()).put("base", e.base())
                    .put("new", e.now());
        };
    }
}
