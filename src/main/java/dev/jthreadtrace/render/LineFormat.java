package dev.jthreadtrace.render;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Locale;

/**
 * The time column of live lines, in the chosen {@link LineOptions.TimeFormat}. {@code DELTA}
 * remembers the previous line's time, so one instance serves one stream of lines.
 */
public final class LineFormat {
    private final LineOptions.TimeFormat format;
    private final long wallAtT0Nanos;
    private long previousRelNs = Long.MIN_VALUE;

    /**
     * @param wallAtT0Nanos wall-clock time of the trace start, in nanoseconds since the epoch
     */
    public LineFormat(LineOptions.TimeFormat format, long wallAtT0Nanos) {
        this.format = format;
        this.wallAtT0Nanos = wallAtT0Nanos;
    }

    public static LineFormat relative() {
        return new LineFormat(LineOptions.TimeFormat.START, 0);
    }

    /** The column for a time relative to the trace start, e.g. {@code "  0.004512"} or {@code "14:03:07.123456"}. */
    public String time(long relNs) {
        long wall = wallAtT0Nanos + relNs;
        return switch (format) {
            case START -> seconds(relNs, 10);
            case DELTA -> {
                long delta = previousRelNs == Long.MIN_VALUE ? 0 : relNs - previousRelNs;
                previousRelNs = relNs;
                yield seconds(delta, 13);
            }
            case WALL -> clock(wall, false);
            case WALL_MICROS -> clock(wall, true);
            case EPOCH -> (wall / 1_000_000_000L) + "." + Long.toString(1_000_000 + (wall / 1000) % 1_000_000).substring(1);
        };
    }

    private static String clock(long wallNanos, boolean micros) {
        LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(0, wallNanos), ZoneId.systemDefault());
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        return micros ? hms + "." + Long.toString(1_000_000 + t.getNano() / 1000).substring(1) : hms;
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
