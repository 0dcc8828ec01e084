package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.FoldedTasks;
import dev.jthreadtrace.model.NameShape;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** The spawn tree (creator → created) as parent/children lists, children in start order. */
final class SpawnForest {
    final List<ThreadInfo> roots = new ArrayList<>();
    private final Map<ThreadInfo, List<ThreadInfo>> children = new IdentityHashMap<>();
    /** The processes that had a thread besides their leader: such a leader's row never folds. */
    private final Set<Integer> withThreads = new HashSet<>();
    /** The groups of ended tasks folded past --keep-ended: rows under their creators, after its kept children. */
    private final FoldedTasks folded;

    /** The folded groups by their creator (tid and start): a creator's rows found at once, not by a scan of every group. */
    private final Map<Creator, List<FoldedGroup>> foldedBy = new HashMap<>();

    private record Creator(int tid, long start) {}

    SpawnForest(TraceModel model) {
        folded = model.folded();
        for (ThreadInfo t : model.threads()) {
            if (t.isThread()) withThreads.add(t.tgid());
            ThreadInfo creator = model.creatorOf(t);
            if (creator == null) roots.add(t);
            else children.computeIfAbsent(creator, k -> new ArrayList<>()).add(t);
        }
        for (FoldedGroup g : folded.groups()) {
            foldedBy.computeIfAbsent(new Creator(g.key().creator(), g.key().creatorStart()), k -> new ArrayList<>()).add(g);
        }
    }

    List<ThreadInfo> children(ThreadInfo t) {
        return children.getOrDefault(t, List.of());
    }

    /** The groups of ended tasks {@code t} created that folded past --keep-ended, in the order they folded. */
    List<FoldedGroup> foldedUnder(ThreadInfo t) {
        return foldedBy.isEmpty() ? List.of() : foldedBy.getOrDefault(new Creator(t.tid(), t.start()), List.of());
    }

    /** Whether {@code t} created a task, kept or folded: a creator's row never joins a run of childless siblings. */
    boolean createdAny(ThreadInfo t) {
        return !children(t).isEmpty() || !foldedUnder(t).isEmpty();
    }

    /**
     * One row of the tree as {@link #walk} meets it: a thread, or a group of siblings folded as
     * {@link #foldSiblings} folds them, or ({@code folded} not null, {@code group} empty) a group of
     * ended tasks folded past --keep-ended; its depth (0 for a root); whether it is the last row
     * under its creator; and its creator's row (null for a root). The last-flags up that chain are
     * the lines a drawn tree puts before the row.
     */
    record Visit(List<ThreadInfo> group, FoldedGroup folded, int depth, boolean last, Visit above) {}

    /**
     * Every row of the tree, folded, creator before created and siblings in start order, a thread's
     * folded groups after its kept children, no deeper than {@code maxDepth} (the rows there are
     * visited, what is below them is not). A loop, not a recursion: a chain of threads each made by
     * the one before is as deep as the program makes it (a hostile tester's 3 000-deep chain
     * overflowed the stack). Groups whose creator folded too are not met (see {@link FoldedTasks#groups}).
     */
    void walk(int maxDepth, Consumer<Visit> visitor) {
        Deque<Visit> next = new ArrayDeque<>();
        // Folded tasks without a creator (an attach's), and the group past the groups' bound, after the roots.
        List<FoldedGroup> foldedRoots = new ArrayList<>(folded.groupsOf(0, 0));
        foldedRoots.addAll(folded.groupsOf(FoldedTasks.OTHERS.creator(), FoldedTasks.OTHERS.creatorStart()));
        pushRows(foldSiblings(roots, this), foldedRoots, null, 0, next);
        while (!next.isEmpty()) {
            Visit row = next.pop();
            visitor.accept(row);
            // A folded group's members have no children.
            if (row.group().size() == 1 && row.depth() < maxDepth) {
                ThreadInfo t = row.group().getFirst();
                pushRows(foldSiblings(children(t), this), foldedUnder(t), row, row.depth() + 1, next);
            }
        }
    }

    /** {@code rows}, then {@code groups}, onto {@code next}, the first on top: the walk meets them in order. */
    private static void pushRows(List<List<ThreadInfo>> rows, List<FoldedGroup> groups, Visit above, int depth, Deque<Visit> next) {
        for (int i = groups.size() - 1; i >= 0; i--) next.push(new Visit(List.of(), groups.get(i), depth, i == groups.size() - 1, above));
        for (int i = rows.size() - 1; i >= 0; i--) next.push(new Visit(rows.get(i), null, depth, i == rows.size() - 1 && groups.isEmpty(), above));
    }

    /** Every row of the whole tree, folded, creator before created: the timelines' lanes. */
    List<List<ThreadInfo>> depthFirst() {
        List<List<ThreadInfo>> into = new ArrayList<>();
        walk(Integer.MAX_VALUE, row -> {
            if (row.folded() == null) into.add(row.group());
        });
        return into;
    }

    /** How many tasks the tree holds below {@code t}, however deep (a loop, for the same reason). */
    int descendants(ThreadInfo t) {
        int n = 0;
        Deque<ThreadInfo> next = new ArrayDeque<>(children(t));
        while (!next.isEmpty()) {
            n++;
            next.addAll(children(next.pop()));
        }
        return n;
    }

    /**
     * Runs of at least three childless siblings of one creator whose names differ only in digits
     * ({@code GC Thread#0..#7}) or not at all (2000 unnamed pthreads, all called like the program):
     * the report shows them as one folded row. Only rows of one kind fold (threads with threads,
     * processes made the same way with processes, tasks that existed at an attach with their like),
     * and a process that has threads never does: a row {@code unn..unn ×4 process} would hide
     * that three of the four are its threads.
     */
    static List<List<ThreadInfo>> foldSiblings(List<ThreadInfo> siblings, SpawnForest forest) {
        List<List<ThreadInfo>> rows = new ArrayList<>();
        List<ThreadInfo> run = new ArrayList<>();
        for (ThreadInfo t : siblings) {
            // One row stands for threads of one creator only: the kernel tree lists siblings by PPid,
            // which threads of different creators share, and a folded row names one creator.
            boolean fits = !run.isEmpty() && !forest.createdAny(t) && !forest.createdAny(run.getFirst())
                    && t.creatorInfo() == run.getFirst().creatorInfo()
                    && forest.foldable(t) && forest.foldable(run.getFirst()) && sameKind(t, run.getFirst())
                    && shape(t.name()).equals(shape(run.getFirst().name()));
            if (!fits) {
                flush(run, rows);
                run = new ArrayList<>();
            }
            run.add(t);
        }
        flush(run, rows);
        return rows;
    }

    /** A thread, or a process with no thread but its leader. */
    private boolean foldable(ThreadInfo t) {
        return t.isThread() || !withThreads.contains(t.tid());
    }

    /** The same KIND column: thread or process, spawned the same way, sharing the same, existing at attach or not. */
    private static boolean sameKind(ThreadInfo a, ThreadInfo b) {
        return a.isThread() == b.isThread() && a.spawnKind() == b.spawnKind() && a.existedAtAttach() == b.existedAtAttach()
                && (a.cloneFlags() & CloneFlags.SHARING) == (b.cloneFlags() & CloneFlags.SHARING);
    }

    private static void flush(List<ThreadInfo> run, List<List<ThreadInfo>> rows) {
        if (run.isEmpty()) return;
        if (run.size() >= 3) rows.add(run);
        else for (ThreadInfo t : run) rows.add(List.of(t));
    }

    static String shape(String name) {
        return NameShape.of(name);
    }
}
