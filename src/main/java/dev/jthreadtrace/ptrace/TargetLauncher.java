package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The launch phase, on the ptrace thread: start the gate, seize it, stop it, install the filter,
 * then open the gate so the shell execs the command under the tracer. Every failure is a
 * {@link TraceFailure} with one line for the user, and leaves no process behind.
 */
final class TargetLauncher {
    private static final int WALL = 0x40000000;

    /** The seized gate (soon the command) and whether the filter is in. */
    record Launched(int pid, SeccompInstaller.Status seccomp) {}

    private TargetLauncher() {}

    /**
     * @param seizeOptions PTRACE_O_* for the gate and, inherited, everything it creates
     * @param recorded     the syscalls the filter lets stop the command; null: no filter
     */
    static Launched launch(List<String> command, Map<String, String> environment, long seizeOptions, boolean[] recorded,
                           boolean needNoNewPrivs, MemorySegment info, MemorySegment status) throws TraceFailure {
        GateLauncher.Gate gate;
        try {
            gate = GateLauncher.spawn(command, environment);
        } catch (ErrnoException e) {
            throw new TraceFailure("cannot start /bin/sh for the start gate: " + e.getMessage(), e);
        }
        try {
            Ptrace.seize(gate.pid(), seizeOptions);
        } catch (ErrnoException e) {
            GateLauncher.abandon(gate);
            Libc.waitpid(gate.pid(), status, WALL);
            throw new TraceFailure(seizeRefused(e), e);
        }
        int pid = gate.pid();
        // Stop the gate and put it in syscall-stop mode *before* opening it: otherwise the shell may
        // read the line and exec the command before the interrupt takes effect, and the target's
        // execve would go unseen.
        Ptrace.interrupt(pid);
        if (!awaitFirstStop(pid, status)) {
            GateLauncher.abandon(gate);
            throw new TraceFailure("the start gate (/bin/sh) died before it could be traced", null);
        }
        SeccompInstaller.Status seccomp = recorded == null ? new SeccompInstaller.Status(false, "off")
                : SeccompInstaller.install(pid, recorded, needNoNewPrivs, info, status);
        if (seccomp.active()) Ptrace.resume(pid, 0);
        else Ptrace.resumeToSyscall(pid, 0);
        GateLauncher.release(gate);
        return new Launched(pid, seccomp);
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
            if (Libc.waitpid(pid, status, WALL) != pid) return false;
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
