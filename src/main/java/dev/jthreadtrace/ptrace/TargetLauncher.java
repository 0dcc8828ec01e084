package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.ProcStatus;
import dev.jthreadtrace.sys.Probe;
import dev.jthreadtrace.sys.SignalMask;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The launch phase, on the ptrace thread: start the gate, seize it, stop it at a syscall entry,
 * then make it exec the command ({@link GateExec}: descriptors, signals and the filter set on the
 * way). The command is left stopped at its execve's exit, before its first instruction. Every
 * failure is a {@link TraceFailure} with one line for the user, and leaves no process behind.
 */
final class TargetLauncher {
    private static final int SIGKILL = 9, SIGSYS = 31;

    /** The command, stopped at its exec's exit, and whether the filter is in. */
    record Launched(int pid, SeccompStatus seccomp, GateExec.Started started) {}

    private TargetLauncher() {}

    /**
     * @param seizeOptions PTRACE_O_* for the gate and, inherited, everything it creates
     * @param recorded     the syscalls the filter lets stop the command; null: no filter
     * @param quietMaskReads whether a signal-mask call that changes nothing runs without a stop ({@link SeccompFilter})
     */
    static Launched launch(Launch command, long seizeOptions, boolean[] recorded, boolean quietMaskReads, boolean needNoNewPrivs,
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
            String why = seizeRefused(e, gate.pid()); // while the gate lives: who traces it already, if anyone
            GateLauncher.abandon(gate);
            reap(gate.pid(), status);
            throw new TraceFailure(why, e);
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
            GateExec.Started started = GateExec.exec(gate, command, recorded, quietMaskReads, needNoNewPrivs, seccomp);
            deliverDue(pid, started.due());
            return new Launched(pid, seccomp[0], started);
        } catch (GateExec.NotStarted e) {
            killGate(pid, status);
            throw new TraceFailure(e.getMessage(), e, e.exitCode);
        } catch (SyscallInjector.GateDied e) {
            // The gate makes only our calls, and the tool (which makes them too) lives: a SIGSYS death is a
            // filter inherited from the tool that kills the caller of seccomp(), whose kill lands at the next call.
            boolean filterKills = recorded != null && e.status instanceof WaitStatus.Killed k && k.signal() == SIGSYS;
            throw new TraceFailure(filterKills ? RefusalDiagnosis.seccompKills() : "could not start the command in the start gate: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            killGate(pid, status);
            String blocked = e instanceof ErrnoException n && n.call().startsWith("waitpid")
                    ? RefusalDiagnosis.blocked("wait4", "waitpid", n.errno(), TracingFacts.current(Libc.getpid())) : null;
            throw new TraceFailure(blocked != null ? blocked : "could not start the command in the start gate: " + e.getMessage(), e);
        } finally {
            if (!released) GateLauncher.abandon(gate);
        }
    }

    /**
     * The signals the command would have had pending at its exec's end untraced (they were pending
     * when the tool started, or a timer it took over expired), sent while it is still stopped there:
     * delivered, or kept pending under its mask, before its first instruction, as untraced. Each
     * comes from the tool (si_code SI_USER or SI_TKILL), not the kernel's timer or first sender.
     */
    private static void deliverDue(int pid, GateExec.Due due) {
        for (int signal = 1; signal <= 64; signal++) {
            long bit = 1L << (signal - 1);
            if ((due.processSignals() & bit) != 0) Libc.kill(pid, signal);
            if ((due.threadSignals() & bit) != 0) SignalMask.tgkill(pid, pid, signal);
        }
    }

    /** The gate could not become the command: it goes, and is reaped. */
    private static void killGate(int pid, MemorySegment status) {
        Libc.kill(pid, SIGKILL);
        reap(pid, status);
    }

    /**
     * Waits for the gate's end. If a filter refuses waitpid itself, the gate (killed, or ending at
     * EOF on its pipe) stays a zombie until the tool exits, which is soon: the launch failed.
     */
    private static void reap(int pid, MemorySegment status) {
        try {
            while (true) {
                int r = Libc.waitpid(pid, status, Libc.WALL);
                if (r != pid) return;
                WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
                if (s instanceof WaitStatus.Exited || s instanceof WaitStatus.Killed) return;
            }
        } catch (ErrnoException e) {
            // reported by the caller, whose own waitpid failed the same way
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

    /** Why our own child could not be seized: a filter, another tracer holding it, Yama, a security module. */
    private static String seizeRefused(ErrnoException e, int gate) {
        if (e.errno() != Errno.EPERM && e.errno() != Errno.ENOSYS && e.errno() != Errno.EACCES) {
            return RefusalDiagnosis.SEIZE + " refused: " + Errno.describe(e.errno());
        }
        ProcStatus status = ProcStatus.of(gate);
        int tracer = status == null ? 0 : (int) status.number("TracerPid", 0);
        String name = tracer == 0 ? null : readComm(tracer);
        return RefusalDiagnosis.launchRefused(e.errno(), Probe.ptrace(), TracingFacts.current(Libc.getpid()), tracer, name);
    }

    private static String readComm(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm"), StandardCharsets.ISO_8859_1).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
