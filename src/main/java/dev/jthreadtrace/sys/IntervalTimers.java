package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The process's interval timers ({@code setitimer(2)}: ITIMER_REAL, the one {@code alarm} sets,
 * ITIMER_VIRTUAL, ITIMER_PROF), which execve keeps: the tool takes over the ones it was exec'd
 * with so that they expire in the command, not in the tool's JVM.
 */
public final class IntervalTimers {
    private static final long SYS_SETITIMER = 38;
    /** {@code struct itimerval}: it_interval then it_value, each a {@code struct timeval} (seconds, microseconds). */
    private static final long ITIMERVAL_BYTES = 32;

    private IntervalTimers() {}

    /**
     * Disarms timer {@code which} in this process: what it was, {value, interval} in microseconds
     * ({0, 0}: it was not armed), or null when the kernel refused.
     */
    public static long[] disarm(int which) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zero = arena.allocate(ITIMERVAL_BYTES, 8), old = arena.allocate(ITIMERVAL_BYTES, 8);
            if (Libc.syscall(Libc.callState(), SYS_SETITIMER, which, zero.address(), old.address(), 0, 0, 0) != 0) return null;
            return new long[] {micros(old, 16), micros(old, 0)};
        }
    }

    /** The {@code struct itimerval} that arms a timer with {@code valueMicros} then {@code intervalMicros}, as bytes. */
    public static byte[] itimerval(long valueMicros, long intervalMicros) {
        ByteBuffer b = ByteBuffer.allocate((int) ITIMERVAL_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(intervalMicros / 1_000_000).putLong(intervalMicros % 1_000_000);
        b.putLong(valueMicros / 1_000_000).putLong(valueMicros % 1_000_000);
        return b.array();
    }

    private static long micros(MemorySegment timeval, long offset) {
        return timeval.get(JAVA_LONG, offset) * 1_000_000 + timeval.get(JAVA_LONG, offset + 8);
    }
}
