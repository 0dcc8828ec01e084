package dev.jthreadtrace.render;

import dev.jthreadtrace.text.Units;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.Mapping;
import dev.jthreadtrace.model.MmapAnalysis;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The end-of-trace report: the spawn tree beside the kernel's tree, the hook-inheritance
 * timeline, and the futex and mmap analyses. Pure text from the model (colour through the
 * palette); the lines go to a consumer so the same code writes to stdout, a file or a test.
 */
public final class Report {
    private static final int LABEL_WIDTH = 26;
    private static final int MAX_ROWS = 200;

    private final TraceModel model;
    private final Palette palette;
    private final int width;
    private final Consumer<String> out;
    private final SpawnForest forest;

    public Report(TraceModel model, Palette palette, int width, Consumer<String> out) {
        this.model = model;
        this.palette = palette;
        this.width = Math.max(60, width);
        this.out = out;
        this.forest = new SpawnForest(model);
    }

    public void render(Set<ReportSection> sections) {
        if (!model.started()) {
            out.accept("(the command never started: nothing was traced)");
            return;
        }
        if (sections.contains(ReportSection.TREE)) {
            spawnTree();
            kernelTree();
        }
        if (sections.contains(ReportSection.TIMELINE)) timeline();
        if (sections.contains(ReportSection.FUTEX)) futex();
        if (sections.contains(ReportSection.MMAP)) mmap();
    }

    private String label(ThreadInfo t) {
        return t.tid + " " + t.name();
    }

    private String label(int tid) {
        return tid + " " + model.nameOf(tid);
    }

    // ---- trees --------------------------------------------------------------------------------

    private void spawnTree() {
        out.accept("");
        out.accept(palette.heading(Units.pad("THREADS BY CREATOR", 44) + Units.pad("KIND", 16) + "KERNEL PARENT (PPid)"
                + "   END"));
        List<String[]> rows = new ArrayList<>();
        for (ThreadInfo root : forest.roots) spawnRows(root, "", "", rows);
        for (String[] r : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
            out.accept(Units.pad(Units.cut(r[0], 43), 44) + Units.pad(r[1], 16) + Units.pad(r[2], 24) + " " + r[3]);
        }
        if (rows.size() > MAX_ROWS) out.accept("… " + (rows.size() - MAX_ROWS) + " more rows (see --format jsonl)");
        for (ProcessInfo p : model.processes()) {
            if (p.exec.size() > 1) out.accept("exec chain of " + p.pid + ": " + String.join(" → ", p.exec));
        }
    }

    private void spawnRows(ThreadInfo t, String lead, String childLead, List<String[]> rows) {
        rows.add(row(t, lead + label(t) + formerNames(t) + javaCreator(t), 1));
        List<List<ThreadInfo>> groups = SpawnForest.foldSiblings(forest.children(t), forest);
        Integer constructed = model.virtualThreadsByCreator().get(t.tid);
        Integer carried = model.virtualThreadsByCarrier().get(t.tid);
        if (constructed != null) {
            rows.add(new String[] {childLead + (groups.isEmpty() && carried == null ? "└─" : "├─") + "⋯ " + constructed
                    + " virtual thread" + (constructed == 1 ? "" : "s") + " constructed here", "virtual", "no task of their own", ""});
        }
        if (carried != null) {
            rows.add(new String[] {childLead + (groups.isEmpty() ? "└─" : "├─") + "⋯ ran " + carried + " virtual thread"
                    + (carried == 1 ? "" : "s") + " (carrier)", "virtual", "", ""});
        }
        for (int i = 0; i < groups.size(); i++) {
            boolean last = i == groups.size() - 1;
            String branch = childLead + (last ? "└─" : "├─");
            String next = childLead + (last ? "  " : "│ ");
            List<ThreadInfo> group = groups.get(i);
            if (group.size() == 1) {
                spawnRows(group.getFirst(), branch, next, rows);
            } else {
                ThreadInfo first = group.getFirst(), lastT = group.getLast();
                rows.add(row(first, branch + first.tid + ".." + lastT.tid + " " + first.name() + ".."
                        + lastT.name() + " ×" + group.size(), group.size()));
            }
        }
    }

    private String formerNames(ThreadInfo t) {
        if (t.java != null) return "";
        List<String> names = t.nameHistory();
        return names.size() > 1 ? " (was " + names.get(names.size() - 2) + ")" : "";
    }

    /** Where the Java creator (the constructor's thread) is not the thread that started it. */
    private String javaCreator(ThreadInfo t) {
        if (t.java == null || t.creator == null || t.java.constructorTid() <= 0 || t.java.constructorTid() == t.creator) {
            return "";
        }
        return " [constructed by " + label(t.java.constructorTid()) + "]";
    }

    private String[] row(ThreadInfo t, String tree, int count) {
        String kind = t.isThread() ? "thread" : t.creator == null ? "process" : "process/" + kindName(t);
        if (t.isThread() && t.spawnKind != null && (t.cloneFlags & CloneFlags.SHARING) != CloneFlags.SHARING) {
            kind = "thread*";
        }
        String parent = t.osParent + " " + (model.thread(t.osParent) != null ? model.nameOf(t.osParent)
                : t.osParent == model.tracerPid() ? "jthreadtrace" : "");
        if (t.reparented()) parent = t.osParent + " " + palette.mark("↰ reparented");
        return new String[] {tree, kind, parent.trim(), count > 1 ? "" : end(t)};
    }

    private static String kindName(ThreadInfo t) {
        return t.spawnKind == null ? "?" : t.spawnKind.name().toLowerCase();
    }

    private String end(ThreadInfo t) {
        Exit e = t.exit;
        if (e == null) return t.end != null && t.end >= model.endNs() ? "still running at end" : "";
        return switch (e.kind()) {
            case "killed" -> e.how();
            case "exec" -> "exec'd";
            case "untraced" -> "untraced";
            default -> e.how().startsWith("torn down") ? e.how() : "exit " + e.value();
        };
    }

    private void kernelTree() {
        out.accept("");
        out.accept(palette.heading("KERNEL TREE (by PPid: what ps, pstree and /proc show)"));
        Map<Integer, List<ThreadInfo>> byParent = new LinkedHashMap<>();
        for (ThreadInfo t : model.threads()) byParent.computeIfAbsent(t.osParent, k -> new ArrayList<>()).add(t);
        out.accept(model.tracerPid() + " jthreadtrace");
        List<String> lines = new ArrayList<>();
        kernelRows(model.tracerPid(), "", byParent, lines, 0);
        for (String l : lines.subList(0, Math.min(lines.size(), MAX_ROWS))) out.accept(l);
        if (lines.size() > MAX_ROWS) out.accept("… " + (lines.size() - MAX_ROWS) + " more rows");
    }

    private void kernelRows(int parent, String lead, Map<Integer, List<ThreadInfo>> byParent, List<String> lines, int depth) {
        List<ThreadInfo> kids = byParent.getOrDefault(parent, List.of());
        if (depth > 64) return;
        List<List<ThreadInfo>> groups = SpawnForest.foldSiblings(kids, forest);
        for (int i = 0; i < groups.size(); i++) {
            boolean last = i == groups.size() - 1;
            List<ThreadInfo> g = groups.get(i);
            ThreadInfo t = g.getFirst();
            String text = g.size() == 1 ? label(t) : t.tid + ".." + g.getLast().tid + " " + t.name() + ".."
                    + g.getLast().name() + " ×" + g.size();
            String note = t.isThread() ? "   thread of " + t.tgid + (t.creator != null && t.creator != t.tgid
                    ? ", created by " + label(t.creator) : "") : "";
            lines.add(lead + (last ? "└─" : "├─") + text + note);
            if (!t.isThread()) kernelRows(t.tid, lead + (last ? "  " : "│ "), byParent, lines, depth + 1);
        }
    }

    // ---- hook timeline ----------------------------------------------------------------------

    private static final Map<String, Character> MARKS = Map.of(Hooks.NAME, 'N', Hooks.SIGMASK, 'M', Hooks.AFFINITY, 'A',
            Hooks.SECCOMP, 'S', Hooks.NO_NEW_PRIVS, 'P', Hooks.PDEATHSIG, 'D', Hooks.TRACED, 'T');

    private void timeline() {
        out.accept("");
        long span = Math.max(1, model.endNs());
        int axis = width - LABEL_WIDTH - 2;
        out.accept(palette.heading(Units.pad("HOOK TIMELINE", LABEL_WIDTH)) + axisLabels(span, axis));
        Map<Integer, List<FutexAnalysis.Join>> joinsBy = new LinkedHashMap<>();
        for (FutexAnalysis.Join j : FutexAnalysis.of(model).joins()) {
            joinsBy.computeIfAbsent(j.joiner(), k -> new ArrayList<>()).add(j);
        }
        Hooks base = model.root() != null ? model.root().inherited : null;
        int rows = 0;
        List<ThreadInfo> ordered = new ArrayList<>();
        for (ThreadInfo r : forest.roots) depthFirst(r, ordered);
        for (ThreadInfo t : ordered) {
            if (rows++ >= MAX_ROWS) {
                out.accept("… " + (ordered.size() - MAX_ROWS) + " more lanes");
                break;
            }
            char[] lane = new char[axis];
            java.util.Arrays.fill(lane, ' ');
            int from = pos(t.start, span, axis), to = pos(t.end == null ? span : t.end, span, axis);
            for (int i = from; i <= to && i < axis; i++) lane[i] = '━';
            boolean inheritedChange = base != null && t.creator != null && !differences(t, base).isEmpty();
            lane[from] = inheritedChange ? '◆' : '●';
            for (HookChange c : model.hookChanges()) {
                if (c.tid() == t.tid && c.ns() >= t.start && (t.end == null || c.ns() <= t.end)) {
                    lane[Math.max(from + 1 <= to ? from + 1 : from, pos(c.ns(), span, axis))] = MARKS.getOrDefault(c.hook(), '?');
                }
            }
            for (FutexAnalysis.Join j : joinsBy.getOrDefault(t.tid, List.of())) {
                if (j.ns() >= t.start) lane[pos(j.ns(), span, axis)] = 'J';
            }
            if (t.exit != null && to < axis && to > from) lane[to] = t.exit.kind().equals("killed") ? '☠' : '✕';
            out.accept(Units.pad(Units.cut(label(t), LABEL_WIDTH - 1), LABEL_WIDTH) + colourLane(new String(lane)));
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
        for (ThreadInfo c : forest.children(t)) depthFirst(c, into);
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
        for (String key : Hooks.INHERITED_KEYS) {
            if (key.equals(Hooks.NAME)) continue;
            String v = t.inherited.value(key);
            if (!v.equals(base.value(key))) diff.put(key, v);
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
            if (t.creator == null) continue;
            if (rows >= MAX_ROWS) break;
            String values = inheritedValues(t, base);
            String key = t.creator + " " + t.inherited.name() + " " + values;
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
        diff.putAll(t.inheritedThreadLocals());
        if (diff.isEmpty()) return "  —";
        StringBuilder line = new StringBuilder();
        diff.forEach((k, v) -> {
            line.append("  ").append(palette.mark(k + "=" + v));
            HookChange origin = origin(t, k, v);
            if (origin != null) line.append(" (set ").append(Units.at(origin.ns())).append(" by ").append(label(origin.tid())).append(')');
        });
        return line.toString();
    }

    private int flushInherited(List<ThreadInfo> run, Hooks base) {
        if (run.isEmpty()) return 0;
        ThreadInfo first = run.getFirst();
        String values = inheritedValues(first, base);
        if (run.size() >= 3) {
            String who = first.tid + ".." + run.getLast().tid + " ×" + run.size();
            out.accept("  " + Units.pad(who, 23) + "from " + Units.pad(label(first.creator) + " " + Units.at(first.start)
                    + "..", 30) + " name=" + first.inherited.name() + values);
            return 1;
        }
        for (ThreadInfo t : run) {
            out.accept("  " + Units.pad(Units.cut(label(t), 22), 23) + "from " + Units.pad(label(t.creator) + " "
                    + Units.at(t.start), 30) + " name=" + t.inherited.name() + inheritedValues(t, base));
        }
        return run.size();
    }

    /** The change, in the creator chain before {@code t} was created, that produced value {@code v}. */
    private HookChange origin(ThreadInfo t, String key, String v) {
        long before = t.start;
        for (ThreadInfo c = model.creatorOf(t); c != null; before = c.start, c = model.creatorOf(c)) {
            HookChange found = null;
            for (HookChange h : model.hookChanges(c.tid)) {
                if (h.hook().equals(key) && h.ns() <= before && h.ns() >= c.start && h.to().equals(v)) found = h;
            }
            if (found != null) return found;
        }
        return null;
    }

    private void changeList() {
        List<String> lines = new ArrayList<>();
        for (HookChange c : model.hookChanges()) {
            List<String> heirs = heirs(c);
            if (c.hook().equals(Hooks.NAME) && heirs.isEmpty()) continue;
            String line = "  " + Units.padLeft(Units.at(c.ns()), 9) + "  " + Units.pad(Units.cut(label(c.tid()), 22), 23)
                    + Units.pad(c.hook() + " " + c.from() + " → " + c.to(), 34)
                    + (heirs.isEmpty() ? "  inherited by nobody" : "  inherited by " + listed(heirs, 4));
            lines.add(line);
        }
        if (lines.isEmpty()) return;
        out.accept("");
        out.accept(palette.heading("SETTING CHANGES") + " (a thread changed a setting; which threads it created afterwards took it over)");
        for (String l : lines.subList(0, Math.min(lines.size(), MAX_ROWS))) out.accept(l);
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
        for (ThreadInfo child : forest.children(changer)) {
            if (child.start >= c.ns()) collectHeirs(child, c, out);
        }
        return out;
    }

    private void collectHeirs(ThreadInfo t, HookChange c, List<String> out) {
        if (!c.to().equals(t.inherited.value(c.hook()))) return; // the line of inheritance is broken here
        out.add(label(t));
        for (ThreadInfo child : forest.children(t)) collectHeirs(child, c, out);
    }

    // ---- futex ------------------------------------------------------------------------------

    private void futex() {
        FutexAnalysis analysis = FutexAnalysis.of(model);
        out.accept("");
        out.accept(palette.heading(Units.pad("FUTEX", LABEL_WIDTH) + "   calls   waits   wakes     blocked  timeouts  eagain"));
        List<ThreadInfo> busy = new ArrayList<>(model.threads().stream().filter(t -> t.futexCalls > 0).toList());
        busy.sort(Comparator.comparingLong((ThreadInfo t) -> t.futexBlockedNs).reversed());
        if (busy.isEmpty()) out.accept("  (no futex calls traced)");
        for (ThreadInfo t : busy.subList(0, Math.min(busy.size(), 30))) {
            out.accept(Units.pad(Units.cut(label(t), LABEL_WIDTH - 1), LABEL_WIDTH) + Units.padLeft(Long.toString(t.futexCalls), 8)
                    + Units.padLeft(Long.toString(t.futexWaits), 8) + Units.padLeft(Long.toString(t.futexWakes), 8)
                    + Units.padLeft(Units.duration(t.futexBlockedNs), 12) + Units.padLeft(Long.toString(t.futexTimeouts), 10)
                    + Units.padLeft(Long.toString(t.futexEagain), 8));
        }
        if (busy.size() > 30) out.accept("  … " + (busy.size() - 30) + " more threads");
        if (!analysis.addresses().isEmpty()) {
            out.accept("busiest futex words:");
            for (FutexAnalysis.AddressStats a : analysis.addresses().subList(0, Math.min(5, analysis.addresses().size()))) {
                out.accept("  0x" + Long.toHexString(a.uaddr()) + "  waits " + a.waits() + ", wakes " + a.wakes()
                        + ", blocked " + Units.duration(a.blockedNs()) + "; waiters " + tids(a.waiters()) + "; wakers "
                        + tids(a.wakers()));
            }
        }
        if (!analysis.releases().isEmpty()) {
            out.accept("who woke whom (longest waits):");
            List<FutexAnalysis.Release> rs = new ArrayList<>(analysis.releases());
            rs.sort(Comparator.comparingLong(FutexAnalysis.Release::waitedNs).reversed());
            for (FutexAnalysis.Release r : rs.subList(0, Math.min(8, rs.size()))) {
                out.accept("  " + label(r.waker()) + " woke " + label(r.waiter()) + " on 0x" + Long.toHexString(r.uaddr())
                        + " " + Units.at(r.ns()) + " after " + Units.duration(r.waitedNs()));
            }
        }
        if (!analysis.joins().isEmpty()) {
            out.accept("joins (waits on a thread's CLONE_CHILD_CLEARTID word, woken by the kernel at its exit):");
            for (FutexAnalysis.Join j : analysis.joins().subList(0, Math.min(analysis.joins().size(), 30))) {
                out.accept("  " + label(j.joiner()) + " joined " + label(j.joined()) + " " + Units.at(j.ns()) + " (waited "
                        + Units.duration(j.waitedNs()) + ")");
            }
        }
    }

    private static String tids(Set<Integer> tids) {
        if (tids.isEmpty()) return "-";
        List<String> s = tids.stream().limit(6).map(String::valueOf).toList();
        return String.join(",", s) + (tids.size() > 6 ? ",…" : "");
    }

    // ---- mmap -------------------------------------------------------------------------------

    private void mmap() {
        MmapAnalysis analysis = MmapAnalysis.of(model, 5);
        out.accept("");
        out.accept(palette.heading(Units.pad("MMAP", LABEL_WIDTH) + "   mmaps      mapped  munmaps    unmapped"));
        List<ThreadInfo> mapping = new ArrayList<>(model.threads().stream().filter(t -> t.mmapCalls + t.munmapCalls > 0).toList());
        mapping.sort(Comparator.comparingLong((ThreadInfo t) -> t.mmapBytes).reversed());
        if (mapping.isEmpty()) out.accept("  (no mmap calls traced)");
        for (ThreadInfo t : mapping.subList(0, Math.min(mapping.size(), 30))) {
            out.accept(Units.pad(Units.cut(label(t), LABEL_WIDTH - 1), LABEL_WIDTH) + Units.padLeft(Long.toString(t.mmapCalls), 8)
                    + Units.padLeft(Units.bytes(t.mmapBytes), 12) + Units.padLeft(Long.toString(t.munmapCalls), 9)
                    + Units.padLeft(Units.bytes(t.munmapBytes), 12));
        }
        if (!analysis.largest().isEmpty()) {
            out.accept("largest mappings:");
            for (Mapping m : analysis.largest()) {
                out.accept("  " + Units.padLeft(Units.bytes(m.length()), 10) + "  0x" + Long.toHexString(m.address()) + "  "
                        + m.prot() + " " + m.flags() + (m.path() != null ? " " + m.path() : "") + "  by " + label(m.tid())
                        + " " + Units.at(m.ns()));
            }
        }
        if (!analysis.stacks().isEmpty()) {
            out.accept("thread stacks (the clone stack argument, matched to the mapping that holds it):");
            for (MmapAnalysis.StackLink s : analysis.stacks().subList(0, Math.min(analysis.stacks().size(), 30))) {
                Mapping m = s.mapping();
                out.accept("  " + Units.pad(Units.cut(label(s.thread()), 22), 23) + "stack in 0x" + Long.toHexString(m.address())
                        + " (" + Units.bytes(m.length()) + ") mapped by " + label(m.tid()) + " " + Units.at(m.ns()));
            }
        }
    }
}
