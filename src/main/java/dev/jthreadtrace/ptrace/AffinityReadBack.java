package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CpuSet;
import dev.jthreadtrace.sys.ProcStatus;

/**
 * The affinity a {@code sched_setaffinity} left, read back at its exit. The kernel sets the mask
 * asked for intersected with the CPUs the task may use (its cpuset, those online): "every CPU"
 * asked with a full {@code cpu_set_t} (64 or 1024 bits, {@code taskset -a}, many runtimes) is 0-1
 * on a two-core machine, and that is what the thread and the children it creates later have. The
 * mask asked for stays the call's argument (slot 2, shown as strace shows it); the kernel's goes
 * into {@link #SLOT}, which the model prefers. Only for the caller itself (pid 0 or its own tid): a
 * pid of another task may be an id in the caller's PID namespace. Read only at this rare call.
 */
final class AffinityReadBack {
    /** The capture slot of the kernel's mask (sched_setaffinity has three arguments). */
    static final int SLOT = 3;

    private AffinityReadBack() {}

    static void of(Task task) {
        int pid = (int) task.args[0];
        if (pid != 0 && pid != task.tid) return;
        ProcStatus status = ProcStatus.of(task.tid);
        byte[] mask = status == null ? null : CpuSet.fromProcHex(status.text("Cpus_allowed"));
        if (mask != null) task.captures.put(SLOT, mask);
    }
}
