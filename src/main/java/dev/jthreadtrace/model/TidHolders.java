package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which task a tid named at a moment, and what that task was called then. A tid names different
 * tasks over a trace: the kernel reuses tids, and an execve from a non-leader thread gives that
 * thread its leader's tid (the old leader ends there, "superseded by execve"). A record that keeps
 * only a tid and a time (a mapping, a wake, a join, a setting change) belongs to the task that held
 * the tid then, and a name belongs to a time too: what a task did before an exec it lived through
 * keeps the name it had before the exec, not the new program's. Built once per report from the
 * kept tasks.
 */
public final class TidHolders {
    private final TraceModel model;
    /** By tid, every kept task that held it: under its own tid, or under the former tid of a thread that exec'd. */
    private final Map<Integer, List<ThreadInfo>> byTid = new HashMap<>();
    /** Leaders that called exit while other threads of their process ran on: when (see {@link #exitedAsZombie}). */
    private final Map<ThreadInfo, Long> zombies = new IdentityHashMap<>();
    /** The joins kept for the timelines' marks, by the joiner's tid; made when first asked for. */
    private Map<Integer, List<FutexAnalysis.Join>> joinsByTid;

    public TidHolders(TraceModel model) {
        this.model = model;
        for (ThreadInfo t : model.threads()) {
            byTid.computeIfAbsent(t.tid(), k -> new ArrayList<>(1)).add(t);
            if (t.formerTid() != 0) byTid.computeIfAbsent(t.formerTid(), k -> new ArrayList<>(1)).add(t);
        }
        Map<Integer, ScopeEnd> leaderExits = new HashMap<>();
        for (ProcessInfo p : model.processes()) {
            ScopeEnd end = p.scopeEnd();
            if (end != null && ScopeEnd.MAIN_THREAD_EXITED.equals(end.what())) leaderExits.put(p.pid(), end);
        }
        if (leaderExits.isEmpty()) return;
        for (ThreadInfo t : model.threads()) {
            ScopeEnd end = leaderExits.get(t.tgid());
            ThreadInfo leader = end == null ? null : at(end.tid(), end.ns());
            if (leader != null && leader != t && t.start() <= end.ns() && (t.end() == null || t.end() > end.ns())) zombies.put(leader, end.ns());
        }
    }

    /** The tid {@code t} had at {@code ns}: the one it had as a thread until its exec took its leader's, then that. */
    public static int tidAt(ThreadInfo t, long ns) {
        return t.formerTid() != 0 && ns < t.tookLeaderTidAt() ? t.formerTid() : t.tid();
    }

    /**
     * When {@code t}, a process's main thread, called exit (pthread_exit) while another thread of its
     * process ran on: the kernel ends the thread there and keeps it a zombie (ps: Z; /proc's Threads
     * still counts it) until the process ends, whose status its exit then reports. Null for any other.
     */
    public Long exitedAsZombie(ThreadInfo t) {
        return zombies.get(t);
    }

    /**
     * The task {@code tid} named at {@code ns}: the one holding it then, or when none did (a join
     * comes after the joined thread's end), the last to hold it before; null when no kept task held
     * it by then. A tid's holders follow one another, so that is the one that took it last before
     * {@code ns}; at the moment an exec hands the leader's tid over, the exec'ing thread.
     */
    public ThreadInfo at(int tid, long ns) {
        ThreadInfo holder = null;
        long holderFrom = Long.MIN_VALUE;
        for (ThreadInfo t : byTid.getOrDefault(tid, List.of())) {
            long from = t.formerTid() != 0 && t.tid() == tid ? t.tookLeaderTidAt() : t.start();
            if (from <= ns && (holder == null || from >= holderFrom)) {
                holder = t;
                holderFrom = from;
            }
        }
        return holder;
    }

    /**
     * The joins {@code t} made (of those kept for the timelines' marks): under its tid, or under the tid
     * it had before its exec took its leader's, while it held that tid (not the old leader's, before).
     */
    public List<FutexAnalysis.Join> joinsBy(ThreadInfo t) {
        if (joinsByTid == null) {
            joinsByTid = new HashMap<>();
            for (FutexAnalysis.Join j : model.futexAnalysis().joinMarks()) joinsByTid.computeIfAbsent(j.joiner(), k -> new ArrayList<>()).add(j);
        }
        List<FutexAnalysis.Join> out = new ArrayList<>();
        for (int tid : t.formerTid() == 0 ? List.of(t.tid()) : List.of(t.formerTid(), t.tid())) {
            for (FutexAnalysis.Join j : joinsByTid.getOrDefault(tid, List.of())) if (at(tid, j.ns()) == t) out.add(j);
        }
        return out;
    }

    /** The name of the task {@code tid} named at {@code ns}, as then ({@link #nameAt(ThreadInfo, long)}); the model's for a tid no kept task held. */
    public String nameAt(int tid, long ns) {
        ThreadInfo t = at(tid, ns);
        return t == null ? model.nameOf(tid) : nameAt(t, ns);
    }

    /**
     * The name {@code t} had at {@code ns}: its name now ({@link ThreadInfo#name}, the Java one
     * where known), unless an exec it lived through came later; then its kernel name before the
     * first such exec (the program it ran then named it).
     */
    public String nameAt(ThreadInfo t, long ns) {
        ProcessInfo process = model.process(t.tgid());
        if (process == null) return t.name();
        for (long exec : process.execTimes()) {
            // An exec it lived through: it ran before and goes on after (the old leader it supersedes ends there).
            if (exec > ns && exec > t.start() && (t.end() == null || t.end() > exec)) return nameBefore(t, exec);
        }
        return t.name();
    }

    private static String nameBefore(ThreadInfo t, long ns) {
        String name = null;
        for (ThreadInfo.NameChange n : t.names()) {
            if (n.ns() >= ns && name != null) break;
            name = n.name();
        }
        return name;
    }
}
