package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
     * The id of task {@code tid} (of process {@code tgid}) in its innermost PID namespace, or
     * {@link #SAME}. {@code newProcess}: the task is a new process, whose namespace is looked at now.
     */
    int localTid(int tid, int tgid, boolean newProcess) {
        Boolean other = foreign.get(tgid);
        if (newProcess || other == null) {
            String ns = link(Path.of("/proc", Integer.toString(tgid), "ns", "pid"));
            other = ns != null && OWN != null && !ns.equals(OWN);
            foreign.put(tgid, other);
        }
        return other ? innermost(ProcStatus.of(tid)) : SAME;
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
        if (status == null) return SAME;
        String[] ids = status.text("NSpid").split("\\s+");
        if (ids.length < 2) return SAME;
        try {
            return Integer.parseInt(ids[ids.length - 1]);
        } catch (NumberFormatException e) {
            return SAME;
        }
    }

    private static String link(Path path) {
        try {
            return Files.readSymbolicLink(path).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
