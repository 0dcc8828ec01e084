package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link NamespaceIds} while the trace runs, for the live lines: a JVM in a PID namespace of its own
 * writes its records with the ids it sees there (its pid, its threads' tids), and the kernel's
 * events name its tasks by the tool's ids. The namespace id the tracer read at each task's birth
 * ({@link ThreadInfo#nsTid}) is indexed as the task is born and dropped when it ends, so a record is
 * turned into the kernel's ids as it is read, and the new thread's lines carry its Java name from the
 * first one, as in the tool's own namespace (before, only the report had them). The same rules as at
 * the end: a record is placed only in the process whose namespace ids it names, and one naming a pid
 * that no traced process has, or that two processes of different namespaces both have, is left as it
 * came (it then names no live thread). A trace without namespaces keeps nothing.
 */
final class LiveNamespaceIds {
    /** Tasks indexed at most: the traced program decides how many threads it makes. */
    private static final int MAX_TASKS = 1 << 20;

    /** By the kernel's pid, the live threads' kernel tids by their namespace tid. */
    private final Map<Integer, Map<Integer, Integer>> byProcess = new HashMap<>();
    /** By namespace pid, the kernel pids of the live processes that have it. */
    private final Map<Integer, List<Integer>> byLocalPid = new HashMap<>();
    /** By kernel tid, {tgid, namespace tid}, to forget it at its end. */
    private final Map<Integer, int[]> indexed = new HashMap<>();

    /** Task {@code tid} was born (the model has it): indexed when its process lives in another namespace. */
    void born(int tid, TraceModel model) {
        ThreadInfo t = model.thread(tid);
        if (t == null || t.nsTid() == 0 || indexed.size() >= MAX_TASKS) return;
        gone(tid); // a tid reused: the old task's entries go
        byProcess.computeIfAbsent(t.tgid(), k -> new HashMap<>()).put(t.nsTid(), tid);
        indexed.put(tid, new int[] {t.tgid(), t.nsTid()});
        if (tid == t.tgid()) {
            List<Integer> hosts = byLocalPid.computeIfAbsent(t.nsTid(), k -> new ArrayList<>());
            if (!hosts.contains(tid)) hosts.add(tid);
        }
    }

    /** Task {@code tid} ended. */
    void gone(int tid) {
        int[] entry = indexed.remove(tid);
        if (entry == null) return;
        Map<Integer, Integer> threads = byProcess.get(entry[0]);
        if (threads != null && Integer.valueOf(tid).equals(threads.get(entry[1]))) threads.remove(entry[1]);
        if (tid != entry[0]) return;
        // The leader is the last task of its process the kernel reports ended.
        byProcess.remove(tid);
        List<Integer> hosts = byLocalPid.get(entry[1]);
        if (hosts != null) {
            hosts.remove(Integer.valueOf(tid));
            if (hosts.isEmpty()) byLocalPid.remove(entry[1]);
        }
    }

    /** {@code r} with the kernel's ids when it came from a namespace of its own; {@code r} itself else. */
    JavaRecord toKernel(JavaRecord r, TraceModel model) {
        if (byProcess.isEmpty()) return r;
        int pid = r.pid();
        if (!byProcess.containsKey(pid)) {
            if (model.process(pid) != null) return r; // a traced process of the tool's own namespace
            List<Integer> hosts = byLocalPid.getOrDefault(pid, List.of());
            if (hosts.size() != 1) return r;
            pid = hosts.getFirst();
        }
        Map<Integer, Integer> threads = byProcess.getOrDefault(pid, Map.of());
        return NamespaceIds.withIds(r, pid, local -> local <= 0 ? local : threads.getOrDefault(local, 0));
    }
}
