package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CpuSet;
import dev.jthreadtrace.decode.Prctl;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.ProcStatus;

/**
 * What the tracer reads back from the kernel at a call's exit, where the call's own memory does not
 * say what the kernel did. Each read happens only at its rare call, only when it succeeded.
 */
final class ExitReadBacks {
    /** The capture slot of the kernel's affinity mask (sched_setaffinity has three arguments). */
    static final int AFFINITY_SLOT = 3;

    private ExitReadBacks() {}

    /** After a successful call {@code nr} of {@code task}: what the kernel set, into its captures. */
    static void of(Task task, int nr) {
        if (nr == SyscallTable.PRCTL) nameFromKernel(task);
        else if (nr == SyscallTable.SCHED_SETAFFINITY) affinity(task);
    }

    /**
     * A prctl(PR_SET_NAME) that succeeded with a name the tracer could not read at its entry (a
     * non-dumpable process, traced without CAP_SYS_PTRACE: none of its memory can be read): the
     * name the kernel set, from /proc/TID/comm (readable all the same), as for a name written to that
     * file. Read only on this path; a name read from memory costs no /proc read.
     */
    private static void nameFromKernel(Task task) {
        if ((int) task.args[0] != Prctl.PR_SET_NAME || task.captures.bytes(1) != null) return;
        byte[] comm = ProcStatus.comm(task.tid);
        if (comm != null) task.captures.put(1, comm);
    }

    /**
     * The affinity a {@code sched_setaffinity} left. The kernel sets the mask asked for intersected
     * with the CPUs the task may use (its cpuset, those online): "every CPU" asked with a full
     * {@code cpu_set_t} (64 or 1024 bits, {@code taskset -a}, many runtimes) is 0-1 on a two-core
     * machine, and that is what the thread and the children it creates later have. The mask asked
     * for stays the call's argument (slot 2, shown as strace shows it); the kernel's goes into
     * {@link #AFFINITY_SLOT}, which the model prefers. Only for the caller itself: pid 0, or its own
     * tid as it knows it (in a PID namespace of its own, {@code gettid()} there: not the kernel's).
     */
    private static void affinity(Task task) {
        int pid = (int) task.args[0];
        if (pid != 0 && pid != (task.nsTid != 0 ? task.nsTid : task.tid)) return;
        ProcStatus status = ProcStatus.of(task.tid);
        byte[] mask = status == null ? null : CpuSet.fromProcHex(status.text("Cpus_allowed"));
        if (mask != null) task.captures.put(AFFINITY_SLOT, mask);
    }
}
