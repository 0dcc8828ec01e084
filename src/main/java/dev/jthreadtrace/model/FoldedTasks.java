package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The tasks folded so far: their groups (one report row each), their sums over the whole trace, and
 * their sums per selector. The selectors are those of the assertions, parsed before the trace: a
 * task is matched when it folds, its record final, so {@code threads{name="worker-*"}.count} and the
 * futex and mmap sums of a glob stay exact after the record is let go.
 *
 * <p>Memory: one group per creator, name shape and kind of end, at most {@link #MAX_GROUPS}; past
 * that, new rows go into one group of "other creators and names" ({@link #OTHERS}), so a trace whose
 * every thread has a creator or a name of its own still costs a constant. The sums stay exact.
 */
public final class FoldedTasks {
    static final int MAX_GROUPS = 4096;
    /** The group of everything folded once {@link #MAX_GROUPS} rows exist. */
    public static final FoldedGroup.Key OTHERS = new FoldedGroup.Key(-1, 0, "*", "*");

    private final Map<FoldedGroup.Key, FoldedGroup> groups = new LinkedHashMap<>();
    private final FoldedFigures all = new FoldedFigures();
    /** The SUMMARY's "inherited settings a creator changed": per setting and creator, how many folded tasks. */
    private final Map<Heir, Integer> heirs = new LinkedHashMap<>();
    private long heirTasks, heirsUncounted, processesLetGo;
    /** The folded tasks that waited longest in futex waits, longest first: the SUMMARY names the {@value #WAITS} longest. */
    private final List<Waited> longestWaits = new ArrayList<>();
    static final int WAITS = 3;
    private final Map<String, Predicate<ThreadInfo>> selectors;
    private final Map<String, FoldedFigures> selected = new LinkedHashMap<>();
    private final int keepEnded;
    /**
     * The latest {@value #MAX_RECENT} folded tasks by tid: who they were, for a reader that meets a
     * folded task's tid after its record went (the owner a lock's word names, BLOCKED's).
     */
    private final Map<Integer, Gone> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Gone> eldest) {
            return size() > MAX_RECENT;
        }
    };
    static final int MAX_RECENT = 4096;
    /** The tasks the latest event folded, with their figures: the JSONL writes their records then (at most one look's worth). */
    private final List<FoldedTask> byLastEvent = new ArrayList<>();

    /** How many ended tasks are kept in full before the oldest fold; -1 for all. */
    public int keepEnded() {
        return keepEnded;
    }

    /**
     * {@code selectors}: each assertion's thread selector under its text (as the evaluator will ask
     * for it, e.g. the glob of {@code {name="worker-*"}}); a fold adds a task to those it matches.
     */
    public FoldedTasks(Map<String, Predicate<ThreadInfo>> selectors) {
        this(-1, selectors);
    }

    /** {@code keepEnded}: the bound past which tasks fold ({@code --keep-ended}), -1 for none; the report and the JSONL say it. */
    public FoldedTasks(int keepEnded, Map<String, Predicate<ThreadInfo>> selectors) {
        this.keepEnded = keepEnded;
        this.selectors = new LinkedHashMap<>(selectors);
        for (String key : selectors.keySet()) selected.put(key, new FoldedFigures());
    }

    /**
     * Folds one ended task: its figures go into its group, the whole trace's sums and each selector
     * it matches. Returns what counts a join of it seen later (a late join) in those same sums.
     */
    Runnable fold(ThreadInfo t, FutexCounters futex, MmapCounters mmap, boolean wasJoined, boolean inJvm, boolean goRuntime) {
        FoldedGroup.Key key = FoldedGroup.Key.of(t);
        FoldedGroup g = groups.get(key);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) key = OTHERS;
            g = groups.computeIfAbsent(key, k -> new FoldedGroup(k, t.name()));
        }
        List<FoldedFigures> into = new ArrayList<>(2);
        into.add(g.figures());
        into.add(all);
        for (Map.Entry<String, Predicate<ThreadInfo>> s : selectors.entrySet()) {
            if (s.getValue().test(t)) into.add(selected.get(s.getKey()));
        }
        for (FoldedFigures f : into) f.add(t, futex, mmap, wasJoined, inJvm, goRuntime);
        heirs(t);
        recent.remove(t.tid());
        recent.put(t.tid(), new Gone(t.tid(), t.tgid(), t.name(), t.start(), t.end(), t.calledExitItself()));
        waited(t, futex.blockedNs());
        byLastEvent.add(new FoldedTask(t, futex, mmap));
        return () -> into.forEach(FoldedFigures::lateJoined);
    }

    /** A new event: what the previous one folded has been handed on. */
    void nextEvent() {
        byLastEvent.clear();
    }

    /**
     * The tasks the model's latest event folded, in the order they folded: a sink that writes each
     * task's record (the JSONL) writes theirs now, while they are final and before they are gone.
     */
    public List<FoldedTask> foldedByLastEvent() {
        return Collections.unmodifiableList(byLastEvent);
    }

    /** A folded task as {@link #gone} names it: its tid, process, final name, life and whether it called exit itself. */
    public record Gone(int tid, int tgid, String name, long start, long end, boolean calledExitItself) {}

    /** The folded task with tid {@code tid} among the latest {@value #MAX_RECENT} folded, or null. */
    public Gone gone(int tid) {
        return recent.isEmpty() ? null : recent.get(tid);
    }

    /** A setting a creator (by tid) had changed when it created a task, which the task inherited. */
    public record Heir(Hook hook, int creator) {}

    /** A folded task that waited: its tid, name and time blocked (its record is gone; these are what the SUMMARY prints). */
    public record Waited(int tid, String name, long blockedNs) {}

    private void heirs(ThreadInfo t) {
        List<Hook> changed = CreatorChanges.inheritedChanged(t);
        if (changed.isEmpty()) return;
        heirTasks++;
        for (Hook hook : changed) {
            Heir key = new Heir(hook, t.creatorInfo().tid());
            if (heirs.containsKey(key) || heirs.size() < MAX_GROUPS) heirs.merge(key, 1, Integer::sum);
            else heirsUncounted++;
        }
    }

    private void waited(ThreadInfo t, long blockedNs) {
        if (blockedNs <= 0) return;
        int at = longestWaits.size();
        while (at > 0 && longestWaits.get(at - 1).blockedNs() < blockedNs) at--;
        if (at >= WAITS) return;
        longestWaits.add(at, new Waited(t.tid(), t.name(), blockedNs));
        if (longestWaits.size() > WAITS) longestWaits.removeLast();
    }

    /** Per setting and creator, how many folded tasks inherited a setting their creator had changed. */
    public Map<Heir, Integer> heirs() {
        return Collections.unmodifiableMap(heirs);
    }

    /** Folded tasks that inherited at least one changed setting. */
    public long heirTasks() {
        return heirTasks;
    }

    /** Inheritances past the {@link #MAX_GROUPS} setting-and-creator entries: counted in {@link #heirTasks}, not named. */
    public long heirsUncounted() {
        return heirsUncounted;
    }

    /** The folded tasks that waited longest, longest first (an earlier fold first among equals), at most {@value #WAITS}. */
    public List<Waited> longestWaits() {
        return List.copyOf(longestWaits);
    }

    /** Processes whose every task folded and whose record was let go too (their pids and exec chains; see FoldedProcesses). */
    public long processesLetGo() {
        return processesLetGo;
    }

    void processLetGo() {
        processesLetGo++;
    }

    /** Whether any task folded: every reader of the task list must then read the groups too. */
    public boolean any() {
        return all.tasks() > 0;
    }

    /** The groups, in the order their first task folded. */
    public Collection<FoldedGroup> groups() {
        return Collections.unmodifiableCollection(groups.values());
    }

    /** The groups of one creator (tid and start), in order: the tree's rows under it. */
    public List<FoldedGroup> groupsOf(int creator, long creatorStart) {
        List<FoldedGroup> out = new ArrayList<>();
        for (FoldedGroup g : groups.values()) {
            if (g.key().creator() == creator && g.key().creatorStart() == creatorStart) out.add(g);
        }
        return out;
    }

    /** The sums over every folded task. */
    public FoldedFigures all() {
        return all;
    }

    /**
     * The sums over the folded tasks that selector {@code key} matched; null for a selector not
     * registered before the trace (its answer is then unknown once anything folded).
     */
    public FoldedFigures selected(String key) {
        return selected.get(key);
    }
}
