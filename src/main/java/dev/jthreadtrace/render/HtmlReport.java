package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.ExitUse;
import dev.jthreadtrace.model.FutexLog;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One self-contained HTML file (no script, no network, no fonts) that follows the window's width:
 * a summary first (the terminal report's facts), the spawn tree beside the kernel's tree, folded
 * alike, with re-parented edges marked; a timeline with a time axis and a legend of every mark
 * (lanes, creation lines, setting changes, joins, the longest futex waits with their wakers); the
 * inherited-at-creation table showing only what differs; the assertion results. Built from the
 * model, like the text report, so a saved trace gives the same file, and whatever {@code --report}
 * prints. Every string from the traced program is escaped for text (control and bidi characters
 * made visible) and then for HTML. Its size grows with the folded rows, not the threads: a
 * 10 000-thread churn is one row of each tree and one lane (HtmlReportTest measures it).
 */
public final class HtmlReport {
    /** An assertion's result as the page shows it (render does not know the check package). */
    public record Assertion(String expression, boolean passed, String actual, String expected) {}

    /** The syscalls the page needs recorded whatever -e shows and --report prints: its futex waits and joins. */
    public static final List<String> NEEDS = FutexLog.SYSCALLS;
    /** The page's wake arrows are the who-woke-whom matching, which reads how many each wake released. */
    public static final Set<ExitUse> EXIT_USES = Set.of(ExitUse.FUTEX_WOKEN);
    /** Rows of the inherited table at most; the page says how many it left out. */
    static final int MAX_ROWS = 2000;

    private static final String STYLE = "<style>"
            + "body{font:13px/1.4 monospace;margin:1em;color:#222;overflow-wrap:anywhere}h1{font-size:17px}"
            + "h2{font-size:15px;margin:1.2em 0 .4em}#summary ul{margin:0;padding-left:1.2em}.unusual{color:#a33}"
            + ".trees{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,34em),1fr));gap:1em 2em}"
            + ".trees section{min-width:0}"
            + "ul.tree,ul.tree ul{list-style:none;padding-left:1.2em;margin:0;border-left:1px solid #bbb}ul.tree{border:0;padding:0}"
            + "summary{cursor:pointer}.members{margin:.2em 0 .2em 1.2em;color:#555}"
            + ".site{color:#555}.kind,.of{color:#777}.reparented,.rp{color:#a33}.cut{color:#777}"
            + ".of::before{content:'thread of '}.rp::before{content:'\\21b0  re-parented: created by '}"
            + "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
            + "#inherited td:nth-child(3){white-space:nowrap}mark{background:#fde2b8}.pass{color:#070}.fail{color:#b00;font-weight:bold}"
            + ".legend{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:.2em 1.5em}"
            + ".legend .mk,.legend .key{position:relative;display:inline-block;transform:none;vertical-align:middle}"
            + ".key{width:2em;height:10px}.key.cr,.key.wake{width:0;height:14px}"
            + ".tl{font-size:11px;border:1px solid #ddd}.row{display:flex}"
            + ".labels{flex:0 0 clamp(9em,22%,24em);min-width:0}"
            + ".labels div{height:" + HtmlTimeline.LANE + "px;line-height:" + HtmlTimeline.LANE + "px;white-space:nowrap;overflow:hidden;"
            + "text-overflow:ellipsis;padding-right:.5em}"
            + ".axis{flex:1;position:relative;height:18px;margin-right:2em;border-bottom:1px solid #888}"
            + ".tick{position:absolute;bottom:0;transform:translateX(-50%);border-left:1px solid #888;padding-left:2px;white-space:nowrap}"
            + ".tracks{flex:1;position:relative;margin-right:2em;min-width:0}"
            + ".tracks i,.tracks b{position:absolute}"
            + ".grid{top:0;bottom:0;border-left:1px solid #eee}"
            + ".life{height:10px;min-width:1px}.life.t{background:#8ab}.life.p{background:#a8b}"
            + ".cr{border-left:1px solid #555;width:0}"
            + ".wait{height:12px;background:rgba(80,80,80,.35)}.wake{border-left:1px dashed #c33;width:0}"
            + ".mk{font-weight:bold;line-height:" + HtmlTimeline.LANE + "px;transform:translateX(-50%);font-size:11px}"
            + ".folded{color:#555}.life.f{background:repeating-linear-gradient(90deg,#bbb 0 4px,transparent 4px 6px)}.mk.st{color:#264}.mk.en{color:#333}.mk.j{color:#36c}.mk.s{color:#c60}.mk sub{font-size:8px}"
            + "</style>";

    private final TraceModel model;
    private final Consumer<String> out;
    private final SpawnForest forest;

    private HtmlReport(TraceModel model, Consumer<String> out) {
        this.model = model;
        this.out = out;
        this.forest = new SpawnForest(model);
    }

    public static void write(TraceModel model, List<Assertion> assertions, Consumer<String> out) {
        new HtmlReport(model, out).page(assertions);
    }

    private void page(List<Assertion> assertions) {
        String command = String.join(" ", model.command());
        out.accept("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>jthreadtrace: " + h(command) + "</title>");
        out.accept(STYLE + "</head><body>");
        out.accept("<h1>jthreadtrace: " + h(command) + "</h1>");
        summary();
        new HtmlTrees(model, forest, out).write();
        new HtmlTimeline(model, forest, out).write();
        inherited();
        if (!assertions.isEmpty()) {
            out.accept("<h2>Assertions</h2><table id=\"assertions\"><tr><th></th><th>assertion</th><th>actual</th><th>expected</th></tr>");
            for (Assertion a : assertions) {
                out.accept("<tr><td class=\"" + (a.passed() ? "pass\">PASS" : "fail\">FAIL") + "</td><td>" + html(Escape.typed(a.expression())) + "</td><td>"
                        + h(a.actual()) + "</td><td>" + h(a.expected()) + "</td></tr>");
            }
            out.accept("</table>");
        }
        out.accept("</body></html>");
    }

    /** The terminal report's SUMMARY, from the same facts. */
    private void summary() {
        SummaryFacts f = SummaryFacts.of(model);
        out.accept("<section id=\"summary\"><h2>Summary</h2><ul>");
        out.accept("<li>" + Units.duration(f.endNs()) + (f.root() == null ? "" : " of " + HtmlTrees.label(f.root()) + ", " + h(f.ending())));
        out.accept("<li>" + SummaryFacts.plural(f.tasks(), "task") + ": " + SummaryFacts.plural(f.processes(), "process") + ", "
                + SummaryFacts.plural(f.threads(), "thread") + " (peak " + f.peak() + " alive at once)"
                + (f.virtual() == 0 ? "" : "; " + SummaryFacts.plural(f.virtual(), "virtual thread")));
        if (f.reparented() > 0) {
            out.accept("<li>" + f.reparented() + " re-parented by the kernel: " + h(f.reparentedWhy()) + " (the trees below, side by side)");
        }
        if (!f.waits().isEmpty()) {
            out.accept("<li>longest blocked in futex: " + String.join(", ", f.waits().stream()
                    .map(w -> (w.thread() != null ? HtmlTrees.label(w.thread()) : w.tid() + " " + h(w.name())) + " "
                            + Units.duration(w.blockedNs())).toList()));
        }
        if (f.folded() > 0) {
            out.accept("<li id=\"folded\">" + SummaryFacts.plural(f.folded(), "ended task") + " folded past --keep-ended "
                    + model.folded().keepEnded() + ": counted above, shown as groups of one creator and name, their own records let go");
        }
        out.accept(f.unusual().isEmpty() ? "<li>nothing unusual: every task ended, none was killed, none outlived main"
                : "<li class=\"unusual\">unusual: " + h(String.join("; ", f.unusual())));
        out.accept("</ul></section>");
    }

    /**
     * One row per thread, or per run of three or more threads of one creator that inherited the
     * same: only what differs from the first task (kernel settings) or from the creator (Java
     * settings) is listed, each marked; a dash when nothing does.
     */
    private void inherited() {
        ThreadInfo root = model.root();
        Hooks base = root == null ? null : root.inherited();
        out.accept("<h2>Inherited at creation</h2><p>What each thread started with that differs from " + (root == null ? "the first task"
                : HtmlTrees.label(root)) + " at its start (kernel settings) or from what its creator started with (Java settings);"
                + " name = its creator's name at that moment.</p>");
        out.accept("<table id=\"inherited\"><tr><th>thread</th><th>created by</th><th>when</th><th>created at</th><th>inherited</th></tr>");
        List<ThreadInfo> run = new ArrayList<>();
        String runKey = null;
        int rows = 0, created = 0, shown = 0;
        for (ThreadInfo t : model.threads()) {
            if (t.creator() == null || base == null) continue;
            created++;
            if (rows >= MAX_ROWS) continue;
            String values = differences(t, base);
            String key = t.creator() + " " + t.inherited().name() + " " + values;
            if (!key.equals(runKey)) {
                rows += inheritedRows(run, base);
                shown += run.size();
                run.clear();
                runKey = key;
            }
            run.add(t);
        }
        inheritedRows(run, base);
        int unshown = created - shown - run.size();
        out.accept("</table>" + (unshown > 0 ? "<p class=\"cut\">\u2026 " + unshown + " more threads (see --format jsonl)</p>" : ""));
        // A folded thread's settings are not kept: what it inherited from a creator that changed them is in the summary's count.
        if (model.folded().any()) out.accept("<p class=\"cut\">\u2026 " + SummaryFacts.plural(model.folded().all().tasks(), "folded thread")
                + " not listed (those that inherited a setting their creator changed are counted in the summary)</p>");
    }

    private int inheritedRows(List<ThreadInfo> run, Hooks base) {
        if (run.isEmpty()) return 0;
        ThreadInfo first = run.getFirst();
        String rest = "</td><td>" + HtmlTrees.label(model.thread(first.creator())) + "</td><td>" + Units.at(first.start())
                + (run.size() >= 3 ? ".." : "") + "</td><td>" + HtmlTrees.createdAt(first).replace(" created at ", "") + "</td><td>name="
                + h(first.inherited().name()) + differences(first, base) + "</td></tr>";
        if (run.size() >= 3) {
            out.accept("<tr class=\"group\" data-tids=\"" + first.tid() + ".." + run.getLast().tid() + "\"><td>"
                    + HtmlTrees.groupName(run) + rest);
            return 1;
        }
        for (ThreadInfo t : run) {
            out.accept("<tr data-tid=\"" + t.tid() + "\"><td>" + HtmlTrees.label(t) + (t == first ? rest : "</td><td>"
                    + HtmlTrees.label(model.thread(t.creator())) + "</td><td>" + Units.at(t.start()) + "</td><td>"
                    + HtmlTrees.createdAt(t).replace(" created at ", "") + "</td><td>name=" + h(t.inherited().name())
                    + differences(t, base) + "</td></tr>"));
        }
        return run.size();
    }

    /** {@code <br><mark>sigmask=[USR1]</mark> (its creator started with ...)} for each difference, or a dash. */
    private String differences(ThreadInfo t, Hooks base) {
        Map<String, String> diff = InheritedDiff.of(model, t, base);
        if (diff.isEmpty()) return " \u2014";
        StringBuilder b = new StringBuilder();
        diff.forEach((k, v) -> {
            b.append("<br><mark>").append(h(k)).append('=').append(h(v)).append("</mark>");
            String started = InheritedDiff.creatorStartedWith(model, t, k, v);
            if (started != null) b.append(" (its creator started with ").append(h(started)).append(')');
        });
        return b.toString();
    }

    /** Text from the traced program, made visible (controls, bidi overrides) and then safe for HTML. */
    static String h(String s) {
        return html(Escape.text(s == null ? "" : s));
    }

    /** Escaped text made safe for HTML. */
    static String html(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
