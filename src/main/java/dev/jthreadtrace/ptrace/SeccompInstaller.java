package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Prctl;
import dev.jthreadtrace.decode.Seccomp;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Puts the seccomp-bpf filter into the start gate, so that only recorded syscalls stop the
 * command: injects prctl(PR_SET_NO_NEW_PRIVS) (when needed) and seccomp(SECCOMP_SET_MODE_FILTER)
 * while {@link GateExec} prepares the gate. The filter is inherited by the command and everything
 * it creates. A failure leaves the gate without a filter, and tracing falls back to PTRACE_SYSCALL.
 */
final class SeccompInstaller {
    private static final int SOCK_FPROG_SIZE = 16;

    private SeccompInstaller() {}

    /**
     * @param injector       the gate, stopped, with {@code scratch} mapped in it
     * @param quietMaskReads whether a signal-mask call that changes nothing runs without a stop ({@link SeccompFilter})
     * @param needNoNewPrivs without CAP_SYS_ADMIN the kernel accepts a filter only from a task with no_new_privs
     */
    static SeccompStatus install(SyscallInjector injector, GateExec.Scratch scratch, boolean[] recorded, boolean quietMaskReads,
                                 boolean needNoNewPrivs) {
        var program = SeccompFilter.build(recorded, quietMaskReads);
        if (program.isEmpty()) {
            return SeccompStatus.off("more than " + SeccompFilter.MAX_TRACED + " syscalls recorded: every stop is needed anyway");
        }
        long filterAddress = scratch.put(SeccompFilter.encode(program.get()));
        byte[] fprog = ByteBuffer.allocate(SOCK_FPROG_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(0, (short) program.get().size()).putLong(8, filterAddress).array();
        long fprogAddress = scratch.put(fprog);
        if (needNoNewPrivs) {
            long r = injector.call(SyscallTable.PRCTL, Prctl.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if (r < 0) return refused("prctl", "prctl(PR_SET_NO_NEW_PRIVS)", (int) -r);
        }
        long r = injector.call(SyscallTable.SECCOMP, Seccomp.SECCOMP_SET_MODE_FILTER, 0, fprogAddress);
        if (r < 0) return refused("seccomp", "seccomp(SECCOMP_SET_MODE_FILTER)", (int) -r);
        return SeccompStatus.on(needNoNewPrivs);
    }

    /**
     * Neither prctl(PR_SET_NO_NEW_PRIVS) nor seccomp(SECCOMP_SET_MODE_FILTER) answers EPERM or ENOSYS
     * of its own (seccomp's refusals are EACCES, EINVAL, ENOMEM): those come from a filter the gate
     * inherited from the tool. (No probe from the tool: such a filter may kill the caller instead.)
     */
    private static SeccompStatus refused(String syscall, String call, int errno) {
        boolean filtered = errno == Errno.EPERM || errno == Errno.ENOSYS;
        return SeccompStatus.failed(call + " failed: " + Errno.describe(errno), RefusalDiagnosis.seccompRefused(syscall, errno, filtered));
    }
}
