package dev.jthreadtrace.render;

import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TidHolders;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static dev.jthreadtrace.render.HtmlReport.h;

/**
 * The HTML page's timeline, in plain HTML and CSS so it follows the window's width: a label column
 * and a track area where every bar, line and mark is placed in percent of the run. A time axis with
 * ticks at round times above the lanes, a legend that shows every mark as it is drawn. Lanes fold
 * as the trees do; marks of one kind that fall within one bucket of a lane (a 200th of the run)
 * are one mark saying how many it stands for, so 10 000 joins cost 200 marks, not 10 000.
 */
final class HtmlTimeline {
    /** Pixels a lane takes (the CSS says the same). */
    static final int LANE = 16;
    /** Lanes drawn at most; the page says how many it left out. */
    static final int MAX_LANES = 1000;
    /** A lane's marks of one kind are merged within one of this many slices of the run. */
    static final int BUCKETS = 200;

    /** The letter a change of each setting leaves on its thread's lane, as in the text report. */
    static final Map<Hook, String> MARKS = new EnumMap<>(Map.of(Hook.NAME, "N", Hook.SIGMASK, "M",
            Hook.AFFINITY, "A", Hook.SECCOMP, "S", Hook.NO_NEW_PRIVS, "P", Hook.PDEATHSIG, "D", Hook.TRACED, "T"));

    /** Every mark the tracks can hold, with its CSS class and meaning: the legend is made from this. */
    record Mark(String glyph, String css, String meaning) {}

    static List<Mark> legend(String root) {
        List<Mark> marks = new ArrayList<>(List.of(new Mark("\u25cf", "st", "started"),
                new Mark("\u25c6", "st", "started with inherited settings that differ from " + root + "'s"),
                new Mark("\u2715", "en", "ended (every member, for a folded lane)"), new Mark("\u2620", "en", "killed by a signal"),
                new Mark("J", "j", "joined a thread (pthread_join, Thread.join)")));
        Map<Hook, String> meaning = Map.of(Hook.NAME, "name", Hook.SIGMASK, "signal mask", Hook.AFFINITY, "CPU affinity",
                Hook.SECCOMP, "seccomp filter", Hook.NO_NEW_PRIVS, "no_new_privs", Hook.PDEATHSIG, "pdeathsig", Hook.TRACED, "tracer");
        MARKS.forEach((hook, glyph) -> marks.add(new Mark(glyph, "s", "changed its " + meaning.get(hook))));
        return marks;
    }

    private final TraceModel model;
    private final SpawnForest forest;
    private final Consumer<String> out;
    private final long span;
    private final TidHolders holders;

    HtmlTimeline(TraceModel model, SpawnForest forest, Consumer<String> out) {
        this.model = model;
        this.holders = new TidHolders(model);
        this.forest = forest;
        this.out = out;
        this.span = Math.max(1, model.endNs());
    }

    void write() {
        List<List<ThreadInfo>> lanes = forest.depthFirst();
        int all = lanes.size();
        if (all > MAX_LANES) lanes = lanes.subList(0, MAX_LANES);
        Map<ThreadInfo, Integer> laneOf = new IdentityHashMap<>();
        for (int i = 0; i < lanes.size(); i++) for (ThreadInfo t : lanes.get(i)) laneOf.put(t, i);
        List<FoldedGroup> groups = FoldedRows.byStart(model.folded());
        List<FoldedGroup> folded = groups.subList(0, Math.min(groups.size(), Math.max(0, MAX_LANES - lanes.size())));
        out.accept("<section id=\"timeline-section\"><h2>Timeline (0 to " + Units.duration(span) + ", "
                + lanes.size() + " lanes: a thread, or a folded group of siblings, each" + (groups.isEmpty() ? ""
                : "; then " + folded.size() + " of the groups of ended tasks folded past --keep-ended, first start to last end") + ")</h2>");
        legendList();
        out.accept("<div class=\"tl\" id=\"timeline\"><div class=\"row\"><div class=\"labels\"></div>" + axis() + "</div>");
        out.accept("<div class=\"row\"><div class=\"labels\">");
        for (List<ThreadInfo> lane : lanes) {
            String name = laneName(lane);
            out.accept("<div title=\"" + name + "\">" + name + "</div>");
        }
        for (FoldedGroup g : folded) {
            String name = foldedName(g);
            out.accept("<div class=\"folded\" title=\"" + name + "\">" + name + "</div>");
        }
        out.accept("</div><div class=\"tracks\" style=\"height:" + (lanes.size() + folded.size()) * LANE + "px\">" + gridLines());
        Hooks base = model.root() == null ? null : model.root().inherited();
        for (int i = 0; i < lanes.size(); i++) lane(lanes.get(i), i, base, laneOf);
        for (int i = 0; i < folded.size(); i++) foldedLane(folded.get(i), lanes.size() + i);
        futexWaits(laneOf);
        out.accept("</div></div>" + (lanes.size() > 30 ? "<div class=\"row\"><div class=\"labels\"></div>" + axis() + "</div>" : "") + "</div>");
        if (all > lanes.size()) out.accept("<p class=\"cut\">\u2026 " + (all - lanes.size()) + " more lanes (see --format jsonl)</p>");
        if (groups.size() > folded.size()) out.accept("<p class=\"cut\">\u2026 " + (groups.size() - folded.size()) + " more folded groups</p>");
        out.accept("</section>");
    }

    private void legendList() {
        StringBuilder b = new StringBuilder("<ul class=\"legend\" id=\"legend\">");
        String root = model.root() == null ? "the first task" : model.root().tid() + " " + h(model.root().name());
        for (Mark m : legend(root)) b.append("<li><b class=\"mk ").append(m.css()).append("\">").append(m.glyph()).append("</b> ").append(m.meaning());
        b.append("<li><i class=\"key life t\"></i> a thread's life <i class=\"key life p\"></i> a process's")
                .append("<li><i class=\"key cr\"></i> created by the lane above or below")
                .append("<li><i class=\"key wait\"></i> a long futex wait <i class=\"key wake\"></i> its waker's wake")
                .append(model.folded().any() ? "<li><i class=\"key life f\"></i> a group of ended tasks folded past --keep-ended" : "")
                .append("<li>hover any of them for the details</ul>");
        out.accept(b.toString());
    }

    /** Ticks at round times (1, 2 or 5 times a power of ten), five to ten across. */
    private String axis() {
        long step = tickStep(span);
        StringBuilder b = new StringBuilder("<div class=\"axis\">");
        for (long t = 0; t <= span; t += step) {
            b.append("<span class=\"tick\" style=\"left:").append(pct(t)).append("\">").append(t == 0 ? "0" : Units.duration(t)).append("</span>");
        }
        return b.append("</div>").toString();
    }

    private String gridLines() {
        long step = tickStep(span);
        StringBuilder b = new StringBuilder();
        for (long t = step; t <= span; t += step) b.append("<i class=\"grid\" style=\"left:").append(pct(t)).append("\"></i>");
        return b.toString();
    }

    static long tickStep(long span) {
        long raw = Math.max(1, span / 10);
        long power = 1;
        while (power * 10 <= raw) power *= 10;
        for (long m : new long[] {1, 2, 5}) if (m * power >= raw) return m * power;
        return 10 * power;
    }


    static String laneName(List<ThreadInfo> lane) {
        ThreadInfo first = lane.getFirst();
        return lane.size() == 1 ? first.tid() + " " + h(first.name())
                : first.tid() + ".." + lane.getLast().tid() + " \u00d7" + lane.size() + " " + h(first.name());
    }

    /** {@code ⋯ worker-1 ×40 folded}: a folded group's lane label, as the text timeline's. */
    private static String foldedName(FoldedGroup g) {
        return "\u22ef " + h(g.sampleName()) + " \u00d7" + g.figures().tasks() + " folded";
    }

    /** A folded group's lane: one dashed bar from its first start to its last end, its row and span as the title. */
    private void foldedLane(FoldedGroup g, int i) {
        long start = g.figures().firstStart(), stop = g.figures().lastEnd();
        out.accept("<i class=\"life f\" data-folded-lane=\"" + g.figures().tidMin() + ".." + g.figures().tidMax() + "\" style=\"left:"
                + pct(start) + ";width:" + pct(Math.max(0, stop - start)) + ";top:" + (i * LANE + 3) + "px\" title=\""
                + HtmlReport.html(FoldedRows.row(g) + ", " + FoldedRows.span(g)) + "\"></i>");
    }

    /** One lane: its life bar, the line from its creator's lane, where it started and ended, its changes and joins. */
    private void lane(List<ThreadInfo> lane, int i, Hooks base, Map<ThreadInfo, Integer> laneOf) {
        ThreadInfo first = lane.getFirst();
        long start = lane.stream().mapToLong(ThreadInfo::start).min().orElse(0);
        boolean open = lane.stream().anyMatch(t -> t.end() == null);
        long stop = open ? span : lane.stream().mapToLong(ThreadInfo::end).max().orElse(span);
        // A main thread that called exit while its threads ran on: its bar ends there (a zombie until its process's end).
        Long exited = lane.size() == 1 ? holders.exitedAsZombie(first) : null;
        String zombie = exited == null ? "" : "; its thread exited " + Units.at(exited) + ", a zombie until its process ended " + Units.at(stop);
        if (exited != null) stop = exited;
        String name = laneName(lane);
        StringBuilder b = new StringBuilder();
        b.append("<i class=\"life ").append(first.isThread() ? "t" : "p").append("\" data-lane-tid=\"").append(first.tid())
                .append("\" style=\"left:").append(pct(start)).append(";width:").append(pct(Math.max(0, stop - start)))
                .append(";top:").append(i * LANE + 3).append("px\" title=\"").append(name).append(": ").append(Units.at(start))
                .append(" to ").append(Units.at(stop)).append("\"></i>");
        ThreadInfo creator = first.creatorInfo();
        Integer from = creator == null ? null : laneOf.get(creator);
        if (from != null && from != i) {
            int top = Math.min(from, i) * LANE + LANE / 2, height = Math.abs(from - i) * LANE;
            b.append("<i class=\"cr\" style=\"left:").append(pct(first.start())).append(";top:").append(top).append("px;height:")
                    .append(height).append("px\" title=\"").append(h(creator.name())).append(" created ").append(name).append(' ')
                    .append(Units.at(first.start())).append("\"></i>");
        }
        boolean differs = base != null && first.creator() != null && !InheritedDiff.kernel(first, base).isEmpty();
        Marks marks = new Marks(i);
        marks.add(start, differs ? "\u25c6" : "\u25cf", "st", name + " started " + Units.at(start)
                + (differs ? " with settings that differ from the first task's: " + h(InheritedDiff.kernel(first, base).toString()) : ""));
        if (lane.stream().allMatch(t -> t.exit() != null)) {
            boolean killed = lane.stream().anyMatch(t -> t.exit() instanceof Exit.Killed);
            marks.add(stop, killed ? "\u2620" : "\u2715", "en", name + " ended " + Units.at(stop) + ": " + h(first.exit().how())
                    + (lane.size() > 1 ? " (the first member)" : "") + zombie);
        }
        for (ThreadInfo t : lane) {
            for (HookChange c : model.hookChanges(t)) {
                marks.add(c.ns(), MARKS.getOrDefault(c.hook(), "?"), "s", t.tid() + " " + h(c.hook().key() + ": " + c.from()
                        + " \u2192 " + c.to()) + " " + Units.at(c.ns())
                        + (c.byAnother() ? " set by " + c.actor() + " " + h(holders.nameAt(c.actor(), c.ns())) : ""));
            }
        }
        out.accept(b.toString());
        marks.lanes.putAll(joinMarks(lane, i).lanes);
        out.accept(marks.html());
    }

    private Marks joinMarks(List<ThreadInfo> lane, int i) {
        Marks marks = new Marks(i);
        for (ThreadInfo t : lane) {
            for (FutexAnalysis.Join j : holders.joinsBy(t)) {
                ThreadInfo joined = holders.at(j.joined(), j.ns());
                marks.add(j.ns(), "J", "j", h(holders.nameAt(t, j.ns())) + " joined " + j.joined() + " " + (joined == null ? "(folded)" : h(holders.nameAt(joined, j.ns())))
                        + " " + Units.at(j.ns()) + " (waited " + Units.duration(j.waitedNs()) + ")");
            }
        }
        return marks;
    }

    /** The longest futex waits shaded on the waiter's lane, a dashed line from the waker's lane at the wake. */
    private void futexWaits(Map<ThreadInfo, Integer> laneOf) {
        for (FutexAnalysis.Release r : model.futexAnalysis().releases()) {
            ThreadInfo waker = holders.at(r.waker(), r.ns()), waiter = holders.at(r.waiter(), r.ns());
            Integer a = waker == null ? null : laneOf.get(waker), w = waiter == null ? null : laneOf.get(waiter);
            if (a == null || w == null) continue;
            String what = h(holders.nameAt(waiter, r.ns())) + " waited " + Units.duration(r.waitedNs()) + " on 0x" + Long.toHexString(r.uaddr())
                    + (r.requeued() == null ? "" : " (requeued there from 0x" + Long.toHexString(r.requeued().from()) + ")")
                    + ", woken by " + r.waker() + " " + h(holders.nameAt(waker, r.ns())) + " " + Units.at(r.ns());
            StringBuilder b = new StringBuilder();
            b.append("<i class=\"wait\" style=\"left:").append(pct(r.ns() - r.waitedNs())).append(";width:").append(pct(r.waitedNs()))
                    .append(";top:").append(w * LANE + 2).append("px\" title=\"").append(what).append("\"></i>");
            if (!a.equals(w)) {
                b.append("<i class=\"wake\" style=\"left:").append(pct(r.ns())).append(";top:").append(Math.min(a, w) * LANE + LANE / 2)
                        .append("px;height:").append(Math.abs(a - w) * LANE).append("px\" title=\"").append(what).append("\"></i>");
            }
            out.accept(b.toString());
        }
    }

    /** A lane's marks, merged per kind within a bucket of the run: one mark says how many it stands for. */
    private final class Marks {
        private record Key(String glyph, int bucket) {}

        private static final class Merged {
            final String css;
            final long ns;
            final List<String> titles = new ArrayList<>(3);
            int count;

            Merged(String css, long ns) {
                this.css = css;
                this.ns = ns;
            }
        }

        final Map<Key, Merged> lanes = new LinkedHashMap<>();
        private final int lane;

        Marks(int lane) {
            this.lane = lane;
        }

        void add(long ns, String glyph, String css, String title) {
            int bucket = (int) Math.min(BUCKETS, Math.max(0, ns) * BUCKETS / span);
            Merged m = lanes.computeIfAbsent(new Key(glyph, bucket), k -> new Merged(css, ns));
            if (m.count++ < 3) m.titles.add(title);
        }

        String html() {
            StringBuilder b = new StringBuilder();
            lanes.forEach((key, m) -> b.append("<b class=\"mk ").append(m.css).append("\" style=\"left:").append(pct(m.ns))
                    .append(";top:").append(lane * LANE).append("px\" title=\"").append(String.join("; ", m.titles))
                    .append(m.count > m.titles.size() ? " and " + (m.count - m.titles.size()) + " more here" : "").append("\">")
                    .append(key.glyph()).append(m.count > 1 ? "<sub>" + m.count + "</sub>" : "").append("</b>"));
            return b.toString();
        }
    }

    /** {@code 12.34%} of the run (clamped to it). */
    private String pct(long ns) {
        double p = Math.max(0, Math.min(1, ns / (double) span)) * 100;
        return String.format(Locale.ROOT, "%.2f", p).replaceAll("\\.?0+$", "") + "%";
    }
}
