package dev.jthreadtrace.sys;

/**
 * System calls made only to learn why a real one failed: each asks the kernel something that has a
 * known answer when the call reaches it, so any other answer came from in front of the kernel (a
 * seccomp filter, which decides on the syscall number before the kernel looks at the arguments).
 */
public final class Probe {
    private Probe() {}

    /**
     * The errno of {@code ptrace(PTRACE_SEIZE, 0, 0, 0)}: no task has pid 0, so the kernel says ESRCH
     * before any permission check; EPERM, ENOSYS or EACCES mean a filter refused ptrace itself.
     */
    public static int ptrace() {
        return errnoOf(Libc.SYS_PTRACE, 0x4206, 0, 0, 0);
    }

    /** The errno of {@code kill(pid, 0)}: 0 when the process exists and may be signalled, EPERM when it exists but is another user's. */
    public static int kill(int pid) {
        return errnoOf(Libc.SYS_KILL, pid, 0, 0, 0);
    }

    private static int errnoOf(long number, long a, long b, long c, long d) {
        var state = Libc.callState();
        long result = Libc.syscall(state, number, a, b, c, d, 0, 0);
        return result == -1 ? Libc.lastErrno(state) : 0;
    }
}
