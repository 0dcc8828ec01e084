package dev.jthreadtrace.render;

import dev.jthreadtrace.diff.Change;
import dev.jthreadtrace.diff.RunDiff;
import dev.jthreadtrace.diff.RunProfile;
import dev.jthreadtrace.diff.SiteFigures;
import dev.jthreadtrace.diff.SiteRow;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code jthreadtrace diff} for people: the two runs, the changes one per line ({@code +} new,
 * {@code -} vanished, {@code ~} changed), then every site with its threads, peak and futex wait
 * time in both runs. Every name and value from the traced programs is escaped.
 */
public final class DiffReport {
    /** The site column's widest: longer labels are cut, the whole one is in the JSONL. */
    private static final int SITE_WIDTH = 90;

    private final RunDiff diff;
    private final Palette palette;
    private final Consumer<String> out;

    private DiffReport(RunDiff diff, Palette palette, Consumer<String> out) {
        this.diff = diff;
        this.palette = palette;
        this.out = out;
    }

    public static void render(RunDiff diff, Palette palette, Consumer<String> out) {
        DiffReport report = new DiffReport(diff, palette, out);
        report.runs();
        report.changes();
        report.sites();
    }

    private void runs() {
        out.accept(run("BASE", diff.base()));
        out.accept(run("NEW ", diff.now()));
        if (diff.unlike() != null) out.accept(palette.mark("!") + " not alike: " + Escape.text(diff.unlike()));
    }

    private static String run(String which, RunProfile p) {
        String command = Escape.text(String.join(" ", p.model().command()));
        return which + "  " + Escape.text(p.name()) + ": " + Units.cut(command, 80) + "  (" + p.tasks() + " task" + (p.tasks() == 1 ? "" : "s")
                + (p.folded() > 0 ? ", " + p.folded() + " of them folded past --keep-ended " + p.model().folded().keepEnded() + ", not compared" : "")
                + (p.jvmOwnThreads() > 0 ? ", " + p.jvmOwnThreads() + " of them the JVM's own, not compared" : "")
                + (p.goRuntimeThreads() > 0 ? ", " + p.goRuntimeThreads() + " of them the Go runtime's, not compared" : "") + "; peak "
                + p.model().peakLive() + "; " + p.ending() + "; " + (p.cut() ? "cut short: duration unknown" : Units.duration(p.model().endNs())) + ")";
    }

    private void changes() {
        out.accept("");
        out.accept(palette.heading("CHANGES"));
        for (Change c : diff.changes()) out.accept("  " + line(c));
        long inherited = diff.count(Change.SettingChanged.class), execs = diff.count(Change.ExecChanged.class);
        long folded = diff.base().folded() + diff.now().folded();
        if (diff.changes().isEmpty() && folded > 0) {
            out.accept("no change among the kept threads: the same sites, inherited settings and execs; " + folded + " folded thread"
                    + (folded == 1 ? "" : "s") + " (--keep-ended) and the thread counts are not compared");
            return;
        }
        out.accept(diff.changes().isEmpty() ? "no change: the same sites, thread counts, inherited settings and execs"
                : diff.changes().size() + " change" + (diff.changes().size() == 1 ? "" : "s") + ": "
                + diff.count(Change.NewSite.class) + " new site(s), " + diff.count(Change.VanishedSite.class) + " vanished, "
                + diff.count(Change.CountChanged.class) + " count(s), " + inherited + " inherited setting(s), " + execs + " exec(s)"
                + (diff.unlike() == null ? "" : ", " + (diff.count(Change.CommandChanged.class) + diff.count(Change.EndChanged.class))
                + " of the runs themselves"));
    }

    private String line(Change change) {
        return switch (change) {
            case Change.NewSite n -> palette.mark("+") + " new site       " + site(n.row()) + "  " + made(n.row(), n.row().now());
            case Change.VanishedSite v -> palette.mark("-") + " vanished site  " + site(v.row()) + "  " + made(v.row(), v.row().base());
            case Change.CountChanged c -> palette.mark("~") + (c.row().key().process() ? " process count  " : " thread count   ")
                    + site(c.row()) + "  " + c.base() + " → " + c.now();
            case Change.SettingChanged s -> palette.mark("~") + " inherited      " + site(s.row()) + "  " + Escape.text(s.hook()) + ": "
                    + values(s.base()) + " → " + values(s.now());
            case Change.CommandChanged n -> palette.mark("~") + " command        " + Escape.text(String.join(" ", n.base())) + " → "
                    + Escape.text(String.join(" ", n.now()));
            case Change.EndChanged n -> palette.mark("~") + " ended          " + n.base() + " → " + n.now();
            case Change.ExecChanged e -> palette.mark(e.base() == 0 ? "+" : e.now() == 0 ? "-" : "~") + " exec           "
                    + Escape.text(e.path()) + "  " + e.base() + " → " + e.now() + " time" + (e.now() == 1 ? "" : "s");
        };
    }

    /** {@code java: dev.acme.Pool.start(Pool.java:12) (pool-1-thread-1, …)}. */
    private static String site(SiteRow row) {
        SiteFigures any = row.now() != null ? row.now() : row.base();
        String names = row.key().java() ? " (" + String.join(", ", any.names().stream().map(Escape::text).toList())
                + (any.count() > any.names().size() ? ", …" : "") + ")" : "";
        return Escape.text(row.key().program()) + ": " + Escape.text(row.label()) + names;
    }

    /** {@code 2 threads: worker-1, worker-2} or {@code 5 processes: server, …}. */
    private static String made(SiteRow row, SiteFigures f) {
        String what = row.key().process() ? (f.count() == 1 ? " process" : " processes") : (f.count() == 1 ? " thread" : " threads");
        return f.count() + what + (f.names().isEmpty() ? "" : ": "
                + String.join(", ", f.names().stream().map(Escape::text).toList()) + (f.count() > f.names().size() ? ", …" : ""));
    }

    private static String values(Set<String> values) {
        return values.isEmpty() ? "(not inherited)" : String.join(" | ", values.stream().map(Escape::text).toList());
    }

    private void sites() {
        out.accept("");
        List<String> labels = diff.rows().stream().map(r -> Units.cut(site(r), SITE_WIDTH)).toList();
        int width = Math.max(20, labels.stream().mapToInt(Units::width).max().orElse(0)) + 2;
        out.accept(palette.heading("   " + Units.pad("SITES (base → new)", width) + Units.padLeft("threads", 12) + Units.padLeft("peak", 12)
                + Units.padLeft("futex wait", 24)));
        for (int i = 0; i < diff.rows().size(); i++) {
            SiteRow r = diff.rows().get(i);
            String mark = r.isNew() ? "+" : r.vanished() ? "-" : changed(r) ? "~" : " ";
            out.accept(" " + palette.mark(mark) + " " + Units.pad(labels.get(i), width)
                    + Units.padLeft(r.count(false) + " → " + r.count(true), 12)
                    + Units.padLeft(r.peak(false) + " → " + r.peak(true), 12)
                    + Units.padLeft(futexWait(diff.base(), r.futexWaitNs(false)) + " → " + futexWait(diff.now(), r.futexWaitNs(true)), 24));
        }
        out.accept("(peak and futex wait vary from run to run: shown, not counted as changes; assert them with diff.threads.peak"
                + " and diff.futex.wait.time)");
        if (diff.base().folded() > 0 || diff.now().folded() > 0) {
            out.accept("(a run with folded threads: its sites, counts and inherited settings are those of its kept threads, and the"
                    + " diff.* metrics of sites are unknown)");
        }
        if (diff.base().cut() || diff.now().cut()) {
            out.accept("(a run cut short: its futex wait is unknown, a wait pending at the cut left no record; its counts and peaks"
                    + " are those of the records it holds)");
        }
    }

    /** A run's time blocked at a site; unknown in a run cut short, never the 0 ns of the waits it lost. */
    private static String futexWait(RunProfile run, long ns) {
        return run.cut() ? "unknown" : Units.duration(ns);
    }

    private boolean changed(SiteRow row) {
        return diff.changes().stream().anyMatch(c -> c instanceof Change.CountChanged cc && cc.row() == row
                || c instanceof Change.SettingChanged s && s.row() == row);
    }
}
