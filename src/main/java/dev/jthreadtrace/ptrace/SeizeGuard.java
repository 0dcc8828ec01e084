package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Breaks the kernel's exec/attach deadlock while one process is seized. A thread that execs from a
 * non-main thread holds the exec locks (cred_guard_mutex, exec_update_lock) while {@code de_thread}
 * waits for the process's other threads to be released. A traced thread that exits stays a zombie
 * until its tracer waits for it; so once some threads are seized, a PTRACE_SEIZE of the exec'ing
 * thread waits for the exec's locks, the exec waits for those zombies, and the zombies wait for the
 * ptrace thread that is stuck in the seize: the tool hung for good (the kernel's known
 * de_thread/ptrace_attach deadlock).
 *
 * <p>A wait covers the tracees of every thread of the tracer's thread group (without
 * {@code __WNOTHREAD}), so this other thread of the tool reaps, while a seize lasts longer than
 * {@link #PATIENCE_NS}, the threads of the process that {@code /proc} shows as zombies: the exec goes on,
 * drops its locks and the seize returns. Only zombies are waited for (a wait on a tid also takes a
 * ptrace-stop, which would be lost to the stop loop); a reaped thread is gone before the attach
 * reads what existed, so it is no existing task, and no exit of it is owed to the stop loop.
 * {@link #close} joins the thread, so nothing waits beside the stop loop once it runs.
 */
final class SeizeGuard implements AutoCloseable {
    /** A seize that waits this long may wait for an exec: a seize alone takes microseconds. */
    static final long PATIENCE_NS = 20_000_000;
    private static final long LOOK_EVERY_NS = 5_000_000;

    private final int pid;
    private final Path tasks;
    private final Thread thread;
    /** When the seize in progress began; 0 while none is. */
    private volatile long seizingSince;
    private volatile boolean closed;

    private SeizeGuard(int pid) {
        this.pid = pid;
        this.tasks = Path.of("/proc", Integer.toString(pid), "task");
        this.thread = Thread.ofPlatform().daemon().name("jthreadtrace-seize-guard").unstarted(this::run);
    }

    static SeizeGuard start(int pid) {
        SeizeGuard guard = new SeizeGuard(pid);
        guard.thread.start();
        return guard;
    }

    /** The ptrace thread is about to seize a thread (and may block there). */
    void seizing() {
        seizingSince = System.nanoTime();
    }

    /** The seize returned. */
    void seized() {
        seizingSince = 0;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            while (!closed) {
                LockSupport.parkNanos(LOOK_EVERY_NS);
                long since = seizingSince;
                if (since != 0 && System.nanoTime() - since > PATIENCE_NS) reapZombies(status);
            }
        }
    }

    /**
     * Every zombie thread of the process, whoever seized it: this attach's seizes and the threads
     * they created since (attached by the kernel). A wait for a thread that is not our tracee
     * returns ECHILD and changes nothing.
     */
    private void reapZombies(MemorySegment status) {
        for (int tid : EndLooker.tids(pid)) {
            if (EndLooker.state(tasks.resolve(Integer.toString(tid))) != 'Z') continue;
            try {
                // 0 for a zombie leader, which waits for its threads (an exec releases it itself)
                Libc.waitpid(tid, status, Libc.WALL | Libc.WNOHANG);
            } catch (RuntimeException e) {
                // not ours to wait for
            }
        }
    }
}
