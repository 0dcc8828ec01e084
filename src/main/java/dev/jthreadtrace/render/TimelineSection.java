package dev.jthreadtrace.render;

import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The hook-inheritance timeline, what each thread inherited at creation, and the setting changes with their heirs. */
final class TimelineSection extends SectionRenderer {
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
        Map<Integer, List<FutexAnalysis.Join>> joinsBy = new LinkedHashMap<>();
        for (FutexAnalysis.Join j : model.futexAnalysis().joins()) {
            joinsBy.computeIfAbsent(j.joiner(), k -> new ArrayList<>()).add(j);
        }
        Hooks base = model.root() != null ? model.root().inherited() : null;
        int rows = 0;
        List<ThreadInfo> ordered = new ArrayList<>();
        for (ThreadInfo r : ctx.forest().roots) depthFirst(r, ordered);
        for (ThreadInfo t : ordered) {
            if (rows++ >= ReportContext.MAX_ROWS) {
                out.accept("… " + (ordered.size() - ReportContext.MAX_ROWS) + " more lanes");
                break;
            }
            char[] lane = new char[axis];
            Arrays.fill(lane, ' ');
            int from = pos(t.start(), span, axis), to = pos(t.end() == null ? span : t.end(), span, axis);
            for (int i = from; i <= to && i < axis; i++) lane[i] = '━';
            boolean inheritedChange = base != null && t.creator() != null && !differences(t, base).isEmpty();
            lane[from] = inheritedChange ? '◆' : '●';
            for (HookChange c : model.hookChanges()) {
                if (c.tid() == t.tid() && c.ns() >= t.start() && (t.end() == null || c.ns() <= t.end())) {
                    lane[Math.max(from + 1 <= to ? from + 1 : from, pos(c.ns(), span, axis))] = MARKS.getOrDefault(c.hook(), '?');
                }
            }
            for (FutexAnalysis.Join j : joinsBy.getOrDefault(t.tid(), List.of())) {
                if (j.ns() >= t.start()) lane[pos(j.ns(), span, axis)] = 'J';
            }
            if (t.exit() != null && to < axis && to > from) lane[to] = t.exit() instanceof Exit.Killed ? '☠' : '✕';
            out.accept(Units.pad(Units.cut(label(t), ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH) + colourLane(new String(lane)));
        }
        out.accept("● started   ◆ started with inherited settings that differ from " + label(model.root())
                + "'s   ✕ ended   J joined a thread");
        out.accept("changed: N name  M signal mask  A CPU affinity  S seccomp filter  P no_new_privs  D pdeathsig");
        inheritedList(base);
        changeList();
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

    private void depthFirst(ThreadInfo t, List<ThreadInfo> into) {
        into.add(t);
        for (ThreadInfo c : ctx.forest().children(t)) depthFirst(c, into);
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

    /** Inherited hooks whose value differs from the root's at its start (name left out: every thread renames). */
    private Map<String, String> differences(ThreadInfo t, Hooks base) {
        Map<String, String> diff = new LinkedHashMap<>();
        for (Hook hook : Hook.inheritedHooks()) {
            if (hook == Hook.NAME) continue;
            String v = t.inherited().value(hook);
            if (!v.equals(base.value(hook))) diff.put(hook.key(), v);
        }
        return diff;
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
        for (ThreadInfo t : model.threads()) {
            if (t.creator() == null) continue;
            if (rows >= ReportContext.MAX_ROWS) break;
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
    }

    /** {@code  sigmask=[USR1] (set @6.5ms by 1202 inner-1)  itl:Story=inner-1}, or a dash. */
    private String inheritedValues(ThreadInfo t, Hooks base) {
        Map<String, String> diff = differences(t, base);
        diff.putAll(t.inheritedJavaValues());
        if (diff.isEmpty()) return "  —";
        StringBuilder line = new StringBuilder();
        diff.forEach((k, v) -> {
            line.append("  ").append(palette.mark(Escape.text(k) + "=" + Escape.text(v)));
            // A Java setting its creator did not start with: the creator changed it since (setContextClassLoader...).
            ThreadInfo creator = t.creator() == null ? null : model.thread(t.creator());
            if (creator != null && creator.java() != null && creator.java().attributes().containsKey(k)
                    && !creator.java().attributes().get(k).equals(v)) {
                line.append(" (its creator started with ").append(Escape.text(creator.java().attributes().get(k))).append(')');
            }
            HookChange origin = origin(t, k, v);
            if (origin != null) line.append(" (set ").append(Units.at(origin.ns())).append(" by ").append(label(origin.tid())).append(')');
            // A thread-local is copied from the thread that ran the constructor, which need not be the one that started it.
            if (k.startsWith(Hook.THREAD_LOCAL_PREFIX) && t.java() != null && t.java().constructorTid() > 0
                    && !Integer.valueOf(t.java().constructorTid()).equals(t.creator())) {
                line.append(" (copied from ").append(label(t.java().constructorTid())).append(" at construction)");
            }
        });
        return line.toString();
    }

    private int flushInherited(List<ThreadInfo> run, Hooks base) {
        if (run.isEmpty()) return 0;
        ThreadInfo first = run.getFirst();
        String values = inheritedValues(first, base);
        if (run.size() >= 3) {
            String who = first.tid() + ".." + run.getLast().tid() + " ×" + run.size();
            out.accept("  " + Units.pad(who, 23) + "from " + Units.pad(label(first.creator()) + " " + Units.at(first.start())
                    + "..", 30) + " name=" + Escape.text(first.inherited().name()) + values);
            return 1;
        }
        for (ThreadInfo t : run) {
            out.accept("  " + Units.pad(Units.cut(label(t), 22), 23) + "from " + Units.pad(label(t.creator()) + " "
                    + Units.at(t.start()), 30) + " name=" + Escape.text(t.inherited().name()) + inheritedValues(t, base));
        }
        return run.size();
    }

    /** The change, in the creator chain before {@code t} was created, that produced value {@code v}. */
    private HookChange origin(ThreadInfo t, String key, String v) {
        long before = t.start();
        for (ThreadInfo c = model.creatorOf(t); c != null; before = c.start(), c = model.creatorOf(c)) {
            HookChange found = null;
            for (HookChange h : model.hookChanges(c.tid())) {
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
            String line = "  " + Units.padLeft(Units.at(c.ns()), 9) + "  " + Units.pad(Units.cut(label(c.tid()), 22), 23)
                    + Units.pad(c.hook().key() + " " + Escape.text(c.from()) + " → " + Escape.text(c.to()), 34)
                    + (heirs.isEmpty() ? "  inherited by nobody" : "  inherited by " + listed(heirs, 4));
            lines.add(line);
        }
        if (lines.isEmpty()) return;
        out.accept("");
        out.accept(palette.heading("SETTING CHANGES") + " (a thread changed a setting; which threads it created afterwards took it over)");
        for (String l : lines.subList(0, Math.min(lines.size(), ReportContext.MAX_ROWS))) out.accept(l);
    }

    private static String listed(List<String> items, int max) {
        if (items.size() <= max) return String.join(", ", items);
        return String.join(", ", items.subList(0, max)) + " and " + (items.size() - max) + " more";
    }

    /** Threads descended from the changer, created after the change, that started with the new value. */
    private List<String> heirs(HookChange c) {
        List<String> out = new ArrayList<>();
        ThreadInfo changer = model.thread(c.tid());
        if (changer == null) return out;
        for (ThreadInfo child : ctx.forest().children(changer)) {
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
