package dev.jthreadtrace.render;

import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One self-contained HTML file (no script, no network, no fonts): the spawn tree beside the
 * kernel's tree with re-parented edges marked, a timeline (SVG: a lane per thread or folded group,
 * lifetime bars, creation arrows, setting changes, the longest futex waits with their wakers), the
 * inherited-at-creation table and the assertion results. Built from the model, like the text
 * report, so a saved trace gives the same file. Every string from the traced program is escaped
 * for text (control and bidi characters made visible) and then for HTML.
 */
public final class HtmlReport {
    /** An assertion's result as the page shows it (render does not know the check package). */
    public record Assertion(String expression, boolean passed, String actual, String expected) {}

    private static final int MAX_LANES = 5000, LANE = 14, WIDTH = 1100, LABEL = 260;

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
        out.accept("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jthreadtrace: " + h(command) + "</title>");
        out.accept("<style>body{font:13px/1.4 monospace;margin:1em;color:#222}h2{font-size:15px;margin:1.2em 0 .4em}"
                + ".trees{display:flex;gap:2em;align-items:flex-start}.trees section{flex:1;overflow:auto}"
                + "ul.tree,ul.tree ul{list-style:none;padding-left:1.2em;margin:0;border-left:1px solid #bbb}"
                + "ul.tree{border:0;padding:0}.site{color:#555}.kind{color:#777}.reparented{color:#a33}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
                + ".pass{color:#070}.fail{color:#b00;font-weight:bold}svg text{font:11px monospace}</style></head><body>");
        out.accept("<h1>jthreadtrace: " + h(command) + "</h1>");
        out.accept("<p>" + model.threads().size() + " threads and processes, " + Units.duration(model.endNs())
                + (model.targetExit() == null ? "" : ", exit " + model.targetExit().shellStatus()) + "</p>");
        out.accept("<div class=\"trees\"><section><h2>Threads by creator</h2><ul class=\"tree\" id=\"spawn-tree\">");
        for (ThreadInfo root : forest.roots) spawnNode(root);
        out.accept("</ul></section><section><h2>Kernel tree (by PPid: what ps and pstree show)</h2><ul class=\"tree\" id=\"kernel-tree\">");
        kernelTree();
        out.accept("</ul></section></div>");
        timeline();
        inherited();
        if (!assertions.isEmpty()) {
            out.accept("<h2>Assertions</h2><table id=\"assertions\"><tr><th></th><th>assertion</th><th>actual</th><th>expected</th></tr>");
            for (Assertion a : assertions) {
                out.accept("<tr><td class=\"" + (a.passed() ? "pass\">PASS" : "fail\">FAIL") + "</td><td>" + h(a.expression()) + "</td><td>"
                        + h(a.actual()) + "</td><td>" + h(a.expected()) + "</td></tr>");
            }
            out.accept("</table>");
        }
        out.accept("</body></html>");
    }

    private void spawnNode(ThreadInfo t) {
        out.accept("<li " + attributes(t) + ">" + label(t) + createdAt(t)
                + (t.existedAtAttach() ? " <span class=\"kind\">existed at attach</span>" : "")
                + (t.startedForAttach() ? " <span class=\"kind\">for jthreadtrace's attach</span>" : ""));
        List<List<ThreadInfo>> groups = SpawnForest.foldSiblings(forest.children(t), forest);
        if (!groups.isEmpty()) {
            out.accept("<ul>");
            for (List<ThreadInfo> group : groups) {
                if (group.size() == 1) {
                    spawnNode(group.getFirst());
                    continue;
                }
                ThreadInfo first = group.getFirst(), last = group.getLast();
                out.accept("<li class=\"group\"><details><summary>" + first.tid() + ".." + last.tid() + " " + h(first.name())
                        + ".." + h(last.name()) + " \u00d7" + group.size() + createdAt(first) + "</summary><ul>");
                for (ThreadInfo member : group) spawnNode(member);
                out.accept("</ul></details></li>");
            }
            out.accept("</ul>");
        }
        out.accept("</li>");
    }

    /** Tasks under their kernel parent (PPid); a thread's PPid is its process's parent, which the page marks. */
    private void kernelTree() {
        KernelForest forest = KernelForest.of(model);
        for (int root : forest.roots()) {
            out.accept("<li data-ppid-root=\"" + root + "\">" + root + " <span class=\"kind\">(not traced)</span><ul>");
            for (ThreadInfo t : forest.children(root)) kernelNode(t, forest, 0);
            out.accept("</ul></li>");
        }
    }

    private void kernelNode(ThreadInfo t, KernelForest forest, int depth) {
        String note = t.isThread() ? " <span class=\"kind\">thread of " + t.tgid() + "</span>" : "";
        if (t.reparented()) {
            note += " <span class=\"reparented\" data-reparented-from=\"" + t.creator() + "\">\u21b0 re-parented: created by "
                    + label(model.thread(t.creator())) + "</span>";
        }
        out.accept("<li data-ktid=\"" + t.tid() + "\" data-ppid=\"" + t.osParent() + "\">" + label(t) + note);
        List<ThreadInfo> children = t.isThread() || depth > 200 ? List.of() : forest.children(t.tid());
        if (!children.isEmpty()) {
            out.accept("<ul>");
            for (ThreadInfo c : children) kernelNode(c, forest, depth + 1);
            out.accept("</ul>");
        }
        out.accept("</li>");
    }

    /** Lanes in spawn-tree order, a folded group of siblings as one lane. */
    private void timeline() {
        List<List<ThreadInfo>> lanes = new ArrayList<>();
        for (ThreadInfo root : forest.roots) collectLanes(root, lanes);
        boolean cut = lanes.size() > MAX_LANES;
        if (cut) lanes = lanes.subList(0, MAX_LANES);
        Map<ThreadInfo, Integer> laneOf = new IdentityHashMap<>();
        for (int i = 0; i < lanes.size(); i++) for (ThreadInfo t : lanes.get(i)) laneOf.put(t, i);
        long end = Math.max(1, model.endNs());
        int height = lanes.size() * LANE + 20;
        out.accept("<h2>Timeline (0 to " + Units.duration(end) + ")</h2>" + (cut ? "<p>the first " + MAX_LANES + " lanes</p>" : ""));
        out.accept("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + (LABEL + WIDTH + 20) + "\" height=\"" + height + "\">");
        for (int i = 0; i < lanes.size(); i++) {
            List<ThreadInfo> lane = lanes.get(i);
            ThreadInfo first = lane.getFirst();
            long start = lane.stream().mapToLong(ThreadInfo::start).min().orElse(0);
            long stop = lane.stream().mapToLong(t -> t.end() == null ? end : t.end()).max().orElse(end);
            int y = i * LANE + 10;
            String name = lane.size() == 1 ? first.tid() + " " + first.name() : first.tid() + ".. " + first.name() + " \u00d7" + lane.size();
            out.accept("<text x=\"0\" y=\"" + (y + 9) + "\">" + h(Units.cut(name, 36)) + "</text>"
                    + "<rect class=\"life\" data-lane-tid=\"" + first.tid() + "\" x=\"" + x(start, end) + "\" y=\"" + (y + 2) + "\" width=\""
                    + Math.max(1, x(stop, end) - x(start, end)) + "\" height=\"" + (LANE - 4) + "\" fill=\""
                    + (first.isThread() ? "#8ab" : "#a8b") + "\"><title>" + h(name) + ": " + Units.at(start) + " to " + Units.at(stop)
                    + "</title></rect>");
            ThreadInfo creator = first.creatorInfo();
            Integer from = creator == null ? null : laneOf.get(creator);
            if (from != null) {
                out.accept("<line class=\"created\" x1=\"" + x(first.start(), end) + "\" y1=\"" + (from * LANE + 17) + "\" x2=\""
                        + x(first.start(), end) + "\" y2=\"" + (y + 7) + "\" stroke=\"#555\" stroke-width=\"1\"><title>" + h(creator.name())
                        + " created " + h(first.name()) + " " + Units.at(first.start()) + "</title></line>");
            }
        }
        for (HookChange c : model.hookChanges()) {
            ThreadInfo t = model.thread(c.tid());
            Integer lane = t == null ? null : laneOf.get(t);
            if (lane == null) continue;
            out.accept("<circle class=\"setting\" cx=\"" + x(c.ns(), end) + "\" cy=\"" + (lane * LANE + 17) + "\" r=\"3\" fill=\"#c60\"><title>"
                    + h(c.hook().key() + ": " + c.from() + " \u2192 " + c.to() + " " + Units.at(c.ns())) + "</title></circle>");
        }
        for (FutexAnalysis.Release r : model.futexAnalysis().releases()) {
            ThreadInfo waker = model.thread(r.waker()), waiter = model.thread(r.waiter());
            Integer a = waker == null ? null : laneOf.get(waker), b = waiter == null ? null : laneOf.get(waiter);
            if (a == null || b == null) continue;
            String what = h(waiter.name() + " waited " + Units.duration(r.waitedNs()) + " on 0x" + Long.toHexString(r.uaddr())
                    + ", woken by " + waker.name() + " " + Units.at(r.ns()));
            out.accept("<rect class=\"wait\" x=\"" + x(r.ns() - r.waitedNs(), end) + "\" y=\"" + (b * LANE + 12) + "\" width=\""
                    + Math.max(1, x(r.ns(), end) - x(r.ns() - r.waitedNs(), end)) + "\" height=\"" + (LANE - 4)
                    + "\" fill=\"#555\" fill-opacity=\"0.35\"><title>" + what + "</title></rect>");
            out.accept("<line class=\"wake\" x1=\"" + x(r.ns(), end) + "\" y1=\"" + (a * LANE + 17) + "\" x2=\"" + x(r.ns(), end) + "\" y2=\""
                    + (b * LANE + 17) + "\" stroke=\"#c33\" stroke-dasharray=\"2,2\"><title>" + what + "</title></line>");
        }
        for (FutexAnalysis.Join j : model.futexAnalysis().joins()) {
            ThreadInfo joiner = model.thread(j.joiner()), joined = model.thread(j.joined());
            Integer lane = joiner == null ? null : laneOf.get(joiner);
            if (lane == null) continue;
            out.accept("<rect class=\"join\" x=\"" + (x(j.ns(), end) - 3) + "\" y=\"" + (lane * LANE + 13) + "\" width=\"6\" height=\"8\" fill=\"#36c\"><title>"
                    + h(joiner.name() + " joined " + j.joined() + " " + (joined == null ? "?" : joined.name()) + " " + Units.at(j.ns())
                    + " (waited " + Units.duration(j.waitedNs()) + ")") + "</title></rect>");
        }
        out.accept("</svg>");
    }

    private void collectLanes(ThreadInfo t, List<List<ThreadInfo>> lanes) {
        lanes.add(List.of(t));
        for (List<ThreadInfo> group : SpawnForest.foldSiblings(forest.children(t), forest)) {
            if (group.size() == 1) collectLanes(group.getFirst(), lanes);
            else lanes.add(group);
        }
    }

    private void inherited() {
        out.accept("<h2>Inherited at creation</h2><table id=\"inherited\"><tr><th>thread</th><th>created by</th><th>when</th>"
                + "<th>created at</th><th>inherited</th></tr>");
        int rows = 0;
        for (ThreadInfo t : model.threads()) {
            if (t.creator() == null) continue;
            if (++rows > MAX_LANES) {
                out.accept("<tr><td colspan=\"5\">... (the first " + MAX_LANES + " threads)</td></tr>");
                break;
            }
            StringBuilder cells = new StringBuilder();
            t.allInheritedValues().forEach((k, v) -> cells.append(cells.length() == 0 ? "" : "<br>").append(h(k)).append('=').append(h(v)));
            out.accept("<tr data-tid=\"" + t.tid() + "\"><td>" + label(t) + "</td><td>" + label(model.thread(t.creator())) + "</td><td>"
                    + Units.at(t.start()) + "</td><td>" + createdAt(t).replace(" created at ", "") + "</td><td>" + cells + "</td></tr>");
        }
        out.accept("</table>");
    }

    private static String attributes(ThreadInfo t) {
        return "data-tid=\"" + t.tid() + "\" data-pid=\"" + t.tgid() + "\"" + (t.creator() == null ? "" : " data-creator=\"" + t.creator() + "\"");
    }

    private static String label(ThreadInfo t) {
        return t == null ? "?" : t.tid() + " " + h(t.name()) + (t.isThread() ? "" : " <span class=\"kind\">process</span>");
    }

    private static String createdAt(ThreadInfo t) {
        String at = t.java() == null ? null : t.java().createdAt();
        return at == null ? "" : " <span class=\"site\">created at " + h(at) + "</span>";
    }

    private static int x(long ns, long end) {
        return LABEL + (int) Math.max(0, Math.min(WIDTH, ns * (double) WIDTH / end));
    }

    /** Text from the traced program, made visible (controls, bidi overrides) and then safe for HTML. */
    static String h(String s) {
        String text = Escape.text(s == null ? "" : s);
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
