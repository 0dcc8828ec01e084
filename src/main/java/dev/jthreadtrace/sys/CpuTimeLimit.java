package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A process's RLIMIT_CPU ({@code ulimit -t}), read and set with {@code prlimit64(2)}: seconds of CPU
 * time, all its threads together, after which the kernel sends SIGXCPU (the soft limit, again
 * every second) and SIGKILL (the hard limit). execve keeps it, so the traced command gets the
 * one the tool was started with; the tool, which spends CPU on every stop of the command, raises
 * its own.
 *
 * @param soft seconds, or {@link #UNLIMITED}
 * @param hard seconds, or {@link #UNLIMITED}
 */
public record CpuTimeLimit(long soft, long hard) {
    /** RLIM_INFINITY. */
    public static final long UNLIMITED = -1;
    private static final long SYS_PRLIMIT64 = 302, SYS_CLOCK_GETTIME = 228;
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final int RLIMIT_CPU = 0;
    /** {@code struct rlimit64}: rlim_cur then rlim_max. */
    private static final int RLIMIT_BYTES = 16;

    /** This process's, or null when the kernel refused (it does not). */
    public static CpuTimeLimit ofSelf() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(RLIMIT_BYTES, 8);
            if (Libc.syscall(Libc.callState(), SYS_PRLIMIT64, 0, RLIMIT_CPU, 0, old.address(), 0, 0) != 0) return null;
            return new CpuTimeLimit(old.get(JAVA_LONG, 0), old.get(JAVA_LONG, 8));
        }
    }

    /** Sets this process's to {@code this}; false when the kernel refused (a hard limit raised without CAP_SYS_RESOURCE). */
    public boolean applyToSelf() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment wanted = arena.allocate(RLIMIT_BYTES, 8).copyFrom(MemorySegment.ofArray(bytes()));
            return Libc.syscall(Libc.callState(), SYS_PRLIMIT64, 0, RLIMIT_CPU, wanted.address(), 0, 0, 0) == 0;
        }
    }

    /** The CPU time this process has used, all its threads, in nanoseconds (what RLIMIT_CPU counts); -1 if unknown. */
    public static long usedNanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            if (Libc.syscall(Libc.callState(), SYS_CLOCK_GETTIME, CLOCK_PROCESS_CPUTIME_ID, ts.address(), 0, 0, 0, 0) != 0) return -1;
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        }
    }

    /** {@code struct rlimit64} holding it, for a prlimit64 made in another process. */
    public byte[] bytes() {
        return ByteBuffer.allocate(RLIMIT_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(soft).putLong(hard).array();
    }

    /** The resource number prlimit64 takes. */
    public static int resource() {
        return RLIMIT_CPU;
    }

    public boolean hardLimited() {
        return hard != UNLIMITED;
    }
}
