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
        if (ns < 1_000_000) return String.format(Locale.ROOT, "%.1fus", ns / 1e3);
        if (ns < 1_000_000_000) return String.format(Locale.ROOT, "%.1fms", ns / 1e6);
        return String.format(Locale.ROOT, "%.2fs", ns / 1e9);
    }

    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    /** {@code @12.3ms}: a point on the trace's time axis. */
    public static String at(long ns) {
        return "@" + duration(ns);
    }

    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    /** Columns the text takes on a terminal: code points, not counting colour escape sequences. */
    public static int width(String s) {
        String plain = s.indexOf('\u001b') < 0 ? s : ANSI.matcher(s).replaceAll("");
        return plain.codePointCount(0, plain.length());
    }

    public static String pad(String s, int width) {
        int len = width(s);
        return len >= width ? s : s + " ".repeat(width - len);
    }

    public static String padLeft(String s, int width) {
        int len = width(s);
        return len >= width ? s : " ".repeat(width - len) + s;
    }

    public static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, Math.max(0, width - 1)) + "…";
    }
}
