package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Signals the launcher holds blocked in every thread of the tool's JVM (SIGINT, SIGTERM, SIGHUP;
 * the JVM runs with -Xrs, so it never unblocks them): they wait, pending, until a thread of the tool
 * takes them with {@code sigtimedwait}, from the exec on. Masks are the kernel's 64-bit sets (bit
 * N-1 for signal N).
 */
public final class SignalMask {
    private static final long SYS_RT_SIGTIMEDWAIT = 128, SYS_GETTID = 186, SYS_TGKILL = 234, SIGSET_SIZE = 8;
    /** {@code siginfo_t}: 128 bytes; si_code at 8, then si_pid at 16 for a signal a process sent. */
    private static final long SIGINFO_SIZE = 128, SI_CODE = 8, SI_PID = 16;
    private static final int SI_USER = 0, SI_QUEUE = -1, SI_TKILL = -6;

    private SignalMask() {}

    /**
     * A signal taken: its number, and who sent it (siginfo's si_pid, in this process's PID
     * namespace; 0 for the kernel: a terminal's Ctrl-C or hangup, si_code SI_KERNEL).
     */
    public record Taken(int signal, int sender) {}

    /** Takes the signals of {@code mask} that are pending (blocked), without delivering them; in the order the kernel gives them. */
    public static List<Taken> takePending(long mask) {
        List<Taken> taken = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SIGSET_SIZE, 8), zero = arena.allocate(16, 8); // struct timespec {0, 0}
            MemorySegment info = arena.allocate(SIGINFO_SIZE, 8);
            set.set(JAVA_LONG, 0, mask);
            MemorySegment state = Libc.callState();
            // One per call; EAGAIN when none is left. A standard signal is pending at most once.
            for (int i = 0; i < Long.SIZE; i++) {
                long signal = Libc.syscall(state, SYS_RT_SIGTIMEDWAIT, set.address(), info.address(), zero.address(), SIGSET_SIZE, 0, 0);
                if (signal <= 0) break;
                taken.add(new Taken((int) signal, sender(info)));
            }
        }
        return taken;
    }

    /** Waits for one of the (blocked) signals of {@code mask} and takes it. */
    public static Taken await(long mask) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SIGSET_SIZE, 8), info = arena.allocate(SIGINFO_SIZE, 8);
            set.set(JAVA_LONG, 0, mask);
            MemorySegment state = Libc.callState();
            while (true) {
                long signal = Libc.syscall(state, SYS_RT_SIGTIMEDWAIT, set.address(), info.address(), 0, SIGSET_SIZE, 0, 0);
                if (signal > 0) return new Taken((int) signal, sender(info));
                if (Libc.lastErrno(state) != Errno.EINTR) throw new ErrnoException("rt_sigtimedwait", Libc.lastErrno(state));
            }
        }
    }

    /** si_pid of a signal a process sent (si_code SI_USER, SI_QUEUE, SI_TKILL); 0 otherwise (the kernel, a timer). */
    private static int sender(MemorySegment info) {
        int code = info.get(JAVA_INT, SI_CODE);
        return code == SI_USER || code == SI_QUEUE || code == SI_TKILL ? info.get(JAVA_INT, SI_PID) : 0;
    }

    /** The calling thread's kernel tid. */
    public static int tid() {
        return (int) Libc.syscall(Libc.callState(), SYS_GETTID, 0, 0, 0, 0, 0, 0);
    }

    /** Sends {@code signal} to the thread {@code tid} of this process (a waiting {@link #await} returns it). */
    public static void wake(int tid, int signal) {
        tgkill((int) ProcessHandle.current().pid(), tid, signal);
    }

    /** Sends {@code signal} to the thread {@code tid} of process {@code pid} (gone: nothing happens). */
    public static void tgkill(int pid, int tid, int signal) {
        Libc.syscall(Libc.callState(), SYS_TGKILL, pid, tid, signal, 0, 0, 0);
    }
}
