package dev.jthreadtrace.render;

import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.List;
import java.util.function.Consumer;

import static dev.jthreadtrace.render.HtmlReport.h;

/**
 * The HTML page's two trees, folded alike: the spawn tree (creator → created) and the kernel's
 * (PPid). A run of three or more childless siblings of one creator whose names differ only in
 * digits is one row that opens ({@code <details>}, no script) on its members' ids; a node of its
 * own carries {@code data-tid}/{@code data-pid}/{@code data-creator} (spawn) or
 * {@code data-ktid}/{@code data-ppid} (kernel), a folded row the attributes its members share and
 * their ids as text ({@code <p class="members">}), which keeps 10 000 threads to a few bytes each.
 */
final class HtmlTrees {
    /** Levels a tree shows (a browser nests lists only so deep); below, the page says how many it left out. */
    static final int MAX_DEPTH = 200;

    private final TraceModel model;
    private final SpawnForest forest;
    private final Consumer<String> out;

    HtmlTrees(TraceModel model, SpawnForest forest, Consumer<String> out) {
        this.model = model;
        this.forest = forest;
        this.out = out;
    }

    void write() {
        out.accept("<div class=\"trees\"><section><h2>Threads by creator</h2><ul class=\"tree\" id=\"spawn-tree\">");
        for (List<ThreadInfo> group : SpawnForest.foldSiblings(forest.roots, forest)) {
            if (group.size() == 1) spawnNode(group.getFirst(), 0);
            else spawnGroup(group);
        }
        foldedGroups();
        out.accept("</ul></section><section><h2>Kernel tree (by PPid: what ps and pstree show)</h2><ul class=\"tree\" id=\"kernel-tree\">");
        KernelForest kernel = KernelForest.of(model);
        for (int root : kernel.roots()) {
            String name = root == model.tracerPid() ? "jthreadtrace" : "(not traced)";
            out.accept("<li data-ppid-root=\"" + root + "\">" + root + " <span class=\"kind\">" + name + "</span><ul>");
            kernelChildren(root, kernel, 0);
            out.accept("</ul></li>");
        }
        // A folded task's kernel parent is not kept: its group is in the spawn tree, under its creator.
        if (model.folded().any()) {
            out.accept("<li class=\"cut\" id=\"kernel-folded\">\u22ef " + SummaryFacts.plural(model.folded().all().tasks(), "ended task")
                    + " folded past --keep-ended " + model.folded().keepEnded() + ", " + model.folded().all().reparented()
                    + " of them re-parented: not drawn here (their groups are under their creators in the spawn tree)</li>");
        }
        out.accept("</ul></section></div>");
    }

    private void spawnNode(ThreadInfo t, int depth) {
        out.accept("<li data-tid=\"" + t.tid() + "\" data-pid=\"" + t.tgid() + "\"" + (t.creator() == null ? "" : " data-creator=\""
                + t.creator() + "\"") + ">" + label(t) + createdAt(t)
                + (t.existedAtAttach() ? " <span class=\"kind\">existed at attach</span>" : "")
                + (t.startedForAttach() ? " <span class=\"kind\">for jthreadtrace's attach</span>" : ""));
        List<List<ThreadInfo>> groups = SpawnForest.foldSiblings(forest.children(t), forest);
        if (depth > MAX_DEPTH && !groups.isEmpty()) {
            out.accept("<ul><li class=\"cut\">\u2026 " + forest.children(t).size() + " created here, deeper than " + MAX_DEPTH
                    + " levels: not shown (see --format jsonl)</li></ul></li>");
            return;
        }
        List<FoldedGroup> folded = forest.foldedUnder(t);
        if (!groups.isEmpty() || !folded.isEmpty()) {
            out.accept("<ul>");
            for (List<ThreadInfo> group : groups) {
                if (group.size() == 1) spawnNode(group.getFirst(), depth + 1);
                else spawnGroup(group);
            }
            for (FoldedGroup g : folded) foldedNode(g, "");
            out.accept("</ul>");
        }
        out.accept("</li>");
    }

    /**
     * After the roots: the folded groups with no creator (an attach's) or past the groups' bound,
     * then those whose creator folded too (leaves fold first, then their creator), each naming it.
     */
    private void foldedGroups() {
        if (!model.folded().any()) return;
        for (FoldedGroup g : model.folded().groups()) {
            FoldedGroup.Key k = g.key();
            ThreadInfo creator = model.thread(k.creator());
            boolean creatorKept = creator != null && creator.start() == k.creatorStart() && k.creator() != 0;
            if (creatorKept) continue;
            foldedNode(g, k.creator() > 0 ? ", created by " + k.creator() + " (folded)" : "");
        }
    }

    /** A group of ended tasks folded past --keep-ended: the text report's row, its times and kind of end. */
    private void foldedNode(FoldedGroup g, String creator) {
        out.accept("<li class=\"folded\" data-folded=\"" + g.figures().tasks() + "\"" + (g.key().creator() > 0 ? " data-creator=\""
                + g.key().creator() + "\"" : "") + ">\u22ef " + HtmlReport.html(FoldedRows.row(g) + creator + ", " + FoldedRows.span(g))
                + " <span class=\"kind\">" + h(g.key().exitKind()) + "</span></li>");
    }

    /** A folded row: its members share a creator (and, when they do, a process), listed by id when opened. */
    private void spawnGroup(List<ThreadInfo> group) {
        ThreadInfo first = group.getFirst();
        boolean onePid = group.stream().allMatch(t -> t.tgid() == first.tgid());
        out.accept("<li class=\"group\"" + (onePid ? " data-pid=\"" + first.tgid() + "\"" : "")
                + (first.creator() == null ? "" : " data-creator=\"" + first.creator() + "\"") + "><details><summary>"
                + groupName(group) + createdAt(first) + (first.existedAtAttach() ? " <span class=\"kind\">existed at attach</span>" : "")
                + " <span class=\"kind\">" + ends(group) + "</span></summary>" + members(group)
                + "</details></li>");
    }

    private void kernelChildren(int parent, KernelForest kernel, int depth) {
        if (depth > MAX_DEPTH) {
            out.accept("<li class=\"cut\">\u2026 " + kernel.children(parent).size() + " children, deeper than " + MAX_DEPTH
                    + " levels: not shown (see --format jsonl)</li>");
            return;
        }
        for (List<ThreadInfo> g : SpawnForest.foldSiblings(kernel.children(parent), forest)) {
            ThreadInfo t = g.getFirst();
            String note = t.isThread() ? " <span class=\"of\">" + t.tgid() + "</span>" : "";
            if (g.size() > 1) {
                if (t.reparented()) note += " <span class=\"reparented\">" + label(model.thread(t.creator())) + "</span>";
                out.accept("<li class=\"group\" data-ppid=\"" + t.osParent() + "\"" + (t.reparented() ? " data-reparented-members=\""
                        + g.size() + "\"" : "") + "><details><summary>" + groupName(g) + note + "</summary>" + members(g)
                        + "</details></li>");
                continue;
            }
            // The words every row repeats come from the style sheet (::before): 10 000 rows stay small.
            if (t.reparented()) {
                note += " <span class=\"rp\" data-reparented-from=\"" + t.creator() + "\">"
                        + label(model.thread(t.creator())) + "</span>";
            }
            out.accept("<li data-ktid=\"" + t.tid() + "\" data-ppid=\"" + t.osParent() + "\">" + label(t) + note);
            if (!t.isThread() && !kernel.children(t.tid()).isEmpty()) {
                out.accept("<ul>");
                kernelChildren(t.tid(), kernel, depth + 1);
                out.accept("</ul>");
            }
            out.accept("</li>");
        }
    }

    /** {@code 1203..1212 GC Thread#0..GC Thread#9 ×10}. */
    static String groupName(List<ThreadInfo> group) {
        ThreadInfo first = group.getFirst(), last = group.getLast();
        String names = first.name().equals(last.name()) ? h(first.name()) : h(first.name()) + ".." + h(last.name());
        return first.tid() + ".." + last.tid() + " " + names + " \u00d7" + group.size();
    }

    /** The members' ids (with their names where these differ), as text: a few bytes each. */
    private static String members(List<ThreadInfo> group) {
        boolean sameName = group.stream().allMatch(t -> t.name().equals(group.getFirst().name()));
        StringBuilder b = new StringBuilder("<p class=\"members\">");
        for (ThreadInfo t : group) {
            b.append(t.tid());
            if (!sameName) b.append(' ').append(h(t.name())).append(',');
            b.append(' ');
        }
        return b.append("</p>").toString();
    }

    /** {@code exit 0 ×2000}, or the mix. */
    private static String ends(List<ThreadInfo> group) {
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (ThreadInfo t : group) counts.merge(t.exit() == null ? "no end seen" : t.exit().how(), 1, Integer::sum);
        return String.join(", ", counts.entrySet().stream().map(e -> h(e.getKey()) + " \u00d7" + e.getValue()).toList());
    }

    static String label(ThreadInfo t) {
        return t == null ? "?" : t.tid() + ReportContext.nsTid(t) + " " + h(t.name()) + (t.isThread() ? "" : " <span class=\"kind\">process</span>");
    }

    static String createdAt(ThreadInfo t) {
        String at = t.java() == null ? null : t.java().createdAt();
        return at == null ? "" : " <span class=\"site\">created at " + h(at) + "</span>";
    }
}
