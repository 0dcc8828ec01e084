package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The id a task has in its own PID namespace, for the tasks of processes that live in another
 * PID namespace than the tool ({@code unshare --pid}, a container): a JVM there names its
 * threads by those ids (the agent's records, {@code Thread.print}'s {@code nid=}), and the
 * {@code NSpid:} line of {@code /proc/TID/status} is the only place that joins them to the
 * kernel's. It must be read while the task exists, so at its birth; the namespace is compared
 * once per process (at its fork, where the kernel has already put it into its namespace), and a
 * process in the tool's own namespace costs nothing more per thread.
 */
final class PidNamespaces {
    /** No namespace-local id: the task is in the tool's PID namespace, or its id could not be read. */
    static final int SAME = 0;
    private static final String OWN = link(Path.of("/proc/self/ns/pid"));
    /** By live process, whether it lives in another PID namespace than ours (bounded: forgotten at its end). */
    private final Map<Integer, Boolean> foreign = new HashMap<>();

    /**
     * The ids of task {@code tid} (of process {@code tgid}) in the PID namespaces below the tool's,
     * outermost first ({@link #levels}), or none. {@code newProcess}: the task is a new process,
     * whose namespace is looked at now.
     */
    List<Integer> localIds(int tid, int tgid, boolean newProcess) {
        Boolean other = foreign.get(tgid);
        if (newProcess || other == null) {
            String ns = link(Path.of("/proc", Integer.toString(tgid), "ns", "pid"));
            other = ns != null && OWN != null && !ns.equals(OWN);
            foreign.put(tgid, other);
        }
        return other ? levels(ProcStatus.of(tid)) : List.of();
    }

    /** Task {@code tid} ended: if it was a process's leader (its last task to go), that process is forgotten. */
    void gone(int tid) {
        if (!foreign.isEmpty()) foreign.remove(tid);
    }

    /** How many processes it holds an answer for (a long trace of many short processes must not grow it). */
    int processesKnown() {
        return foreign.size();
    }

    /**
     * The last number of the {@code NSpid:} line (the id in the innermost namespace), or {@link
     * #SAME} when the line has one number only (no nested namespace) or cannot be read.
     */
    static int innermost(ProcStatus status) {
        List<Integer> ids = levels(status);
        return ids.isEmpty() ? SAME : ids.getLast();
    }

    /**
     * The numbers of the {@code NSpid:} line after the first (the tool's own namespace's): one per
     * PID namespace the task is in below it, outermost first (the kernel lists the levels from the
     * reader's /proc down). Empty when the line has one number only or cannot be read.
     */
    static List<Integer> levels(ProcStatus status) {
        if (status == null) return List.of();
        String[] ids = status.text("NSpid").trim().split("\\s+");
        if (ids.length < 2) return List.of();
        List<Integer> out = new ArrayList<>(ids.length - 1);
        try {
            for (int i = 1; i < ids.length; i++) out.add(Integer.parseInt(ids[i]));
        } catch (NumberFormatException e) {
            return List.of();
        }
        return out;
    }

    private static String link(Path path) {
        try {
            return Files.readSymbolicLink(path).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
