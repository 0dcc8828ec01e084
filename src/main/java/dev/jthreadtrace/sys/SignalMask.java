package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Signals the launcher holds blocked in every thread of the tool's JVM (SIGINT, SIGTERM, SIGHUP;
 * the JVM runs with -Xrs, so it never unblocks them): they wait, pending, until a thread of the tool
 * takes them with {@code sigtimedwait}, from the exec on. Masks are the kernel's 64-bit sets (bit
 * N-1 for signal N).
 */
public final class SignalMask {
    private static final long SYS_RT_SIGTIMEDWAIT = 128, SYS_GETTID = 186, SYS_TGKILL = 234, SIGSET_SIZE = 8;

    private SignalMask() {}

    /** Takes the signals of {@code mask} that are pending (blocked), without delivering them; in the order the kernel gives them. */
    public static List<Integer> takePending(long mask) {
        List<Integer> taken = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SIGSET_SIZE, 8), zero = arena.allocate(16, 8); // struct timespec {0, 0}
            set.set(JAVA_LONG, 0, mask);
            MemorySegment state = Libc.callState();
            // One per call; EAGAIN when none is left. A standard signal is pending at most once.
            for (int i = 0; i < Long.SIZE; i++) {
                long signal = Libc.syscall(state, SYS_RT_SIGTIMEDWAIT, set.address(), 0, zero.address(), SIGSET_SIZE, 0, 0);
                if (signal <= 0) break;
                taken.add((int) signal);
            }
        }
        return taken;
    }

    /** Waits for one of the (blocked) signals of {@code mask} and takes it: its number. */
    public static int await(long mask) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SIGSET_SIZE, 8);
            set.set(JAVA_LONG, 0, mask);
            MemorySegment state = Libc.callState();
            while (true) {
                long signal = Libc.syscall(state, SYS_RT_SIGTIMEDWAIT, set.address(), 0, 0, SIGSET_SIZE, 0, 0);
                if (signal > 0) return (int) signal;
                if (Libc.lastErrno(state) != Errno.EINTR) throw new ErrnoException("rt_sigtimedwait", Libc.lastErrno(state));
            }
        }
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
