package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The attach loop's doorbell: a shell that exits when its pipe is closed. The ptrace thread blocks
 * in {@code waitpid(-1)}, which no Java call can interrupt; the doorbell's exit is a wait result like
 * a tracee's, so another thread wakes the loop by ringing it.
 */
final class Doorbell {

    private final GateLauncher.Gate shell;
    private final AtomicBoolean rung = new AtomicBoolean();
    private boolean reaped;

    private Doorbell(GateLauncher.Gate shell) {
        this.shell = shell;
    }

    static Doorbell start() {
        return new Doorbell(GateLauncher.spawnDoorbell());
    }

    /** Wakes the ptrace thread (once). Safe from any thread. */
    void ring() {
        if (rung.compareAndSet(false, true)) GateLauncher.abandon(shell);
    }

    /** Whether this wait result is the doorbell's exit (it is then reaped). */
    boolean isRinging(int pid) {
        if (pid != shell.pid()) return false;
        reaped = true;
        return true;
    }

    /** Rings and reaps it, if the loop has not seen it exit already. */
    void silence(MemorySegment status) {
        ring();
        if (!reaped) Libc.waitpid(shell.pid(), status, Libc.WALL);
        reaped = true;
    }
}
