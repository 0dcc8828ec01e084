package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The spawn tree (creator → created, re-parented threads marked) beside the kernel's tree (PPid). */
final class TreeSection extends SectionRenderer {
    TreeSection(ReportContext ctx) {
        super(ctx);
    }

    /** The tree column's least width. */
    private static final int TREE_COLUMN = 44;

    @Override
    public void render() {
        spawnTree();
        kernelTree();
    }

    private void spawnTree() {
        List<String[]> rows = new ArrayList<>();
        // Roots are the traced command, or (attach) every thread that existed then: 200 sleeper-N fold into one row.
        for (List<ThreadInfo> group : SpawnForest.foldSiblings(ctx.forest().roots, ctx.forest())) {
            if (group.size() == 1) {
                spawnRows(group.getFirst(), "", "", rows);
            } else {
                ThreadInfo first = group.getFirst(), lastT = group.getLast();
                rows.add(row(first, first.tid() + ".." + lastT.tid() + " " + Escape.text(first.name()) + ".."
                        + Escape.text(lastT.name()) + " ×" + group.size(), group.size()));
            }
        }
        List<String[]> shown = rows.subList(0, Math.min(rows.size(), ReportContext.MAX_ROWS));
        // The tree column is as wide as its widest row: a Java name or "[constructed by ...]" is never cut.
        int column = Math.max(TREE_COLUMN, shown.stream().mapToInt(r -> Units.width(r[0]) + 1).max().orElse(0));
        out.accept("");
        out.accept(palette.heading(Units.pad("THREADS BY CREATOR", column) + Units.pad("KIND", 18) + "KERNEL PARENT (PPid)"
                + "   END"));
        for (String[] r : shown) {
            out.accept(Units.pad(r[0], column) + Units.pad(r[1], 18) + Units.pad(r[2], 24) + " " + r[3]);
        }
        if (rows.size() > ReportContext.MAX_ROWS) out.accept("… " + (rows.size() - ReportContext.MAX_ROWS) + " more rows (see --format jsonl)");
        for (ProcessInfo p : model.processes()) {
            if (p.exec().size() > 1) out.accept("exec chain of " + p.pid() + ": " + String.join(" → ", p.exec().stream().map(Escape::text).toList()));
        }
    }

    private void spawnRows(ThreadInfo t, String lead, String childLead, List<String[]> rows) {
        rows.add(row(t, lead + label(t) + formerNames(t) + javaCreator(t) + virtualStarter(t) + createdAt(t)
                + (t.startedForAttach() ? " [for jthreadtrace's attach]" : ""), 1));
        List<List<ThreadInfo>> groups = SpawnForest.foldSiblings(ctx.forest().children(t), ctx.forest());
        Integer constructed = model.virtualThreadsByCreator().get(t.tid());
        Long mounts = model.virtualThreadMountsByCarrier().get(t.tid());
        if (constructed != null) {
            rows.add(new String[] {childLead + (groups.isEmpty() && mounts == null ? "└─" : "├─") + "⋯ " + constructed
                    + " virtual thread" + (constructed == 1 ? "" : "s") + " constructed here" + namedVirtualThreads(t),
                    "virtual", "no task of their own", ""});
        }
        if (mounts != null) {
            rows.add(new String[] {childLead + (groups.isEmpty() ? "└─" : "├─") + "⋯ mounted virtual threads " + mounts
                    + " time" + (mounts == 1 ? "" : "s") + " (carrier)", "virtual", "", ""});
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
                rows.add(row(first, branch + first.tid() + ".." + lastT.tid() + " " + Escape.text(first.name()) + ".."
                        + Escape.text(lastT.name()) + " ×" + group.size() + groupCreatedAt(group), group.size()));
            }
        }
    }

    private String formerNames(ThreadInfo t) {
        if (t.java() != null) {
            List<String> former = t.java().formerNames();
            return former.isEmpty() ? "" : " (was " + Escape.text(former.getLast()) + ")";
        }
        List<String> names = t.nameHistory();
        return names.size() > 1 ? " (was " + Escape.text(names.get(names.size() - 2)) + ")" : "";
    }

    /** Where the Java creator (the constructor's thread) is not the thread that started it. */
    /** The names of virtual threads constructed by each OS thread (a few each), made once per report. */
    private Map<Integer, List<String>> namedVirtual;
    private static final int NAMED_VIRTUAL_SHOWN = 5;

    /** {@code , named: vstarter, order-42}: the named ones among the virtual threads an OS thread constructed. */
    private String namedVirtualThreads(ThreadInfo t) {
        if (namedVirtual == null) {
            namedVirtual = new HashMap<>();
            for (var r : model.javaView().records()) {
                if (r instanceof JavaRecord.Constructed c && c.virtual() && !c.name().isBlank()) {
                    namedVirtual.computeIfAbsent(c.osTid(), k -> new ArrayList<>()).add(c.name());
                }
            }
        }
        List<String> names = namedVirtual.getOrDefault(t.tid(), List.of());
        if (names.isEmpty()) return "";
        return ", named: " + String.join(", ", names.stream().limit(NAMED_VIRTUAL_SHOWN).map(Escape::text).toList())
                + (names.size() > NAMED_VIRTUAL_SHOWN ? " and " + (names.size() - NAMED_VIRTUAL_SHOWN) + " more" : "");
    }

    /** A platform thread started by a virtual thread: its kernel creator is only the carrier. */
    private static String virtualStarter(ThreadInfo t) {
        if (t.java() == null || t.java().virtualStarter() == null) return "";
        var v = t.java().virtualStarter();
        return " [started by virtual thread #" + v.id() + (v.name().isEmpty() ? "" : " " + Escape.text(v.name())) + "]";
    }

    /** A folded group's creation site: the first member's, and how many other sites the others had. */
    private static String groupCreatedAt(List<ThreadInfo> group) {
        String first = createdAt(group.getFirst());
        if (first.isEmpty()) return "";
        long others = group.stream().map(TreeSection::createdAt).filter(at -> !at.equals(first)).distinct().count();
        return first + (others == 0 ? "" : " (and " + others + " other site" + (others == 1 ? "" : "s") + ")");
    }

    /** Where the Java thread was started: the first frame of its creation stack. */
    private static String createdAt(ThreadInfo t) {
        String at = t.java() == null ? null : t.java().createdAt();
        return at == null ? "" : " created at " + Escape.text(at);
    }

    private String javaCreator(ThreadInfo t) {
        if (t.java() == null || t.creator() == null || t.java().constructorTid() <= 0 || t.java().constructorTid() == t.creator()) {
            return "";
        }
        return " [constructed by " + label(t.java().constructorTid()) + "]";
    }

    private String[] row(ThreadInfo t, String tree, int count) {
        String kind = t.isThread() ? "thread" : t.creator() == null ? "process" : "process/" + kindName(t);
        if (t.existedAtAttach()) kind += " (existed)";
        if (t.isThread() && t.spawnKind() != null && (t.cloneFlags() & CloneFlags.SHARING) != CloneFlags.SHARING) {
            kind = "thread*";
        }
        String parent = t.osParent() + " " + (model.thread(t.osParent()) != null ? model.nameOf(t.osParent())
                : t.osParent() == model.tracerPid() ? "jthreadtrace" : "");
        if (t.reparented()) parent = t.osParent() + " " + palette.mark("↰ reparented");
        return new String[] {tree, kind, parent.trim(), count > 1 ? "" : end(t)};
    }

    private static String kindName(ThreadInfo t) {
        return t.spawnKind() == null ? "?" : t.spawnKind().name().toLowerCase(Locale.ROOT);
    }

    private String end(ThreadInfo t) {
        Exit e = t.exit();
        if (e == null) return t.end() != null && t.end() >= model.endNs() ? "still running at end" : "";
        return switch (e) {
            case Exit.Killed k -> k.how();
            case Exit.ReplacedByExec r -> "exec'd";
            case Exit.Untraced u -> "untraced";
            case Exit.GroupExit g when g.tornDown() -> g.how();
            case Exit.GroupExit g -> "exit " + g.value();
            case Exit.Exited x -> "exit " + x.value();
        };
    }

    private void kernelTree() {
        out.accept("");
        out.accept(palette.heading("KERNEL TREE (by PPid: what ps, pstree and /proc show)"));
        KernelForest forest = KernelForest.of(model);
        List<String> lines = new ArrayList<>();
        if (model.attached()) {
            // Attached processes hang from parents the tool does not trace (a shell, systemd, init).
            for (int root : forest.roots()) {
                lines.add(root + " (not traced)");
                kernelRows(root, "", forest, lines, 0);
            }
        } else {
            lines.add(model.tracerPid() + " jthreadtrace");
            kernelRows(model.tracerPid(), "", forest, lines, 0);
        }
        for (String l : lines.subList(0, Math.min(lines.size(), ReportContext.MAX_ROWS))) out.accept(l);
        if (lines.size() > ReportContext.MAX_ROWS) out.accept("… " + (lines.size() - ReportContext.MAX_ROWS) + " more rows");
    }

    private void kernelRows(int parent, String lead, KernelForest forest, List<String> lines, int depth) {
        List<ThreadInfo> kids = forest.children(parent);
        if (depth > 64) return;
        List<List<ThreadInfo>> groups = SpawnForest.foldSiblings(kids, ctx.forest());
        for (int i = 0; i < groups.size(); i++) {
            boolean last = i == groups.size() - 1;
            List<ThreadInfo> g = groups.get(i);
            ThreadInfo t = g.getFirst();
            String text = g.size() == 1 ? label(t) : t.tid() + ".." + g.getLast().tid() + " " + Escape.text(t.name()) + ".."
                    + Escape.text(g.getLast().name()) + " ×" + g.size();
            String note = t.isThread() ? "   thread of " + t.tgid() + (t.creator() != null && t.creator() != t.tgid()
                    ? ", created by " + label(t.creator()) : "") : "";
            lines.add(lead + (last ? "└─" : "├─") + text + note);
            if (!t.isThread()) kernelRows(t.tid(), lead + (last ? "  " : "│ "), forest, lines, depth + 1);
        }
    }

}
