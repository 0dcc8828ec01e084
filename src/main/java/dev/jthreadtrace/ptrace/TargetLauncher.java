package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The launch phase, on the ptrace thread: start the gate, seize it, stop it at a syscall entry,
 * then make it exec the command ({@link GateExec}: descriptors, signals and the filter set on the
 * way). The command is left stopped at its execve's exit, before its first instruction. Every
 * failure is a {@link TraceFailure} with one line for the user, and leaves no process behind.
 */
final class TargetLauncher {
    private static final int SIGKILL = 9;

    /** The command, stopped at its exec's exit, and whether the filter is in. */
    record Launched(int pid, SeccompStatus seccomp, GateExec.Started started) {}

    private TargetLauncher() {}

    /**
     * @param seizeOptions PTRACE_O_* for the gate and, inherited, everything it creates
     * @param recorded     the syscalls the filter lets stop the command; null: no filter
     */
    static Launched launch(Launch command, long seizeOptions, boolean[] recorded, boolean needNoNewPrivs,
                           MemorySegment info, MemorySegment status) throws TraceFailure {
        GateLauncher.Gate gate;
        try {
            gate = GateLauncher.spawn(command);
        } catch (ErrnoException e) {
            throw new TraceFailure("cannot start /bin/sh for the start gate: " + e.getMessage(), e);
        }
        try {
            Ptrace.seize(gate.pid(), seizeOptions);
        } catch (ErrnoException e) {
            GateLauncher.abandon(gate);
            Libc.waitpid(gate.pid(), status, Libc.WALL);
            throw new TraceFailure(seizeRefused(e), e);
        }
        int pid = gate.pid();
        boolean released = false;
        try {
            Ptrace.interrupt(pid);
            if (!awaitFirstStop(pid, status) || !awaitSyscallEntry(pid, info, status)) {
                throw new TraceFailure("the start gate (/bin/sh) died before it could be traced", null);
            }
            // Stopped and seized (EXITKILL): the pipe that kept it waiting is no longer needed, and
            // under a small RLIMIT_NOFILE the descriptor is worth having back before GateExec's reads.
            GateLauncher.abandon(gate);
            released = true;
            SeccompStatus[] seccomp = {SeccompStatus.off("not installed")};
            GateExec.Started started = GateExec.exec(gate, command, recorded, needNoNewPrivs, seccomp);
            return new Launched(pid, seccomp[0], started);
        } catch (GateExec.NotStarted e) {
            killGate(pid, status);
            throw new TraceFailure(e.getMessage(), e, e.exitCode);
        } catch (RuntimeException e) {
            killGate(pid, status);
            throw new TraceFailure("could not start the command in the start gate: " + e.getMessage(), e);
        } finally {
            if (!released) GateLauncher.abandon(gate);
        }
    }

    /** The gate could not become the command: it goes, and is reaped. */
    private static void killGate(int pid, MemorySegment status) {
        Libc.kill(pid, SIGKILL);
        while (true) {
            int r = Libc.waitpid(pid, status, Libc.WALL);
            if (r != pid) return;
            WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
            if (s instanceof WaitStatus.Exited || s instanceof WaitStatus.Killed) return;
        }
    }

    /** Resumes the gate until it stops at a syscall entry; false if it exits first. */
    private static boolean awaitSyscallEntry(int pid, MemorySegment info, MemorySegment status) {
        while (true) {
            Ptrace.resumeToSyscall(pid, 0);
            if (Libc.waitpid(pid, status, Libc.WALL) != pid) return false;
            WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
            if (s instanceof WaitStatus.Exited || s instanceof WaitStatus.Killed) return false;
            if (s instanceof WaitStatus.SyscallStop && Ptrace.syscallInfo(pid, info)
                    && SyscallInfoLayout.op(info) == SyscallInfoLayout.OP_ENTRY) {
                return true;
            }
        }
    }

    /**
     * Waits until the gate is in a ptrace stop; false if it exited instead. posix_spawn returns as
     * soon as the child's execve has released the parent's memory, so the first stop may be the
     * gate's own PTRACE_EVENT_EXEC (which swallows the pending interrupt) rather than the
     * PTRACE_INTERRUPT stop; either is a stop we can switch to syscall tracing from. A later
     * interrupt stop, if one is still pending, is resumed by the loop like any other.
     */
    private static boolean awaitFirstStop(int pid, MemorySegment status) {
        while (true) {
            if (Libc.waitpid(pid, status, Libc.WALL) != pid) return false;
            switch (WaitStatus.fromRaw(status.get(JAVA_INT, 0))) {
                case WaitStatus.Exited e -> {
                    return false;
                }
                case WaitStatus.Killed k -> {
                    return false;
                }
                case WaitStatus.InterruptStop s -> {
                    return true;
                }
                case WaitStatus.EventStop e -> {
                    return true;
                }
                case WaitStatus.SignalDeliveryStop d -> Ptrace.resume(pid, d.signal());
                default -> Ptrace.resume(pid, 0);
            }
        }
    }

    private static String seizeRefused(ErrnoException e) {
        String hint = e.errno() == Errno.EPERM
                ? " (check kernel.yama.ptrace_scope (must be 0 or 1, see sysctl kernel.yama.ptrace_scope), that"
                  + " a container runtime allows ptrace (docker: --cap-add=SYS_PTRACE, seccomp profile), or run"
                  + " with CAP_SYS_PTRACE)"
                : "";
        return "ptrace(PTRACE_SEIZE) refused: " + Errno.describe(e.errno()) + hint;
    }
}
