package dev.jthreadtrace.render;

import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The hook-inheritance timeline, what each thread inherited at creation, and the setting changes with their heirs. */
final class TimelineSection extends SectionRenderer {
    /** Whether a lane drew a zombie main thread: the legend then says what {@code ·} is. */
    private boolean zombieDrawn;

    TimelineSection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        timeline();
    }

    /** The letter a change of each setting leaves on its thread's lane. */
    private static final Map<Hook, Character> MARKS = new EnumMap<>(Map.of(Hook.NAME, 'N', Hook.SIGMASK, 'M',
            Hook.AFFINITY, 'A', Hook.SECCOMP, 'S', Hook.NO_NEW_PRIVS, 'P', Hook.PDEATHSIG, 'D', Hook.TRACED, 'T'));

    private void timeline() {
        out.accept("");
        long span = Math.max(1, model.endNs());
        int axis = ctx.width() - ReportContext.LABEL_WIDTH - 2;
        out.accept(palette.heading(Units.pad("HOOK TIMELINE", ReportContext.LABEL_WIDTH)) + axisLabels(span, axis));
        Hooks base = model.root() != null ? model.root().inherited() : null;
        // Lanes fold as the tree's rows do: 2 000 pool threads are one lane, not 200 and "… 1801 more".
        List<List<ThreadInfo>> lanes = ctx.forest().depthFirst();
        for (List<ThreadInfo> group : lanes.subList(0, Math.min(lanes.size(), ReportContext.MAX_ROWS))) {
            out.accept(Units.pad(Units.cut(laneLabel(group), ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH)
                    + colourLane(lane(group, base, span, axis)));
        }
        if (lanes.size() > ReportContext.MAX_ROWS) out.accept("… " + (lanes.size() - ReportContext.MAX_ROWS) + " more lanes");
        foldedLanes(span, axis);
        List<String> marks = new ArrayList<>(List.of("● started", "◆ started with inherited settings that differ from " + label(model.root()) + "'s",
                "✕ ended", "☠ killed by a signal", "J joined a thread", "+ more marks than room"));
        if (zombieDrawn) marks.add("· a main thread that exited, a zombie while its process's threads ran on");
        legend(marks);
        legend(List.of("changed: N name", "M signal mask", "A CPU affinity", "S seccomp filter", "P no_new_privs", "D pdeathsig",
                "T tracer"));
        inheritedList(base);
        changeList();
    }

    /**
     * A mark at its cell, or the nearest free cell of the thread's life when another mark is
     * there: two changes in one cell both stay visible. With no free cell left, {@code +} says
     * there were more marks than room.
     */
    private static void place(char[] lane, int at, char mark) {
        // Right before left at each distance; no array per probe: a folded lane of 2 000 threads
        // places each of their changes, mostly into a lane already full.
        for (int d = 0; d < lane.length; d++) {
            if (putAt(lane, at + d, '━', mark) || putAt(lane, at - d, '━', mark)) return;
        }
        // A life of one or two cells: beside it is still within a cell's time.
        if (putAt(lane, at + 1, ' ', mark) || putAt(lane, at - 1, ' ', mark)) return;
        lane[Math.min(at, lane.length - 1)] = '+';
    }

    /** {@code mark} at cell {@code i} if that cell is within the lane and holds {@code free}. */
    private static boolean putAt(char[] lane, int i, char free, char mark) {
        if (i < 0 || i >= lane.length || lane[i] != free) return false;
        lane[i] = mark;
        return true;
    }

    /** Legend items, as many on a line as the width holds: an item is never broken. */
    private void legend(List<String> items) {
        StringBuilder line = new StringBuilder();
        for (String item : items) {
            if (!line.isEmpty() && Units.width(line + "   " + item) > ctx.width()) {
                out.accept(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : "   ").append(item);
        }
        out.accept(line.toString());
    }

    private String colourLane(String lane) {
        if (!palette.enabled()) return lane;
        StringBuilder b = new StringBuilder();
        for (char c : lane.toCharArray()) {
            String s = String.valueOf(c);
            b.append(Character.isLetter(c) || c == '◆' ? palette.mark(s) : s);
        }
        return b.toString();
    }


    /** {@code 1202 inner-1}, or for a folded group {@code 1202..3201 worker-1..worker-2000 ×2000}. */
    private String laneLabel(List<ThreadInfo> group) {
        if (group.size() == 1) return label(group.getFirst());
        ThreadInfo first = group.getFirst(), last = group.getLast();
        return first.tid() + ".." + last.tid() + " ×" + group.size() + " " + Escape.text(first.name());
    }

    /** One lane: the life (of all a group's members), where it started and ended, its changes and joins. */
    private String lane(List<ThreadInfo> group, Hooks base, long span, int axis) {
        char[] lane = new char[axis];
        Arrays.fill(lane, ' ');
        long start = group.stream().mapToLong(ThreadInfo::start).min().orElse(0);
        boolean open = group.stream().anyMatch(t -> t.end() == null);
        long end = open ? span : group.stream().mapToLong(ThreadInfo::end).max().orElse(span);
        int from = pos(start, span, axis), to = pos(end, span, axis);
        for (int i = from; i <= to && i < axis; i++) lane[i] = '━';
        ThreadInfo first = group.getFirst();
        boolean inheritedChange = base != null && first.creator() != null && !InheritedDiff.kernel(first, base).isEmpty();
        lane[from] = inheritedChange ? '◆' : '●';
        boolean ended = group.stream().allMatch(t -> t.exit() != null);
        if (ended && to < axis && to > from) lane[to] = group.stream().anyMatch(t -> t.exit() instanceof Exit.Killed) ? '☠' : '✕';
        Long exited = group.size() == 1 ? ctx.holders().exitedAsZombie(first) : null;
        if (exited != null) zombie(lane, from, pos(exited, span, axis), to);
        for (ThreadInfo t : group) {
            for (HookChange c : model.hookChanges(t)) {
                if (c.ns() >= t.start() && (t.end() == null || c.ns() <= t.end())) place(lane, pos(c.ns(), span, axis), MARKS.getOrDefault(c.hook(), '?'));
            }
            for (FutexAnalysis.Join j : ctx.holders().joinsBy(t)) place(lane, pos(j.ns(), span, axis), 'J');
        }
        return new String(lane);
    }

    /**
     * A main thread that called exit while its threads ran on: its thread ends at the exit ({@code ✕}),
     * then {@code ·} while it is a zombie, until its process ends (where the kernel reports its exit).
     */
    private void zombie(char[] lane, int from, int exited, int to) {
        zombieDrawn = true;
        int end = Math.max(exited, from + 1);
        for (int i = end + 1; i <= to && i < lane.length; i++) lane[i] = '·';
        if (end < lane.length) lane[end] = '✕';
    }

    /** A lane per folded group (after the kept ones): ┄ from its first start to its last end, the group's row as its label. */
    private void foldedLanes(long span, int axis) {
        List<FoldedGroup> groups = FoldedRows.byStart(model.folded());
        for (FoldedGroup g : groups.subList(0, Math.min(groups.size(), ReportContext.MAX_ROWS))) {
            char[] cells = " ".repeat(axis).toCharArray();
            int from = pos(g.figures().firstStart(), span, axis), to = pos(g.figures().lastEnd(), span, axis);
            for (int i = from; i <= to; i++) cells[i] = '┄';
            out.accept(Units.pad(Units.cut("⋯ " + Escape.text(g.sampleName()) + " ×" + g.figures().tasks() + " folded", ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH) + new String(cells));
        }
        if (groups.size() > ReportContext.MAX_ROWS) out.accept("… " + (groups.size() - ReportContext.MAX_ROWS) + " more folded groups");
    }

    private static int pos(long ns, long span, int axis) {
        return (int) Math.max(0, Math.min(axis - 1, ns * (axis - 1) / span));
    }

    private static String axisLabels(long span, int axis) {
        StringBuilder b = new StringBuilder();
        int step = 12;
        for (int i = 0; i + step <= axis || i == 0; i += step) {
            String label = i == 0 ? "0ms" : Units.duration(span * i / Math.max(1, axis - 1));
            b.append(Units.pad(label, step));
        }
        return b.toString().stripTrailing();
    }

    private void inheritedList(Hooks base) {
        if (base == null) return;
        out.accept("");
        out.accept(palette.heading("INHERITED AT CREATION") + " (where it differs from " + label(model.root())
                + " at start; name = the creator's name at that moment)");
        // One row per thread; a run of three or more threads with the same creator and the same
        // inherited values (a JVM's service threads, a pool) becomes one row with a count, so the
        // thread that inherited something different stands out.
        List<ThreadInfo> run = new ArrayList<>();
        String runKey = null;
        int rows = 0;
        int unshown = 0;
        for (ThreadInfo t : model.threads()) {
            if (t.creator() == null) continue;
            if (rows >= ReportContext.MAX_ROWS) {
                unshown++;
                continue;
            }
            String values = inheritedValues(t, base);
            String key = t.creator() + " " + t.inherited().name() + " " + values;
            if (!key.equals(runKey)) {
                rows += flushInherited(run, base);
                run.clear();
                runKey = key;
            }
            run.add(t);
        }
        flushInherited(run, base);
        if (unshown > 0) out.accept("  … " + unshown + " more threads");
        // A folded thread's settings are not kept: what it inherited from a creator that changed them is in the SUMMARY's count.
        if (model.folded().any()) out.accept("  … " + SummaryFacts.plural(model.folded().all().tasks(), "folded thread")
                + " not listed (those that inherited a setting their creator changed are counted in the SUMMARY)");
    }

    /** {@code  sigmask=[USR1] (set @6.5ms by 1202 inner-1)  itl:Story=inner-1}, or a dash. */
    private String inheritedValues(ThreadInfo t, Hooks base) {
        Map<String, String> diff = InheritedDiff.of(model, t, base);
        if (diff.isEmpty()) return "  —";
        StringBuilder line = new StringBuilder();
        diff.forEach((k, v) -> {
            line.append("  ").append(palette.mark(Escape.text(k) + "=" + Escape.text(v)));
            // A Java setting its creator did not start with: the creator changed it since (setContextClassLoader...).
            String started = InheritedDiff.creatorStartedWith(model, t, k, v);
            if (started != null) line.append(" (its creator started with ").append(Escape.text(started)).append(')');
            HookChange origin = origin(t, k, v);
            if (k.equals(Hook.SIGMASK.key()) && t.sigmaskNotTheCreators()) {
                line.append(" (").append(startMaskSource(t)).append(", not its creator's)");
            } else if (origin != null) {
                // Who made the call: another thread may have set it on the creator (sched_setaffinity(TID), a comm write).
                line.append(" (set ").append(Units.at(origin.ns())).append(" by ").append(label(origin.actor(), origin.ns()));
                if (origin.byAnother()) line.append(" on ").append(label(origin.tid(), origin.ns()));
                line.append(')');
            }
            // A thread-local is copied from the thread that ran the constructor, which need not be the one that started it.
            if (k.startsWith(Hook.THREAD_LOCAL_PREFIX) && t.java() != null && t.java().constructorTid() > 0
                    && !Integer.valueOf(t.java().constructorTid()).equals(t.creator())) {
                line.append(" (copied from ").append(label(t.java().constructorTid())).append(" at construction)");
            }
        });
        return line.toString();
    }

    /**
     * Who set the mask a task started with, other than its creator's: glibc's start of a thread with
     * pthread_attr_setsigmask_np, posix_spawn's child with posix_spawnattr_setsigmask, Go's runtime for its threads.
     */
    private String startMaskSource(ThreadInfo t) {
        ProcessInfo process = model.process(t.tgid());
        if (process != null && TraceEvent.Exec.GO.equals(process.runtime())) return "the Go runtime's mask for its threads";
        return t.tid() == t.tgid() ? "posix_spawnattr_setsigmask" : "pthread_attr_setsigmask_np";
    }

    private int flushInherited(List<ThreadInfo> run, Hooks base) {
        if (run.isEmpty()) return 0;
        ThreadInfo first = run.getFirst();
        String values = inheritedValues(first, base);
        if (run.size() >= 3) {
            String who = first.tid() + ".." + run.getLast().tid() + " ×" + run.size();
            out.accept("  " + Units.pad(who, 23) + "from " + Units.pad(ctx.creatorAtBirth(first) + " " + Units.at(first.start())
                    + "..", 30) + " name=" + Escape.text(first.inherited().name()) + values);
            return 1;
        }
        for (ThreadInfo t : run) {
            out.accept("  " + Units.pad(Units.cut(label(t), 22), 23) + "from " + Units.pad(ctx.creatorAtBirth(t) + " "
                    + Units.at(t.start()), 30) + " name=" + Escape.text(t.inherited().name()) + inheritedValues(t, base));
        }
        return run.size();
    }

    /** The change, in the creator chain before {@code t} was created, that produced value {@code v}. */
    private HookChange origin(ThreadInfo t, String key, String v) {
        long before = t.start();
        for (ThreadInfo c = model.creatorOf(t); c != null; before = c.start(), c = model.creatorOf(c)) {
            HookChange found = null;
            for (HookChange h : model.hookChanges(c)) {
                if (h.hook().key().equals(key) && h.ns() <= before && h.ns() >= c.start() && h.to().equals(v)) found = h;
            }
            if (found != null) return found;
        }
        return null;
    }

    private void changeList() {
        List<String> lines = new ArrayList<>();
        for (HookChange c : model.hookChanges()) {
            List<String> heirs = heirs(c);
            if (c.hook() == Hook.NAME && heirs.isEmpty()) continue;
            String line = "  " + Units.padLeft(Units.at(c.ns()), 9) + "  " + Units.pad(Units.cut(label(c.tid(), c.ns()), 22), 23)
                    + Units.pad(c.hook().key() + " " + Escape.text(c.from()) + " → " + Escape.text(c.to()), 34)
                    + (c.byAnother() ? "  set by " + label(c.actor(), c.ns()) + ";" : "")
                    + (heirs.isEmpty() ? (model.folded().any() ? "  inherited by no kept thread" : "  inherited by nobody")
                    : "  inherited by " + listed(heirs, 4));
            lines.add(line);
        }
        long dropped = model.hookChangesDropped();
        if (lines.isEmpty() && dropped == 0) return;
        out.accept("");
        // Another thread may have made the change (sched_setaffinity(TID), a comm write): the row says "set by" it.
        out.accept(palette.heading("SETTING CHANGES") + " (by the thread unless \"set by\" says; the threads it then created"
                + " that took it over)");
        list(lines, ReportContext.MAX_ROWS, "setting changes", l -> l);
        if (dropped > 0) out.accept("  " + dropped + " more setting changes counted, not kept (only the first and latest of a long run under one thread are"
                + (model.folded().any() ? "; a folded thread's go with it" : "") + ")");
    }

    private static String listed(List<String> items, int max) {
        if (items.size() <= max) return String.join(", ", items);
        return String.join(", ", items.subList(0, max)) + " and " + (items.size() - max) + " more";
    }

    /** Threads descended from the thread whose setting changed, created after the change, that started with the new value. */
    private List<String> heirs(HookChange c) {
        List<String> out = new ArrayList<>();
        ThreadInfo changed = model.thread(c.tid());
        if (changed == null) return out;
        for (ThreadInfo child : ctx.forest().children(changed)) {
            if (child.start() >= c.ns()) collectHeirs(child, c, out);
        }
        return out;
    }

    private void collectHeirs(ThreadInfo t, HookChange c, List<String> out) {
        if (!c.to().equals(t.inherited().value(c.hook()))) return; // the line of inheritance is broken here
        out.add(label(t));
        for (ThreadInfo child : ctx.forest().children(t)) collectHeirs(child, c, out);
    }

}
