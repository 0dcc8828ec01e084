package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every task and process the trace met: who created whom, where the kernel put it, how it ended.
 * Tids are reused, so a tid means its live task, else the latest one that had it. Times are
 * relative to the target's start, as the {@link TraceModel} gives them.
 */
final class ThreadTable implements FoldRule.Needs {
    private final List<ThreadInfo> threads = new ArrayList<>();
    /**
     * The ended tasks kept in full, oldest end first, and the bound on them; null when unbounded
     * (every task kept, as before the fold existed).
     */
    private final FoldQueue foldQueue;
    /** Per creator, how many of the tasks it created are still kept: a creator folds after its last kept child (identity: most tasks create nothing, and have no entry). */
    private final Map<ThreadInfo, Integer> keptChildren = new IdentityHashMap<>();
    /**
     * Folded tasks not yet taken out of {@link #threads}: removing one at a time from the list is
     * O(n) per fold, so they are taken out in bulk ({@link #compact}) once there are
     * {@link #COMPACT_AT} of them, or when the list is read.
     */
    private final Set<ThreadInfo> foldedNotCompacted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private static final int COMPACT_AT = 1024;
    /** The process records, folded after their last kept task (when a bound is set). */
    private final FoldedProcesses foldedProcesses;
    private final Map<Integer, ThreadInfo> live = new HashMap<>();
    /** The latest record for each tid, live or ended: tids are reused, so this is what a tid means now. */
    private final Map<Integer, ThreadInfo> latest = new HashMap<>();
    private final Map<Integer, ProcessInfo> processes = new LinkedHashMap<>();
    /** The task that called exit_group in each process first: the others' exits are its doing. */
    private final Map<Integer, Integer> groupExitBy = new HashMap<>();
    /** Threads still to report their end when another thread's execve took their leader's tid: the exec ends them. */
    private final Map<Integer, Integer> endingByExec = new HashMap<>();
    private int peakLive;
    /** Live tasks per process: a process ends, and its children are orphaned, when its last task does. */
    private final Map<Integer, Integer> liveByTgid = new HashMap<>();
    /** The processes that called prctl(PR_SET_CHILD_SUBREAPER, non-zero): orphans below them go to them. */
    private final java.util.Set<Integer> subreapers = new java.util.HashSet<>();
    /** How far back an exec looks for its process's threads that already reported their end (the newest records). */
    private static final int MAX_LOOK_BACK = 100_000;
    /** The commonest end (a thread returned from its function), one value shared, not one per thread. */
    private static final Exit EXITED_ITSELF_0 = new Exit.Exited(0, true);

    /** Every task kept in full, as before the fold existed. */
    ThreadTable() {
        this(-1, null);
    }

    /** {@code keepEnded}: how many ended tasks are kept in full before the oldest fold ({@code --keep-ended}); negative for all. */
    ThreadTable(int keepEnded, FoldedTasks folded) {
        this.foldQueue = keepEnded < 0 ? null : new FoldQueue(keepEnded);
        this.foldedProcesses = keepEnded < 0 ? null : new FoldedProcesses(folded);
    }

    /** The command the tool started: its first task, the tracer its parent. */
    ThreadInfo started(int pid, int tracerPid, String name) {
        ThreadInfo root = new ThreadInfo(pid, pid, 0, Hooks.initial(name));
        root.osParent(tracerPid);
        add(root);
        processes.put(pid, new ProcessInfo(pid, null, tracerPid));
        return root;
    }

    /** A task that existed at attach, with its settings as /proc showed them; no creator. */
    ThreadInfo existing(TraceEvent.ExistingTask e, Hooks hooks) {
        ThreadInfo t = new ThreadInfo(e.tid(), e.tgid(), 0, hooks);
        t.existedAtAttach(e.ppid());
        t.nsIds(e.nsTid() == 0 ? List.of() : List.of(e.nsTid()));
        add(t);
        processes.computeIfAbsent(e.tgid(), pid -> new ProcessInfo(pid, null, e.ppid()));
        return t;
    }

    /** The task, created on first sight if an event names one the table has not met. */
    ThreadInfo task(int tid, long ns) {
        ThreadInfo t = live.get(tid);
        if (t == null) {
            t = new ThreadInfo(tid, tid, ns, Hooks.initial("?"));
            add(t);
        }
        return t;
    }

    /** A traced child: a thread of its creator's process or a process of its own, parented as the kernel does. */
    ThreadInfo spawned(TraceEvent.Spawned s, long ns) {
        ThreadInfo creator = task(s.creator(), ns);
        boolean isThread = (s.flags() & CloneFlags.CLONE_THREAD) != 0;
        int tgid = isThread ? creator.tgid() : s.child();
        ProcessInfo creatorProcess = processes.get(creator.tgid());
        int processParent = creatorProcess != null ? creatorProcess.parentPid() : creator.osParent();
        boolean parentOfCreator = isThread || (s.flags() & CloneFlags.CLONE_PARENT) != 0;

        ThreadInfo child = ThreadInfo.createdBy(creator, s.child(), tgid, ns, creator.hooks().forChild());
        child.spawnedAs(parentOfCreator ? processParent : creator.tgid(), s.kind(), s.flags(), s.flagsKnown());
        child.nsIds(s.nsIds());
        ThreadInfo previous = removeLive(s.child());
        if (previous != null) {
            previous.endedWithTrace(ns);
            endedTask(previous);
        }
        add(child);
        if (!isThread) processes.put(s.child(), new ProcessInfo(s.child(), creator.tid(), child.osParent()));
        return child;
    }

    /** A child created with CLONE_UNTRACED: seen at its birth only. */
    void untraced(TraceEvent.UntracedChild u, long ns) {
        ThreadInfo creator = task(u.creator(), ns);
        ThreadInfo child = ThreadInfo.createdBy(creator, u.child(), u.child(), ns,
                creator.hooks().forChild().withTraced(Hooks.Tracer.UNTRACED));
        child.spawnedAs(creator.tgid(), TraceEvent.SpawnKind.CLONE, CloneFlags.CLONE_UNTRACED, true);
        child.ended(ns, new Exit.Untraced());
        threads.add(child);
        latest.put(child.tid(), child);
        keptChild(child);
        endedTask(child);
        processes.put(u.child(), new ProcessInfo(u.child(), creator.tid(), creator.tgid()));
    }

    /**
     * An exec. From a non-leader thread, the kernel ends the old leader (strace: "superseded by
     * execve") and gives the exec'ing thread the leader's tid: that thread's record goes on under
     * the new tid, its calls and names its own, and the old leader's record ends here.
     */
    ThreadInfo exec(TraceEvent.Exec e, long ns) {
        ThreadInfo leader = task(e.tid(), ns);
        if (e.formerTid() != e.tid()) {
            ThreadInfo execer = removeLive(e.formerTid());
            if (execer != null) {
                removeLive(e.tid());
                leader.ended(ns, new Exit.ReplacedByExec(e.formerTid(), true));
                endedTask(leader);
                endedByExec(execer, e.formerTid());
                execer.tookLeaderTid(e.tid(), ns);
                putLive(execer);
                latest.put(e.tid(), execer);
                leader = execer;
            }
        }
        ProcessInfo process = processes.get(leader.tgid());
        if (process != null && e.path() != null) process.execd(e.path(), e.runtime(), ns);
        return leader;
    }

    /**
     * The other threads of the exec'ing thread's process: the kernel killed them before the exec
     * went on, and reported "exited with 0" for each (most before the exec's event, a late one
     * after). Those that called neither exit nor exit_group (both are always recorded) ended by the exec.
     */
    private void endedByExec(ThreadInfo execer, int execBy) {
        for (ThreadInfo t : live.values()) {
            if (t != execer && t.tgid() == execer.tgid()) endingByExec.put(t.tid(), execBy);
        }
        for (int i = threads.size() - 1; i >= 0 && i >= threads.size() - MAX_LOOK_BACK; i--) {
            ThreadInfo t = threads.get(i);
            if (foldedNotCompacted.contains(t)) continue;
            if (t.tgid() == execer.tgid() && t != execer && t.exit() instanceof Exit.Exited x && !x.ownCall()
                    && t.end() != null && !groupExitBy.containsKey(t.tgid())) {
                t.ended(t.end(), new Exit.ReplacedByExec(execBy, false));
            }
        }
    }

    /** How a task that exited with {@code code} ended: by its own exit, its own exit_group, or another's. */
    Exit exitOf(int tid, int code) {
        ThreadInfo t = live.get(tid);
        Integer execBy = endingByExec.remove(tid);
        if (execBy != null && t != null && !t.calledExitItself() && !t.calledExitGroupItself()) return new Exit.ReplacedByExec(execBy, false);
        if (t != null && t.calledExitGroupItself()) return new Exit.GroupExit(code, null);
        if (t != null && t.calledExitItself()) return code == 0 ? EXITED_ITSELF_0 : new Exit.Exited(code, true);
        Integer by = t == null ? null : groupExitBy.get(t.tgid());
        if (by != null) return new Exit.GroupExit(code, by);
        return new Exit.Exited(code, false);
    }

    void ended(int tid, long ns, Exit exit) {
        ThreadInfo t = removeLive(tid);
        if (t == null) return;
        t.ended(ns, exit);
        endedTask(t);
        if (!liveByTgid.containsKey(t.tgid())) orphaned(t.tgid(), ns);
        if (t.tid() == t.tgid()) {
            ProcessInfo p = processes.get(t.tgid());
            if (p != null) p.exit(exit);
        }
    }

    /** The trace ended: every task still live ends with it. */
    void traceEnded(long ns) {
        for (ThreadInfo t : live.values()) t.endedWithTrace(ns);
    }

    /** {@code t} called exit_group: the first such call in its process ends the others. */
    void calledExitGroup(ThreadInfo t) {
        t.calledExitGroup();
        groupExitBy.putIfAbsent(t.tgid(), t.tid());
    }

    /** The live task with this tid, or null. */
    ThreadInfo live(int tid) {
        return live.get(tid);
    }

    Collection<ThreadInfo> liveTasks() {
        return live.values();
    }

    /**
     * The live task {@code caller} names by {@code id}, an id of its own PID namespace ({@link
     * SeenIds}), or null: none, or which cannot be told. A caller of the tool's namespace (or not
     * known) names the kernel's tid.
     */
    ThreadInfo liveNamedBy(ThreadInfo caller, int id) {
        return SeenIds.live(caller, id, live::get, live.values());
    }

    /** The record of a live task, or the latest one with this tid. */
    ThreadInfo thread(int tid) {
        ThreadInfo t = live.get(tid);
        return t != null ? t : latest.get(tid);
    }

    /** Every task kept in full, in creation order (folded ones are in {@link FoldedTasks}). */
    List<ThreadInfo> threads() {
        compact();
        return Collections.unmodifiableList(threads);
    }

    // ---- the fold ---------------------------------------------------------------------------------

    /**
     * Folds the oldest ended tasks that {@link FoldRule} lets go while more than the bound are kept:
     * {@code fold} first takes each one's figures (and the stores keyed by it forget it), then the
     * table forgets it. Returns how many folded.
     */
    int foldDue(java.util.function.Predicate<ThreadInfo> stillNeeded, Consumer<ThreadInfo> fold) {
        if (foldQueue == null) return 0;
        this.stillNeeded = stillNeeded;
        return foldQueue.foldDue(this, t -> {
            fold.accept(t);
            forget(t);
        });
    }

    /** After an attach: the tasks each JVM of {@code jvmPids} started to answer the tool (by their names) are the tool's. */
    void markStartedForAttach(Collection<Integer> jvmPids, Set<String> toolThreadNames) {
        for (ThreadInfo t : threads()) {
            if (!t.existedAtAttach() && jvmPids.contains(t.tgid())
                    && t.nameHistory().stream().anyMatch(toolThreadNames::contains)) {
                t.startedForAttach(true);
            }
        }
    }

    @Override
    public boolean hasKeptChild(ThreadInfo t) {
        return keptChildren.containsKey(t);
    }

    /** Whether process {@code tgid} has a live task. */
    @Override
    public boolean processLive(int tgid) {
        return liveByTgid.containsKey(tgid);
    }

    /**
     * What the rest of the model still reads of an ended task ({@link TraceModel}: its last call
     * was cut by its end, and the BLOCKED section names it). A join of it is no such need: its
     * clear-tid word was cleared and woken by the kernel at its exit, and the joiner's return comes
     * next; the lock words a pending wait reads name their owner by tid, among the kept tasks.
     */
    @Override
    public boolean waitedOn(ThreadInfo t) {
        return stillNeeded != null && stillNeeded.test(t);
    }

    private java.util.function.Predicate<ThreadInfo> stillNeeded;

    /** It ended at or after its process's scope end: the leaks section decides about it at the end. */
    @Override
    public boolean mayBeLeak(ThreadInfo t) {
        ProcessInfo p = processes.get(t.tgid());
        return p != null && p.scopeEnd() != null && t.end() != null && t.end() >= p.scopeEnd().ns();
    }

    private void endedTask(ThreadInfo t) {
        if (foldQueue != null) foldQueue.ended(t);
    }

    private void keptChild(ThreadInfo child) {
        // Unbounded, nothing folds: no count to keep.
        if (foldQueue == null) return;
        ThreadInfo creator = child.creatorInfo();
        if (creator != null) keptChildren.merge(creator, 1, Integer::sum);
        foldedProcesses.kept(child.tgid());
    }

    /** {@code t} folded: no record of the table points at it any more, and its creator has one kept child fewer. */
    private void forget(ThreadInfo t) {
        latest.remove(t.tid(), t);
        ThreadInfo creator = t.creatorInfo();
        if (creator != null) keptChildren.computeIfPresent(creator, (k, n) -> n > 1 ? n - 1 : null);
        foldedProcesses.folded(t.tgid(), processes, liveByTgid.containsKey(t.tgid()));
        foldedNotCompacted.add(t);
        if (foldedNotCompacted.size() >= Math.max(COMPACT_AT, threads.size() / 4)) compact();
    }

    private void compact() {
        if (foldedNotCompacted.isEmpty()) return;
        threads.removeIf(foldedNotCompacted::contains);
        foldedNotCompacted.clear();
    }

    Collection<ProcessInfo> processes() {
        return Collections.unmodifiableCollection(processes.values());
    }

    ProcessInfo process(int pid) {
        return processes.get(pid);
    }

    int peakLive() {
        return peakLive;
    }

    /** {@code t} called prctl(PR_SET_CHILD_SUBREAPER, on): its process adopts orphans below it, or no more. */
    void subreaper(ThreadInfo t, boolean on) {
        if (on) subreapers.add(t.tgid());
        else subreapers.remove(t.tgid());
    }

    /**
     * Process {@code pid}'s last task ended: the kernel gives its live children (each process's
     * tasks: a thread's PPid is its process's parent) to the nearest live ancestor that is a
     * subreaper, else to init of the PID namespace: a traced ancestor that is its namespace's
     * pid 1, else 1. (Its other threads would have adopted them first: none is left.) A subreaper
     * above the tool itself is not seen here; {@link #parentSeen} puts it in when the orphan says.
     */
    private void orphaned(int pid, long ns) {
        subreapers.remove(pid);
        List<ThreadInfo> orphans = null;
        for (ThreadInfo c : live.values()) {
            if (c.osParent() == pid && c.tgid() != pid) {
                if (orphans == null) orphans = new ArrayList<>();
                orphans.add(c);
            }
        }
        if (orphans == null) return;
        int reaper = reaperFor(pid);
        for (ThreadInfo c : orphans) c.reparented(ns, reaper);
    }

    /**
     * Process {@code pid}'s PPid as /proc said (at its exit_group): when it was orphaned to init because
     * no traced ancestor could adopt it, the kernel's real choice, a subreaper above the tool, replaces
     * init in its tasks' last re-parenting. Any other process's parent is the one the events gave it.
     */
    void parentSeen(int pid, int ppid) {
        for (ThreadInfo t : live.values()) {
            if (t.tgid() == pid && !t.reparents().isEmpty() && t.reparents().getLast().to() == 1 && ppid != 1 && ppid > 0) {
                t.reaperSeen(ppid);
            }
        }
    }

    private int reaperFor(int pid) {
        ThreadInfo p = latest.get(pid);
        for (int depth = 0; p != null && depth < 4096; depth++) {
            if (p.nsTid() == 1 && liveByTgid.containsKey(p.tgid())) return p.tgid();
            int up = p.osParent();
            if (up <= 1) break;
            if (subreapers.contains(up) && liveByTgid.containsKey(up)) return up;
            p = latest.get(up);
        }
        return 1;
    }

    private ThreadInfo removeLive(int tid) {
        ThreadInfo t = live.remove(tid);
        if (t != null) liveByTgid.computeIfPresent(t.tgid(), (k, n) -> n > 1 ? n - 1 : null);
        return t;
    }

    private void putLive(ThreadInfo t) {
        ThreadInfo replaced = live.put(t.tid(), t);
        if (replaced != null) liveByTgid.computeIfPresent(replaced.tgid(), (k, n) -> n > 1 ? n - 1 : null);
        liveByTgid.merge(t.tgid(), 1, Integer::sum);
    }

    private void add(ThreadInfo t) {
        threads.add(t);
        keptChild(t);
        putLive(t);
        latest.put(t.tid(), t);
        peakLive = Math.max(peakLive, live.size());
    }
}
