package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The spawn tree (creator → created, re-parented threads marked) beside the kernel's tree (PPid). */
final class TreeSection extends SectionRenderer {
    TreeSection(ReportContext ctx) {
        super(ctx);
    }

    /** The tree column's least width. */
    private static final int TREE_COLUMN = 44;
    /** Columns the END column takes at most when the width is short. */
    private static final int END_ROOM = 18;

    @Override
    public void render() {
        spawnTree();
        kernelTree();
    }

    /**
     * One row of the spawn tree: the tree text, its Java creation site (kept on the row when the
     * width allows, else on a line of its own under it, after {@code lead}), and the columns.
     */
    private record Row(String tree, String site, String lead, String kind, String parent, String end) {
        Row withEnd(String newEnd) {
            return new Row(tree, site, lead, kind, parent, newEnd);
        }
    }

    private void spawnTree() {
        List<Row> rows = new ArrayList<>();
        // Roots are the traced command, or (attach) every thread that existed then: 200 sleeper-N fold into one row.
        Set<FoldedGroup> drawn = Collections.newSetFromMap(new IdentityHashMap<>());
        ctx.forest().walk(maxDepth(), row -> {
            spawnRows(row, rows);
            if (row.folded() != null) drawn.add(row.folded());
        });
        // Groups whose creator folded too (leaves fold first, then their creator): after the tree, each naming its creator.
        for (FoldedGroup g : model.folded().groups()) {
            ThreadInfo creator = model.thread(g.key().creator());
            boolean creatorKept = creator != null && creator.start() == g.key().creatorStart();
            // A kept creator's groups were drawn, or are below the depth drawn (counted in its "more tasks below" row).
            if (!drawn.contains(g) && !creatorKept) rows.add(foldedRow(g, "", "  ", ", created by " + g.key().creator() + " (folded)"));
        }
        List<Row> shown = rows.subList(0, Math.min(rows.size(), ReportContext.MAX_ROWS));
        int kind = columnWidth(shown, Row::kind, "KIND") + 2, parent = columnWidth(shown, Row::parent, "KERNEL PARENT (PPid)") + 3;
        // An end wider than this wraps under its row rather than narrowing the tree.
        int end = Math.min(END_ROOM, columnWidth(shown, Row::end, "END"));
        // The tree column is as wide as its widest row, creation sites included, when the width
        // allows; else the sites go under their rows, and a row still too wide has its columns under it.
        int room = ctx.width() - kind - parent - end;
        int whole = Math.max(TREE_COLUMN, shown.stream().mapToInt(r -> Units.width(r.tree() + r.site()) + 1).max().orElse(0));
        boolean sitesInline = whole <= room;
        int column = sitesInline ? whole : Math.max(24, Math.min(room, Math.max(TREE_COLUMN,
                shown.stream().mapToInt(r -> Units.width(r.tree()) + 1).max().orElse(0))));
        out.accept("");
        out.accept(palette.heading(Units.pad("THREADS BY CREATOR", column) + Units.pad("KIND", kind) + Units.pad("KERNEL PARENT (PPid)", parent)
                + "END"));
        for (Row r : shown) {
            String tree = sitesInline ? r.tree() + r.site() : r.tree();
            String columns = Units.pad(r.kind(), kind) + Units.pad(r.parent(), parent);
            // An END too long for the row goes under its KIND, after the tree's own lines: the tree stays drawn.
            boolean endFits = column + Units.width(columns) + Units.width(r.end()) <= ctx.width();
            String under = Units.pad(r.lead(), column), onRow = endFits ? r.end() : "";
            if (Units.width(tree) < column) {
                out.accept(Units.pad(tree, column) + columns + onRow);
            } else {
                // A name is never cut (two threads may differ only at its end): its columns go under it.
                out.accept(tree);
                out.accept(under + columns + onRow);
            }
            if (!endFits) out.accept(under + r.end());
            if (!sitesInline && !r.site().isEmpty()) out.accept(siteLine(r));
        }
        if (rows.size() > ReportContext.MAX_ROWS) out.accept("… " + (rows.size() - ReportContext.MAX_ROWS) + " more rows (see --format jsonl)");
        for (ProcessInfo p : model.processes()) {
            if (p.exec().size() > 1) out.accept("exec chain of " + p.pid() + ": " + String.join(" → ", p.exec().stream().map(Escape::text).toList()));
        }
        if (model.folded().processesLetGo() > 0) {
            out.accept("(the exec chains of " + SummaryFacts.plural(model.folded().processesLetGo(), "older folded process") + " were let go)");
        }
    }

    /**
     * A creation site on a line of its own under its row, the tree's lines continuing beside it;
     * cut on the left when too long, as a class's package matters least.
     */
    private String siteLine(Row r) {
        String lead = r.lead() + "  created at ", site = r.site().strip().substring("created at ".length());
        int room = ctx.width() - Units.width(lead);
        return lead + Units.cutStart(site, Math.max(2, room));
    }

    private static int columnWidth(List<Row> rows, Function<Row, String> column, String heading) {
        return Math.max(Units.width(heading), rows.stream().mapToInt(r -> Units.width(column.apply(r))).max().orElse(0));
    }

    /**
     * How deep the trees are drawn: below, a row says how many tasks were created there instead. Each level
     * takes two columns, so a quarter of the width keeps the deepest row's name and columns on the page.
     */
    private int maxDepth() {
        return Math.max(8, ctx.width() / 4);
    }

    /**
     * The rows one row of the walk draws (the walk is a loop, as a chain of creators is as deep as
     * the program makes it): a thread or a folded group, the tree's lines before it, and under a
     * thread the virtual threads it made or carried and, at the deepest level drawn, how many
     * tasks are below.
     */
    private void spawnRows(SpawnForest.Visit walked, List<Row> rows) {
        String childLead = childLead(walked), lead = walked.depth() == 0 ? "" : childLead(walked.above()) + (walked.last() ? "└─" : "├─");
        if (walked.folded() != null) {
            rows.add(foldedRow(walked.folded(), lead, childLead, ""));
            return;
        }
        if (walked.group().size() > 1) {
            rows.add(groupRow(walked.group(), lead, childLead));
            return;
        }
        ThreadInfo t = walked.group().getFirst();
        rows.add(row(t, lead + label(t) + formerNames(t) + tookLeaderTid(t) + javaCreator(t) + virtualStarter(t)
                + (t.startedForAttach() ? " [for jthreadtrace's attach]" : ""), createdAt(t), childLead, 1));
        boolean creator = ctx.forest().createdAny(t);
        Integer constructed = model.virtualThreadsByCreator().get(t.tid());
        Long mounts = model.virtualThreadMountsByCarrier().get(t.tid());
        if (constructed != null) {
            rows.add(new Row(childLead + (!creator && mounts == null ? "└─" : "├─") + "⋯ " + constructed
                    + " virtual thread" + (constructed == 1 ? "" : "s") + " constructed here" + namedVirtualThreads(t), "", childLead,
                    "virtual", "no task of their own", ""));
        }
        if (mounts != null) {
            rows.add(new Row(childLead + (!creator ? "└─" : "├─") + "⋯ mounted virtual threads " + mounts
                    + " time" + (mounts == 1 ? "" : "s") + " (carrier)", "", childLead, "virtual", "", ""));
        }
        if (creator && walked.depth() >= maxDepth()) {
            int below = ctx.forest().descendants(t);
            rows.add(new Row(childLead + "└─⋯ " + below + " more task" + (below == 1 ? "" : "s") + " below, deeper than "
                    + maxDepth() + " levels: not shown (see --format jsonl)", "", childLead + "  ", "", "", ""));
        }
    }

    /** The tree's lines under a row, before its created rows' branches: one "│ " per row on its path that has siblings after it. */
    private static String childLead(SpawnForest.Visit walked) {
        Deque<String> levels = new ArrayDeque<>();
        for (SpawnForest.Visit at = walked; at.depth() > 0; at = at.above()) levels.push(at.last() ? "  " : "│ ");
        return String.join("", levels);
    }

    /** A group of tasks folded past --keep-ended: how many, like which name, their tids and times, their kind of end. */
    private static Row foldedRow(FoldedGroup g, String branch, String next, String creator) {
        return new Row(branch + "⋯ " + FoldedRows.row(g) + creator + ", " + FoldedRows.span(g), "", next, "folded", "", g.key().exitKind());
    }

    /** A folded group of tasks: its range and names, its first member's site, and what its members' ends were. */
    private Row groupRow(List<ThreadInfo> group, String branch, String next) {
        ThreadInfo first = group.getFirst(), lastT = group.getLast();
        return row(first, branch + first.tid() + ".." + lastT.tid() + " " + Escape.text(first.name()) + ".."
                + Escape.text(lastT.name()) + " ×" + group.size(), groupCreatedAt(group), next, group.size()).withEnd(ends(group));
    }

    /** {@code exit 0 ×2000}, or the mix: {@code exit 0 ×3, killed by SIGKILL ×1}. */
    private String ends(List<ThreadInfo> group) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ThreadInfo t : group) counts.merge(end(t).isEmpty() ? "no end seen" : end(t), 1, Integer::sum);
        List<String> parts = new ArrayList<>();
        counts.forEach((how, n) -> parts.add(how + " ×" + n));
        return String.join(", ", parts);
    }

    /** {@code , re-parented from 11699 to 1 @300.1ms when 11699 sh exited}: an orphan's PPid changes, in order. */
    private String reparentedAt(ThreadInfo t) {
        StringBuilder out = new StringBuilder();
        for (ThreadInfo.Reparent r : t.reparents()) {
            out.append(out.isEmpty() ? "   " : "; ").append("re-parented from ").append(r.from()).append(" to ").append(r.to())
                    .append(r.to() == 1 ? " (init)" : model.thread(r.to()) != null ? " " + Escape.text(model.nameOf(r.to())) : "")
                    .append(" ").append(Units.at(r.ns())).append(" when ").append(label(r.from(), r.ns())).append(" exited");
        }
        return out.toString();
    }

    /** {@code [thread 7330 until its execve @512.0ms]}: a thread whose exec gave it the leader's tid. */
    private static String tookLeaderTid(ThreadInfo t) {
        return t.formerTid() == 0 ? "" : " [thread " + t.formerTid() + " until its execve " + Units.at(t.tookLeaderTidAt()) + "]";
    }

    /**
     * {@code (was NAME)}: the name the thread started with (a Java thread's at start(), any other's the one
     * it inherited from its creator), not the one before its last rename: a pool thread renamed per task
     * reads "renamed-3 (was pool-orig)", what it was made as.
     */
    private String formerNames(ThreadInfo t) {
        if (t.java() != null) {
            List<String> former = t.java().formerNames();
            return former.isEmpty() ? "" : " (was " + Escape.text(former.getFirst()) + ")";
        }
        List<String> names = t.nameHistory();
        // A thread renamed in a loop keeps its first and latest names only: say how many between were let go.
        String dropped = t.namesDropped() == 0 ? "" : "; " + t.namesDropped() + " names between not kept";
        return names.size() > 1 ? " (was " + Escape.text(names.getFirst()) + dropped + ")" : "";
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

    private Row row(ThreadInfo t, String tree, String site, String lead, int count) {
        String kind = t.isThread() ? "thread" : t.formerTid() != 0 ? "thread→leader" : t.creator() == null ? "process"
                : "process/" + kindName(t);
        if (t.existedAtAttach()) kind += " (existed)";
        if (t.isThread() && t.spawnKind() != null && t.cloneFlagsKnown() && (t.cloneFlags() & CloneFlags.SHARING) != CloneFlags.SHARING) {
            kind = "thread*";
        }
        String parent = t.osParent() + " " + (model.thread(t.osParent()) != null ? model.nameOf(t.osParent())
                : t.osParent() == model.tracerPid() ? "jthreadtrace" : "");
        if (t.reparented()) parent = t.osParent() + " " + palette.mark("↰ reparented");
        return new Row(tree, site, lead, kind, parent.trim(), count > 1 ? "" : end(t));
    }

    private static String kindName(ThreadInfo t) {
        return t.spawnKind() == null ? "?" : t.spawnKind().name().toLowerCase(Locale.ROOT);
    }

    private String end(ThreadInfo t) {
        // A main thread that called exit while its threads ran on ended then; the process's end is reported later.
        Long zombie = ctx.holders().exitedAsZombie(t);
        if (zombie == null) return processEnd(t);
        return "exited " + Units.at(zombie) + (t.exit() == null ? "; a zombie at the end" : "; zombie until " + processEnd(t));
    }

    private String processEnd(ThreadInfo t) {
        Exit e = t.exit();
        if (e == null) return t.end() != null && t.end() >= model.endNs() ? "still running at end" : "";
        return switch (e) {
            case Exit.Killed k -> k.how();
            case Exit.ReplacedByExec r -> (r.leader() ? "superseded by execve of " : "ended by execve of ") + r.execBy();
            case Exit.Untraced u -> "untraced";
            case Exit.GroupExit g when g.tornDown() -> "torn down by " + g.tornDownBy();
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
            // Orphans the kernel gave to init (or to a subreaper the tool does not trace).
            for (int root : forest.roots()) {
                if (root == model.tracerPid()) continue;
                lines.add(root + (root == 1 ? " init" : "") + " (not traced)");
                kernelRows(root, "", forest, lines, 0);
            }
        }
        for (String l : lines.subList(0, Math.min(lines.size(), ReportContext.MAX_ROWS))) out.accept(l);
        if (lines.size() > ReportContext.MAX_ROWS) out.accept("… " + (lines.size() - ReportContext.MAX_ROWS) + " more rows");
        // A folded task's kernel parent is not kept: its group is in THREADS BY CREATOR, under its creator.
        if (model.folded().any()) {
            out.accept("⋯ " + SummaryFacts.plural(model.folded().all().tasks(), "ended task") + " folded past --keep-ended "
                    + model.folded().keepEnded() + ", " + model.folded().all().reparented() + " of them re-parented: not drawn here"
                    + " (their groups are under their creators in THREADS BY CREATOR)");
        }
    }

    private void kernelRows(int parent, String lead, KernelForest forest, List<String> lines, int depth) {
        List<ThreadInfo> kids = forest.children(parent);
        if (depth >= maxDepth()) {
            if (!kids.isEmpty()) lines.add(lead + "└─⋯ " + kids.size() + " children, deeper than " + maxDepth() + " levels: not shown (see --format jsonl)");
            return;
        }
        List<List<ThreadInfo>> groups = SpawnForest.foldSiblings(kids, ctx.forest());
        for (int i = 0; i < groups.size(); i++) {
            boolean last = i == groups.size() - 1;
            List<ThreadInfo> g = groups.get(i);
            ThreadInfo t = g.getFirst();
            String text = g.size() == 1 ? label(t) : t.tid() + ".." + g.getLast().tid() + " " + Escape.text(t.name()) + ".."
                    + Escape.text(g.getLast().name()) + " ×" + g.size();
            String note = t.isThread() ? "   thread of " + t.tgid() + (t.creator() != null && t.creator() != t.tgid()
                    ? ", created by " + label(t.creator()) : "") : g.size() == 1 ? tookLeaderTid(t) + reparentedAt(t) : "";
            lines.add(lead + (last ? "└─" : "├─") + text + note);
            if (!t.isThread()) kernelRows(t.tid(), lead + (last ? "  " : "│ "), forest, lines, depth + 1);
        }
    }

}
