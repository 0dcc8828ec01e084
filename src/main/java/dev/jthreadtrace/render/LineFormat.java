package dev.jthreadtrace.render;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/** The time column of live lines: seconds since the target started, or wall-clock time ({@code -t}). */
public final class LineFormat {
    private final boolean absolute;
    private final long wallAtT0Nanos;

    /**
     * @param absolute      print wall-clock {@code HH:MM:SS.micros} instead of relative seconds
     * @param wallAtT0Nanos wall-clock time of the trace start, in nanoseconds since the epoch
     */
    public LineFormat(boolean absolute, long wallAtT0Nanos) {
        this.absolute = absolute;
        this.wallAtT0Nanos = wallAtT0Nanos;
    }

    public static LineFormat relative() {
        return new LineFormat(false, 0);
    }

    /** {@code "  0.004512"} or {@code "14:03:07.123456"} for a time relative to the trace start. */
    public String time(long relNs) {
        if (absolute) {
            long wall = wallAtT0Nanos + relNs;
            LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(0, wall), ZoneId.systemDefault());
            return String.format(java.util.Locale.ROOT, "%02d:%02d:%02d.%06d", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000);
        }
        return seconds(relNs, 10);
    }

    /** Fixed six decimals, right-aligned to {@code width}, without String.format's cost per line. */
    public static String seconds(long ns, int width) {
        boolean negative = ns < 0;
        long micros = Math.abs(ns) / 1000;
        String frac = Long.toString(1_000_000 + micros % 1_000_000).substring(1);
        String s = (negative ? "-" : "") + (micros / 1_000_000) + "." + frac;
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
