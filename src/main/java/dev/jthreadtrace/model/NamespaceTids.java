package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The traced tasks an id read from the traced program names: a lock word's owner (glibc's
 * {@code __owner}, a PI or robust word), the value a join waits on, a wait4's pid. The program
 * holds the id its task has in its own PID namespace ({@code gettid()} there: tid 3 in an
 * {@code unshare --pid --fork} container); the kernel's events, and so the model, name every task
 * by the tool's ids. So an id is looked up among the ids the tasks have in their own namespaces
 * ({@link ThreadInfo#nsTid}, which the tracer read at each birth: the model has it already, nothing
 * more is read), a task of the tool's namespace having its kernel tid there; and as a kernel tid
 * also when the task reading it is of the tool's namespace (there the kernel's ids are its own).
 * Ids are unique among the live tasks of one namespace, so two tasks alive at once with the same
 * id are of different namespaces: the caller decides which namespace the id was meant in. An id a
 * call names in the caller's own namespace (a wait4's pid) is {@link #seenBy}: {@link SeenIds}, the
 * look-up the live model makes too, among the tasks alive then. Made from the finished model, for
 * the hang analysis.
 */
final class NamespaceTids {
    private final TraceModel model;
    /** The tasks of other PID namespaces than the tool's, by each id they have there (several: reused, of sibling or nested namespaces). */
    private final Map<Integer, List<ThreadInfo>> byNamespaceId = new HashMap<>();

    NamespaceTids(TraceModel model) {
        this.model = model;
        for (ThreadInfo t : model.threads()) {
            for (int id : t.nsIds()) {
                List<ThreadInfo> tasks = byNamespaceId.computeIfAbsent(id, k -> new ArrayList<>());
                if (!tasks.contains(t)) tasks.add(t);
            }
        }
    }

    /**
     * The tasks alive at {@code atNs} that {@code id}, read by {@code reader} (the waiting thread)
     * from a word some task wrote its own id into, may name, in the order found: by kernel tid, or by
     * the id a task has in its innermost namespace (the one it writes, {@code gettid()} there).
     */
    List<ThreadInfo> named(int id, ThreadInfo reader, long atNs) {
        List<ThreadInfo> out = new ArrayList<>();
        ThreadInfo byKernelTid = model.thread(id);
        if (alive(byKernelTid, atNs) && (byKernelTid.nsTid() == 0 || reader.nsTid() == 0)) out.add(byKernelTid);
        for (ThreadInfo t : byNamespaceId.getOrDefault(id, List.of())) {
            if (t.nsTid() == id && alive(t, atNs) && !out.contains(t)) out.add(t);
        }
        return out;
    }

    /** The one task alive at {@code atNs} that {@code caller} names by {@code id} in its own PID namespace, or null ({@link SeenIds}). */
    ThreadInfo seenBy(ThreadInfo caller, int id, long atNs) {
        if (caller.nsTid() == 0) {
            ThreadInfo t = model.thread(id);
            return alive(t, atNs) ? t : null;
        }
        List<ThreadInfo> alive = new ArrayList<>();
        for (ThreadInfo t : byNamespaceId.getOrDefault(id, List.of())) if (alive(t, atNs)) alive.add(t);
        return SeenIds.named(caller, id, alive);
    }

    private static boolean alive(ThreadInfo t, long atNs) {
        return t != null && t.start() <= atNs && (t.end() == null || t.end() >= atNs);
    }
}
