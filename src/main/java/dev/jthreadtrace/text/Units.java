package dev.jthreadtrace.text;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Human units for the report: {@code 12.3ms}, {@code 8.0 MiB}. Always with a decimal point
 * ({@link Locale#ROOT}): reports, assertion messages and golden files must not change with the
 * user's locale.
 */
public final class Units {
    private Units() {}

    public static String duration(long ns) {
        if (ns < 1_000) return ns + "ns";
        if (ns < 1_000_000) return fixed(ns, 1_000, 1) + "us";
        if (ns < 1_000_000_000) return fixed(ns, 1_000_000, 1) + "ms";
        return fixed(ns, 1_000_000_000, 2) + "s";
    }

    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return fixed(n, 1024, 1) + " KiB";
        if (n < 1024L * 1024 * 1024) return fixed(n, 1024 * 1024, 1) + " MiB";
        return fixed(n, 1024L * 1024 * 1024, 2) + " GiB";
    }

    /**
     * {@code value / unit} with {@code decimals} (1 or 2) digits after the point, the last rounded
     * half up: what {@code String.format(Locale.ROOT, "%.1f", value / (double) unit)} prints, in
     * integer arithmetic. Formatter's first use loads the locale's number symbols, several
     * milliseconds of every report at the tool's start (UnitsTest compares the two).
     */
    static String fixed(long value, long unit, int decimals) {
        long scale = decimals == 1 ? 10 : 100;
        // value * scale / unit, rounded half up, without overflowing for values near Long.MAX_VALUE.
        long whole = value / unit, fraction = halfUp(value % unit, unit, scale);
        if (fraction >= scale) {
            whole++;
            fraction -= scale;
        }
        String digits = Long.toString(fraction);
        return whole + "." + (digits.length() < decimals ? "0".repeat(decimals - digits.length()) + digits : digits);
    }

    /** {@code rest * scale / unit} rounded half up, for {@code 0 <= rest < unit}. */
    private static long halfUp(long rest, long unit, long scale) {
        // rest < unit <= 2^30: rest * scale * 2 fits in a long.
        return (rest * scale * 2 + unit) / (unit * 2);
    }

    /** {@code @12.3ms}: a point on the trace's time axis. */
    public static String at(long ns) {
        return "@" + duration(ns);
    }

    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    /** Columns the text takes on a terminal ({@link Columns}: wide characters two), not counting colour escape sequences. */
    public static int width(String s) {
        return Columns.of(s.indexOf('\u001b') < 0 ? s : ANSI.matcher(s).replaceAll(""));
    }

    public static String pad(String s, int width) {
        int len = width(s);
        return len >= width ? s : s + " ".repeat(width - len);
    }

    public static String padLeft(String s, int width) {
        int len = width(s);
        return len >= width ? s : " ".repeat(width - len) + s;
    }

    /** {@code s} in at most {@code width} columns: cut with an ellipsis, never inside a character (no escapes in it). */
    public static String cut(String s, int width) {
        if (Columns.of(s) <= width) return s;
        int columns = 0, end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end), w = Columns.of(cp);
            if (columns + w > width - 1) break;
            columns += w;
            end += Character.charCount(cp);
        }
        // A combining mark belongs to the character before it: it stays with it (it takes no column).
        while (end < s.length() && Columns.of(s.codePointAt(end)) == 0) end += Character.charCount(s.codePointAt(end));
        return s.substring(0, end) + "…";
    }

    /** {@code s} in at most {@code width} columns, its end kept: an ellipsis, then whole characters. */
    public static String cutStart(String s, int width) {
        if (Columns.of(s) <= width) return s;
        int columns = 0, start = s.length();
        while (start > 0) {
            int cp = s.codePointBefore(start), w = Columns.of(cp);
            if (columns + w > width - 1) break;
            columns += w;
            start -= Character.charCount(cp);
        }
        // Not starting with a combining mark, whose letter was cut off.
        while (start < s.length() && Columns.of(s.codePointAt(start)) == 0) start += Character.charCount(s.codePointAt(start));
        return "…" + s.substring(start);
    }
}
