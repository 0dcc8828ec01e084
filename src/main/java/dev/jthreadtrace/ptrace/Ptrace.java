package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One small method per ptrace request the tracer uses (after nix's {@code sys::ptrace}). All must
 * be called from the one thread that seized the tracees: the kernel ties a tracee to that thread.
 *
 * <p>Methods that resume or inspect a task return false when the task is gone ({@code ESRCH}): a
 * thread may be killed by another thread's {@code exit_group} at any moment, and that is normal.
 */
final class Ptrace {
    static final int PTRACE_PEEKDATA = 2, PTRACE_CONT = 7, PTRACE_DETACH = 17, PTRACE_SYSCALL = 24, PTRACE_SETOPTIONS = 0x4200, PTRACE_GETEVENTMSG = 0x4201,
            PTRACE_GETSIGINFO = 0x4202,
            PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207, PTRACE_LISTEN = 0x4208,
            PTRACE_GET_SYSCALL_INFO = 0x420e;

    static final long O_TRACESYSGOOD = 1, O_TRACEFORK = 2, O_TRACEVFORK = 4, O_TRACECLONE = 8, O_TRACEEXEC = 0x10,
            O_TRACEEXIT = 0x40, O_TRACESECCOMP = 0x80, O_EXITKILL = 0x100000;

    private Ptrace() {}

    /** PTRACE_SEIZE: attach without stopping; throws with the errno when the kernel refuses. */
    static void seize(int pid, long options) {
        Libc.ptrace(PTRACE_SEIZE, pid, 0, options);
    }

    /** PTRACE_INTERRUPT: ask a seized task to stop at the next opportunity. */
    static boolean interrupt(int tid) {
        return unlessGone(PTRACE_INTERRUPT, tid, 0, 0);
    }

    /** PTRACE_SYSCALL: resume until the next syscall entry/exit, delivering {@code signal} (0 for none). */
    static boolean resumeToSyscall(int tid, int signal) {
        return unlessGone(PTRACE_SYSCALL, tid, 0, signal);
    }

    /** PTRACE_CONT: resume without syscall stops (seccomp stops still arrive). */
    static boolean resume(int tid, int signal) {
        return unlessGone(PTRACE_CONT, tid, 0, signal);
    }

    /**
     * PTRACE_DETACH: let a stopped task go, delivering {@code signal} (0 for none). A task in
     * group-stop stays stopped (the kernel puts it back into the group stop).
     */
    static boolean detach(int tid, int signal) {
        return unlessGone(PTRACE_DETACH, tid, 0, signal);
    }

    /** PTRACE_LISTEN: leave a group-stopped task stopped but let it report SIGCONT and new events. */
    static boolean listen(int tid) {
        return unlessGone(PTRACE_LISTEN, tid, 0, 0);
    }

    /** PTRACE_SETOPTIONS: the task's options, all of them (they replace the ones it has); false when it is gone. */
    static boolean setOptions(int tid, long options) {
        return unlessGone(PTRACE_SETOPTIONS, tid, 0, options);
    }

    /** PTRACE_GETEVENTMSG into {@code out} (8 bytes); returns the message, or -1 when the task is gone. */
    static long eventMessage(int tid, MemorySegment out) {
        boolean ok = unlessGone(PTRACE_GETEVENTMSG, tid, 0, out.address());
        return ok ? out.get(ValueLayout.JAVA_LONG, 0) : -1;
    }

    /** PTRACE_GET_SYSCALL_INFO into {@code out}; false when the task is gone. */
    static boolean syscallInfo(int tid, MemorySegment out) {
        return unlessGone(PTRACE_GET_SYSCALL_INFO, tid, out.byteSize(), out.address());
    }

    /** PTRACE_GETSIGINFO into {@code out} (128 bytes): the siginfo of the signal a task is stopped to receive; false when gone. */
    static boolean siginfo(int tid, MemorySegment out) {
        return unlessGone(PTRACE_GETSIGINFO, tid, 0, out.address());
    }

    /** PTRACE_PEEKDATA: one word of the tracee's memory; throws when the address is not mapped. */
    static long peekData(int tid, long address) {
        return Libc.ptrace(PTRACE_PEEKDATA, tid, address, 0);
    }

    /**
     * The request; false when the task is gone. (A plain call, not a lambda: it runs several times
     * per stop, and C1 allocates a capturing lambda at every call.)
     */
    private static boolean unlessGone(int request, int tid, long addr, long data) {
        try {
            Libc.ptrace(request, tid, addr, data);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) return false;
            throw e;
        }
    }
}
