package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CommFile;
import dev.jthreadtrace.decode.OpenFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.SyscallInfoLayout;

/**
 * The syscalls by which a thread's name is set without {@code prctl}: {@code pthread_setname_np}
 * on another thread (and {@code echo x > /proc/self/task/TID/comm}) opens that thread's
 * {@code /proc/.../comm} for writing, writes the name and closes it. The tracer records those
 * whatever is shown: the seccomp filter stops opens for writing (see {@link SeccompFilter}); an open
 * of a comm file makes the task stop at every syscall until it writes and closes that descriptor
 * (or 64 syscalls have passed), and that write and close are recorded too. The model reads the new
 * name from them.
 */
final class NameWrites {
    private static final int WATCH_SYSCALLS = 64;

    private NameWrites() {}

    /** At a syscall entry: whether this call may be part of setting a name, so must be recorded. */
    static boolean concerns(Task task, int nr, SyscallInfoLayout.Copy info) {
        if (task.commFd >= 0) {
            return (nr == SyscallTable.WRITE || nr == SyscallTable.CLOSE) && (int) info.arg(0) == task.commFd;
        }
        if (nr == SyscallTable.OPENAT) return OpenFlags.writes(info.arg(2));
        if (nr == SyscallTable.OPEN) return OpenFlags.writes(info.arg(1));
        return nr == SyscallTable.CREAT;
    }

    /** After the entry's captures: an open is kept only when its path is a comm file. */
    static boolean stillConcerns(Task task) {
        if (task.commFd >= 0) return true;
        String path = task.captures.string(task.nr == SyscallTable.OPENAT ? 1 : 0);
        return CommFile.target(path, task.tid, task.tgid) >= 0;
    }

    /** A syscall the task made that is not recorded: one less to wait for the watched write. */
    static void passed(Task task) {
        if (task.commFd >= 0 && --task.commWatchLeft <= 0) task.commFd = -1;
    }

    /** At the exit of a recorded syscall: an open of a comm file starts the watch, its close ends it. */
    static void returned(Task task, int nr, long ret, boolean error) {
        boolean open = nr == SyscallTable.OPENAT || nr == SyscallTable.OPEN || nr == SyscallTable.CREAT;
        if (task.commFd < 0 && open && !error && ret >= 0
                && CommFile.target(task.captures.string(nr == SyscallTable.OPENAT ? 1 : 0), task.tid, task.tgid) >= 0) {
            task.commFd = (int) ret;
            task.commWatchLeft = WATCH_SYSCALLS;
        } else if (task.commFd >= 0 && nr == SyscallTable.CLOSE && (int) task.args[0] == task.commFd) {
            task.commFd = -1;
        } else {
            passed(task);
        }
    }
}
