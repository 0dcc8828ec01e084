package dev.jthreadtrace.ptrace;

import java.util.List;

/** What the tracer traces: a command it launches ({@code run}), or running processes it attaches to. */
sealed interface TraceTarget {
    /**
     * @param seccomp        install the filter so only recorded syscalls stop the command
     * @param needNoNewPrivs without CAP_SYS_ADMIN the kernel accepts a filter only from a task with no_new_privs
     * @param handedOver     run once the command holds its descriptors (exec'd, before its first instruction)
     */
    record Launching(Launch launch, boolean seccomp, boolean needNoNewPrivs, Runnable handedOver) implements TraceTarget {}

    /**
     * No seccomp filter: it could not be removed, and after the detach its SECCOMP_RET_TRACE rules
     * would fail the traced syscalls with ENOSYS. Every syscall stops the target instead.
     */
    record Attaching(List<Integer> pids) implements TraceTarget {
        public Attaching {
            pids = List.copyOf(pids);
        }
    }
}
