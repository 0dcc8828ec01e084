package dev.jthreadtrace.decode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every x86-64 syscall number and name, from {@link SyscallNames} (generated from the kernel's
 * uapi header by {@code scripts/gen-syscall-table}, checked against it by a test).
 */
public final class SyscallTable {
    public static final int MAX_NR = 512;
    private static final String[] NAMES = new String[MAX_NR];
    private static final Map<String, Integer> NUMBERS = new HashMap<>();

    static {
        String[] names = SyscallNames.BY_NUMBER;
        for (int nr = 0; nr < names.length; nr++) {
            if (names[nr] == null) continue;
            NAMES[nr] = names[nr];
            NUMBERS.put(names[nr], nr);
        }
    }

    // Numbers the decoders and the tracer refer to directly.
    public static final int MMAP = nr("mmap"), MPROTECT = nr("mprotect"), MUNMAP = nr("munmap"),
            RT_SIGPROCMASK = nr("rt_sigprocmask"), MREMAP = nr("mremap"), MADVISE = nr("madvise"),
            CLONE = nr("clone"), FORK = nr("fork"), VFORK = nr("vfork"), EXECVE = nr("execve"),
            EXIT = nr("exit"), PRCTL = nr("prctl"), FUTEX = nr("futex"),
            SCHED_SETAFFINITY = nr("sched_setaffinity"), SCHED_GETAFFINITY = nr("sched_getaffinity"),
            SET_TID_ADDRESS = nr("set_tid_address"), EXIT_GROUP = nr("exit_group"),
            SET_ROBUST_LIST = nr("set_robust_list"), SECCOMP = nr("seccomp"), EXECVEAT = nr("execveat"),
            CLONE3 = nr("clone3"), FUTEX_WAITV = nr("futex_waitv"), RESTART_SYSCALL = nr("restart_syscall"), CLOSE = nr("close"),
            RT_SIGACTION = nr("rt_sigaction"), DUP2 = nr("dup2"), SETITIMER = nr("setitimer"),
            OPENAT = nr("openat"), OPEN = nr("open"), CREAT = nr("creat"), OPENAT2 = nr("openat2"), READ = nr("read"), WRITE = nr("write"),
            WAIT4 = nr("wait4"), WAITID = nr("waitid"), PRLIMIT64 = nr("prlimit64");

    private SyscallTable() {}

    /** The syscall's name, or {@code syscall_0x1c8} for a number the table does not know (as strace). */
    public static String name(int nr) {
        String name = nr >= 0 && nr < MAX_NR ? NAMES[nr] : null;
        return name != null ? name : "syscall_0x" + Integer.toHexString(nr);
    }

    public static Optional<Integer> number(String name) {
        return Optional.ofNullable(NUMBERS.get(name));
    }

    public static boolean known(int nr) {
        return nr >= 0 && nr < MAX_NR && NAMES[nr] != null;
    }

    /** Number of entries in the table. */
    public static int size() {
        return (int) Arrays.stream(NAMES).filter(n -> n != null).count();
    }

    private static int nr(String name) {
        Integer n = NUMBERS.get(name);
        if (n == null) throw new IllegalStateException("syscall table lacks " + name);
        return n;
    }
}
