package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every task and process the trace met: who created whom, where the kernel put it, how it ended.
 * Tids are reused, so a tid means its live task, else the latest one that had it. Times are
 * relative to the target's start, as the {@link TraceModel} gives them.
 */
final class ThreadTable {
    private final List<ThreadInfo> threads = new ArrayList<>();
    private final Map<Integer, ThreadInfo> live = new HashMap<>();
    /** The latest record for each tid, live or ended: tids are reused, so this is what a tid means now. */
    private final Map<Integer, ThreadInfo> latest = new HashMap<>();
    private final Map<Integer, ProcessInfo> processes = new LinkedHashMap<>();
    /** The task that called exit_group in each process first: the others' exits are its doing. */
    private final Map<Integer, Integer> groupExitBy = new HashMap<>();
    private int peakLive;

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
        t.nsTid(e.nsTid());
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
        child.spawnedAs(parentOfCreator ? processParent : creator.tgid(), s.kind(), s.flags());
        child.nsTid(s.nsTid());
        ThreadInfo previous = live.remove(s.child());
        if (previous != null) previous.endedWithTrace(ns);
        add(child);
        if (!isThread) processes.put(s.child(), new ProcessInfo(s.child(), creator.tid(), child.osParent()));
        return child;
    }

    /** A child created with CLONE_UNTRACED: seen at its birth only. */
    void untraced(TraceEvent.UntracedChild u, long ns) {
        ThreadInfo creator = task(u.creator(), ns);
        ThreadInfo child = ThreadInfo.createdBy(creator, u.child(), u.child(), ns,
                creator.hooks().forChild().withTraced(Hooks.Tracer.UNTRACED));
        child.spawnedAs(creator.tgid(), TraceEvent.SpawnKind.CLONE, CloneFlags.CLONE_UNTRACED);
        child.ended(ns, new Exit.Untraced());
        threads.add(child);
        latest.put(child.tid(), child);
        processes.put(u.child(), new ProcessInfo(u.child(), creator.tid(), creator.tgid()));
    }

    /** An exec: the thread that called it (if not the leader) ends, the leader goes on with its settings. */
    ThreadInfo exec(TraceEvent.Exec e, long ns) {
        ThreadInfo leader = task(e.tid(), ns);
        if (e.formerTid() != e.tid()) {
            ThreadInfo former = live.remove(e.formerTid());
            if (former != null) former.ended(ns, new Exit.ReplacedByExec(e.tid()));
            leader.continues(former != null ? former.hooks() : leader.hooks(), ns);
        }
        ProcessInfo process = processes.get(leader.tgid());
        if (process != null && e.path() != null) process.execd(e.path(), e.runtime());
        return leader;
    }

    /** How a task that exited with {@code code} ended: by its own exit, its own exit_group, or another's. */
    Exit exitOf(int tid, int code) {
        ThreadInfo t = live.get(tid);
        if (t != null && t.calledExitGroupItself()) return new Exit.GroupExit(code, null);
        if (t != null && t.calledExitItself()) return new Exit.Exited(code, true);
        Integer by = t == null ? null : groupExitBy.get(t.tgid());
        if (by != null) return new Exit.GroupExit(code, by);
        return new Exit.Exited(code, false);
    }

    void ended(int tid, long ns, Exit exit) {
        ThreadInfo t = live.remove(tid);
        if (t == null) return;
        t.ended(ns, exit);
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

    /** The record of a live task, or the latest one with this tid. */
    ThreadInfo thread(int tid) {
        ThreadInfo t = live.get(tid);
        return t != null ? t : latest.get(tid);
    }

    List<ThreadInfo> threads() {
        return Collections.unmodifiableList(threads);
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

    private void add(ThreadInfo t) {
        threads.add(t);
        live.put(t.tid(), t);
        latest.put(t.tid(), t);
        peakLive = Math.max(peakLive, live.size());
    }
}
