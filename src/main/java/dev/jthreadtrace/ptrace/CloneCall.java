package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallTable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Which spawning syscall a task is in at its spawn event, with which clone flags. */
record CloneCall(int nr, long flags) {
    /** fork and vfork: the flags the kernel gives them (their exit signal, SIGCHLD, is not a flag here). */
    static CloneCall fork(int nr) {
        return new CloneCall(nr, nr == SyscallTable.VFORK ? CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK : 0);
    }

    /** The flags of the clone/clone3 the task is inside: the register, or the first field of clone_args. */
    static long flags(int nr, Task task) {
        if (nr == SyscallTable.CLONE) return task.args[0];
        if (nr == SyscallTable.CLONE3) {
            byte[] cloneArgs = task.captures.bytes(0);
            return cloneArgs != null && cloneArgs.length >= 8 ? ByteBuffer.wrap(cloneArgs).order(ByteOrder.LITTLE_ENDIAN).getLong(0) : 0;
        }
        return 0;
    }
}
