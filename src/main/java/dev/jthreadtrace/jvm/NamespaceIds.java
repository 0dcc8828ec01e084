package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Turns the ids a JVM in a PID namespace of its own gives (its agent's records: its pid and tids
 * as it sees them; its thread dump's {@code nid=}) into the kernel's, through the namespace ids the
 * tracer read at each task's birth or at the attach ({@link ThreadInfo#nsTid}). A record's pid is
 * either the kernel's pid of such a process (a thread dump taken from outside) or, when no traced
 * process has that pid, the pid one such process has inside its namespace; its tids are then
 * looked up among that process's threads only. What cannot be placed so (no such process, or two
 * processes of different namespaces with the same inner pid) is left as it came, and the join
 * refuses it as it refuses any record of no traced process: a record the traced program forged
 * reaches at most the threads of the process whose ids it names.
 */
final class NamespaceIds {
    /** By kernel pid, the process's threads by their namespace-local tid (several, when a tid was reused). */
    private final Map<Integer, Map<Integer, List<ThreadInfo>>> byProcess = new HashMap<>();
    /** By namespace-local pid, the kernel pids of the processes that have it. */
    private final Map<Integer, List<Integer>> byLocalPid = new HashMap<>();
    private final Set<Integer> traced = new HashSet<>();
    private final TraceModel model;

    private NamespaceIds(TraceModel model) {
        this.model = model;
        for (ProcessInfo p : model.processes()) traced.add(p.pid());
        for (ThreadInfo t : model.threads()) {
            if (t.nsTid() == 0) continue;
            byProcess.computeIfAbsent(t.tgid(), k -> new HashMap<>()).computeIfAbsent(t.nsTid(), k -> new ArrayList<>()).add(t);
            if (t.tid() == t.tgid()) {
                List<Integer> hosts = byLocalPid.computeIfAbsent(t.nsTid(), k -> new ArrayList<>());
                if (!hosts.contains(t.tgid())) hosts.add(t.tgid());
            }
        }
    }

    /**
     * The pid an agent's file speaks for: the tool's pid of the JVM that the tool gave it at its exec
     * ({@code hostPid}) when that traced process is the one whose own pid is {@code pid} (a JVM
     * started with another's arguments carries that one's), else {@code pid} as before.
     */
    static int place(TraceModel model, int pid, int hostPid) {
        if (hostPid <= 0) return pid;
        ThreadInfo leader = model.thread(hostPid);
        if (leader == null || leader.tgid() != hostPid) return pid;
        return (leader.nsTid() == 0 ? hostPid : leader.nsTid()) == pid ? hostPid : pid;
    }

    /** {@code records} with the kernel's ids wherever they came from a namespace of their own; the list itself when none did. */
    static List<JavaRecord> toKernelIds(TraceModel model, List<JavaRecord> records) {
        NamespaceIds ids = new NamespaceIds(model);
        if (ids.byProcess.isEmpty()) return records;
        List<JavaRecord> out = new ArrayList<>(records.size());
        for (JavaRecord r : records) out.add(ids.translate(r));
        return out;
    }

    /** The kernel's pid of the process a record names, or 0 when it names none of another namespace. */
    private int kernelPid(int pid) {
        if (byProcess.containsKey(pid)) return pid;
        if (traced.contains(pid)) return 0;
        List<Integer> hosts = byLocalPid.getOrDefault(pid, List.of());
        return hosts.size() == 1 ? hosts.getFirst() : 0;
    }

    /**
     * The kernel's tid of {@code localTid} in process {@code pid} at {@code ns}: of the threads that
     * had it, the last born by then. 0 (no thread) when none had it.
     */
    private int kernelTid(int pid, int localTid, long ns) {
        if (localTid <= 0) return localTid;
        List<ThreadInfo> had = byProcess.getOrDefault(pid, Map.of()).getOrDefault(localTid, List.of());
        if (had.isEmpty()) return 0;
        long at = model.rel(ns);
        ThreadInfo chosen = had.getFirst();
        for (ThreadInfo t : had) if (t.start() <= at) chosen = t;
        return chosen.tid();
    }

    private JavaRecord translate(JavaRecord r) {
        int pid = kernelPid(r.pid());
        if (pid == 0) return r;
        return withIds(r, pid, local -> kernelTid(pid, local, r.ns()));
    }

    /** {@code r} as process {@code pid}'s, each of its tids (its own, a lock view's threads') through {@code kernelTid}. */
    static JavaRecord withIds(JavaRecord r, int pid, IntUnaryOperator kernelTid) {
        int tid = kernelTid.applyAsInt(r.osTid());
        return switch (r) {
            case JavaRecord.Constructed c -> new JavaRecord.Constructed(pid, c.ns(), tid, c.creatorId(), c.creatorName(), c.id(), c.name(),
                    c.virtual(), c.inherited(), c.stack(), c.attributes());
            case JavaRecord.VirtualStarted v -> new JavaRecord.VirtualStarted(pid, v.ns(), tid, v.id(), v.attributes());
            case JavaRecord.Started s -> new JavaRecord.Started(pid, s.ns(), tid, s.starterId(), s.starterName(), s.id(), s.name(),
                    s.inherited(), s.stack(), s.attributes());
            case JavaRecord.Renamed n -> new JavaRecord.Renamed(pid, n.ns(), tid, n.id(), n.name());
            case JavaRecord.Present p -> new JavaRecord.Present(pid, p.ns(), tid, p.id(), p.name(), p.attributes());
            case JavaRecord.Dumped d -> new JavaRecord.Dumped(pid, d.ns(), tid, d.id(), d.name(), d.attributes());
            case JavaRecord.ScopedValues v -> new JavaRecord.ScopedValues(pid, v.ns(), tid, v.id(), v.bindings());
            case JavaRecord.ShutdownBegan x -> new JavaRecord.ShutdownBegan(pid, x.ns(), tid);
            case JavaRecord.Uncaught u -> new JavaRecord.Uncaught(pid, u.ns(), tid, u.id(), u.exception());
            case JavaRecord.Mounts m -> new JavaRecord.Mounts(pid, m.ns(), tid, m.count());
            case JavaRecord.Locks l -> new JavaRecord.Locks(pid, l.ns(), tid, l.threads().stream()
                    .map(t -> new JavaRecord.LockedThread(kernelTid.applyAsInt(t.tid()), t.id(), t.name(), t.state(), t.waiting(),
                            t.held(), t.frames())).toList(), l.deadlocksFound(), l.unavailable());
        };
    }
}
