package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Prctl;
import dev.jthreadtrace.decode.Seccomp;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Puts the seccomp-bpf filter into the start gate, so that only recorded syscalls stop the
 * command: injects prctl(PR_SET_NO_NEW_PRIVS) (when needed) and seccomp(SECCOMP_SET_MODE_FILTER)
 * at the gate's next syscall-entry stop. The filter is inherited by the command and everything it
 * creates. Any failure leaves the gate as it was, and tracing falls back to PTRACE_SYSCALL.
 */
final class SeccompInstaller {
    private static final int WALL = 0x40000000;
    private static final int SOCK_FPROG_SIZE = 16;

    /** Whether the filter is in, and in words for --stats and notes: "on", "off (why)". */
    record Status(boolean active, String description) {
        static Status off(String why) {
            return new Status(false, "off (" + why + ")");
        }
    }

    private SeccompInstaller() {}

    /**
     * @param pid            the gate, stopped
     * @param needNoNewPrivs without CAP_SYS_ADMIN the kernel accepts a filter only from a task with no_new_privs
     * @param info           scratch for PTRACE_GET_SYSCALL_INFO
     * @param status         scratch for waitpid
     */
    static Status install(int pid, boolean[] recorded, boolean needNoNewPrivs, MemorySegment info, MemorySegment status) {
        var program = SeccompFilter.build(recorded);
        if (program.isEmpty()) {
            return new Status(false, "off (more than " + SeccompFilter.MAX_TRACED + " syscalls recorded: every stop is needed anyway)");
        }
        if (!awaitSyscallEntry(pid, info, status)) return Status.off("the start gate exited");
        byte[] filter = SeccompFilter.encode(program.get());
        try (SyscallInjector injector = new SyscallInjector(pid)) {
            long filterAddress = injector.scratch(filter);
            byte[] fprog = ByteBuffer.allocate(SOCK_FPROG_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                    .putShort(0, (short) program.get().size()).putLong(8, filterAddress).array();
            long fprogAddress = injector.scratch(fprog);
            boolean first = true;
            if (needNoNewPrivs) {
                long r = injector.call(true, SyscallTable.PRCTL, Prctl.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                first = false;
                if (r < 0) {
                    injector.restore();
                    return Status.off("prctl(PR_SET_NO_NEW_PRIVS) failed: " + Errno.describe((int) -r));
                }
            }
            long r = injector.call(first, SyscallTable.SECCOMP, Seccomp.SECCOMP_SET_MODE_FILTER, 0, fprogAddress);
            injector.restore();
            if (r < 0) return Status.off("seccomp(SECCOMP_SET_MODE_FILTER) failed: " + Errno.describe((int) -r));
            return new Status(true, needNoNewPrivs ? "on (no_new_privs set)" : "on");
        }
    }

    /** Resumes the gate until it stops at a syscall entry; false if it exits first. */
    private static boolean awaitSyscallEntry(int pid, MemorySegment info, MemorySegment status) {
        while (true) {
            Ptrace.resumeToSyscall(pid, 0);
            if (Libc.waitpid(pid, status, WALL) != pid) return false;
            WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
            if (s instanceof WaitStatus.Exited || s instanceof WaitStatus.Killed) return false;
            if (s instanceof WaitStatus.SyscallStop && Ptrace.syscallInfo(pid, info)
                    && SyscallInfoLayout.op(info) == SyscallInfoLayout.OP_ENTRY) {
                return true;
            }
        }
    }
}
