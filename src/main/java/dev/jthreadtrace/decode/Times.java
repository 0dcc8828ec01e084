package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Time values as strace prints them: {@code struct timespec}, {@code timeval}, {@code itimerspec},
 * {@code itimerval}, clock ids ({@code CLOCK_MONOTONIC}; an id strace does not name, such as a
 * thread's CPU clock, as {@code 0xfffc04be /* CLOCK_??? *&#47;}), and the date comments it adds
 * ({@code 2026-12-04T17:16:35+0000}, in the local time zone, as strace's localtime).
 */
public final class Times {
    static final int TIMESPEC = 16, TIMEVAL = 16, ITIMERSPEC = 32, ITIMERVAL = 32;
    static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    static final ValueTable CLOCKS = ValueTable.of(0, "CLOCK_REALTIME", 1, "CLOCK_MONOTONIC", 2, "CLOCK_PROCESS_CPUTIME_ID",
            3, "CLOCK_THREAD_CPUTIME_ID", 4, "CLOCK_MONOTONIC_RAW", 5, "CLOCK_REALTIME_COARSE", 6, "CLOCK_MONOTONIC_COARSE",
            7, "CLOCK_BOOTTIME", 8, "CLOCK_REALTIME_ALARM", 9, "CLOCK_BOOTTIME_ALARM", 10, "CLOCK_SGI_CYCLE", 11, "CLOCK_TAI");
    static final FlagTable TIMER_FLAGS = FlagTable.of(1, "TIMER_ABSTIME");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("xx", Locale.ROOT);

    private Times() {}

    /** {@code CLOCK_MONOTONIC}, or {@code 0x4d2 /* CLOCK_??? *&#47;}. */
    public static String clock(long id) {
        return CLOCKS.render(id & 0xffffffffL, "CLOCK_");
    }

    /** {@code {tv_sec=1, tv_nsec=500}} from the first 16 bytes. */
    static String timespec(ByteBuffer b, int at) {
        return "{tv_sec=" + b.getLong(at) + ", tv_nsec=" + b.getLong(at + 8) + "}";
    }

    /** {@code {tv_sec=1, tv_usec=500}}. */
    static String timeval(ByteBuffer b, int at) {
        return "{tv_sec=" + b.getLong(at) + ", tv_usec=" + b.getLong(at + 8) + "}";
    }

    /** A captured timespec argument: NULL, the struct, or the pointer when unread. */
    public static String timespec(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        return bytes == null || bytes.length < TIMESPEC ? Args.pointer(pointer) : timespec(Args.le(bytes), 0);
    }

    public static String timeval(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        return bytes == null || bytes.length < TIMEVAL ? Args.pointer(pointer) : timeval(Args.le(bytes), 0);
    }

    /** {@code {it_interval={tv_sec=0, tv_nsec=0}, it_value={...}}}. */
    public static String itimerspec(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null || bytes.length < ITIMERSPEC) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{it_interval=" + timespec(b, 0) + ", it_value=" + timespec(b, 16) + "}";
    }

    public static String itimerval(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null || bytes.length < ITIMERVAL) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{it_interval=" + timeval(b, 0) + ", it_value=" + timeval(b, 16) + "}";
    }

    /** utimensat's times: {@code [UTIME_NOW, {tv_sec=1, tv_nsec=0} /* 1970-01-01T00:00:01+0000 *&#47;]}. */
    static String utimes(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null || bytes.length < 2 * TIMESPEC) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < 2; i++) {
            if (i > 0) out.append(", ");
            long sec = b.getLong(16 * i), nsec = b.getLong(16 * i + 8);
            if (nsec == UTIME_NOW || nsec == UTIME_OMIT) out.append(nsec == UTIME_NOW ? "UTIME_NOW" : "UTIME_OMIT");
            else out.append(timespec(b, 16 * i)).append(comment(date(sec, nsec, 9)));
        }
        return out.append(']').toString();
    }

    /** {@code " /* date *&#47;"}, or nothing when there is no date. */
    static String comment(String date) {
        return date == null ? "" : " /* " + date + " */";
    }

    /**
     * strace's sprinttime: {@code 2026-12-04T17:16:35[.fraction]+0000} in the local zone; null for
     * the epoch itself or a fraction out of range (strace prints no comment then).
     */
    static String date(long sec, long fraction, int digits) {
        long max = digits == 9 ? 999_999_999L : 999_999L;
        if ((sec == 0 && fraction == 0) || fraction < 0 || fraction > max) return null;
        ZonedDateTime t;
        try {
            t = Instant.ofEpochSecond(sec).atZone(ZoneId.systemDefault());
        } catch (java.time.DateTimeException e) {
            return null;
        }
        String frac = fraction > 0 ? "." + String.format(Locale.ROOT, "%0" + digits + "d", fraction) : "";
        return DATE.format(t) + frac + ZONE.format(t);
    }
}
