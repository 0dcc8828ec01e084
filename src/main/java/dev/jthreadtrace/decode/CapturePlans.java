package dev.jthreadtrace.decode;

import java.util.List;

/**
 * For each syscall, what memory its decoder needs copied at the stop. A table of small functions
 * of the raw arguments (which pointer, how long, entry or exit), consulted by the tracer at every
 * recorded syscall entry; pure, so it is tested without a tracee.
 */
public final class CapturePlans {
    /** Big enough for {@code struct clone_args} of every size the kernel knows (64, 80, 88). */
    public static final int CLONE_ARGS_MAX = 88;
    static final int TIMESPEC_SIZE = 16, FUTEX_WAITV_SIZE = 24, FUTEX_WAITV_MAX = 128, SIGSET_SIZE = 8,
            CPUSET_MAX = 128, TASK_COMM_LEN = 16, PATH_MAX = 4096, ARGV_ITEMS = 64, ARGV_ITEM_MAX = 1024;

    private interface Plan {
        List<Capture> captures(long[] args);
    }

    private static final Plan[] PLANS = new Plan[SyscallTable.MAX_NR];

    static {
        PLANS[SyscallTable.CLONE3] = args -> List.of(new Capture.BytesSizedByArg(0, 1, CLONE_ARGS_MAX, false));
        PLANS[SyscallTable.FUTEX] = args -> FutexOps.hasTimeout(args[1])
                ? List.of(new Capture.Bytes(3, TIMESPEC_SIZE, false)) : List.of();
        PLANS[SyscallTable.FUTEX_WAITV] = args -> List.of(
                new Capture.Bytes(0, (int) Math.min(Math.max(args[1], 0), FUTEX_WAITV_MAX) * FUTEX_WAITV_SIZE, false),
                new Capture.Bytes(3, TIMESPEC_SIZE, false));
        PLANS[SyscallTable.PRCTL] = args -> switch ((int) args[0]) {
            case Prctl.PR_SET_NAME -> List.of(new Capture.CString(1, TASK_COMM_LEN, false));
            case Prctl.PR_GET_NAME -> List.of(new Capture.CString(1, TASK_COMM_LEN, true));
            default -> List.of();
        };
        PLANS[SyscallTable.RT_SIGPROCMASK] = args -> List.of(
                new Capture.Bytes(1, SIGSET_SIZE, false), new Capture.Bytes(2, SIGSET_SIZE, true));
        PLANS[SyscallTable.SCHED_SETAFFINITY] = args -> List.of(new Capture.BytesSizedByArg(2, 1, CPUSET_MAX, false));
        PLANS[SyscallTable.SCHED_GETAFFINITY] = args -> List.of(new Capture.BytesSizedByReturn(2, CPUSET_MAX));
        PLANS[SyscallTable.EXECVE] = args -> List.of(
                new Capture.CString(0, PATH_MAX, false), new Capture.CStringArray(1, ARGV_ITEMS, ARGV_ITEM_MAX));
        PLANS[SyscallTable.EXECVEAT] = args -> List.of(
                new Capture.CString(1, PATH_MAX, false), new Capture.CStringArray(2, ARGV_ITEMS, ARGV_ITEM_MAX));
        PLANS[SyscallTable.MMAP] = args -> (args[3] & MemoryFlags.MAP_ANONYMOUS) == 0 && (int) args[4] >= 0
                ? List.of(new Capture.FdPath(4)) : List.of();
        PLANS[SyscallTable.SECCOMP] = args -> args[0] == Seccomp.SECCOMP_SET_MODE_FILTER
                ? List.of(new Capture.Bytes(2, 16, false)) : List.of();
    }

    private CapturePlans() {}

    /** The captures for this call; empty when the decoder needs nothing beyond the registers. */
    public static List<Capture> forCall(int nr, long[] args) {
        Plan plan = nr >= 0 && nr < PLANS.length ? PLANS[nr] : null;
        return plan == null ? List.of() : plan.captures(args);
    }
}
