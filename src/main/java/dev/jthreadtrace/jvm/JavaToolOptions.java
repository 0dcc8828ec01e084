package dev.jthreadtrace.jvm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fallback route into JVMs ({@code --jvm env}): the user's {@code JAVA_TOOL_OPTIONS} with one
 * more option appended, quoted, so a path with a space stays one option.
 */
final class JavaToolOptions {
    private static final String NAME = "JAVA_TOOL_OPTIONS=";
    private static final byte[] PREFIX = NAME.getBytes(StandardCharsets.UTF_8);

    private JavaToolOptions() {}

    /** {@code base} with {@code option} (already quoted) added to its first JAVA_TOOL_OPTIONS, or as a new one. */
    static List<byte[]> with(List<byte[]> base, String option) {
        List<byte[]> env = new ArrayList<>();
        boolean added = false;
        for (byte[] entry : base) {
            if (!added && startsWith(entry, PREFIX)) {
                String existing = new String(entry, PREFIX.length, entry.length - PREFIX.length, StandardCharsets.UTF_8);
                env.add((NAME + (existing.isBlank() ? option : existing + " " + option)).getBytes(StandardCharsets.UTF_8));
                added = true;
            } else {
                env.add(entry);
            }
        }
        if (!added) env.add((NAME + option).getBytes(StandardCharsets.UTF_8));
        return env;
    }

    /**
     * One option for JAVA_TOOL_OPTIONS, which the JVM splits at white space unless quoted (single
     * or double quotes, no escapes inside); null when the text holds both quotes.
     */
    static String quoted(String option) {
        if (!option.contains("\"")) return "\"" + option + "\"";
        if (!option.contains("'")) return "'" + option + "'";
        return null;
    }

    private static boolean startsWith(byte[] entry, byte[] prefix) {
        return entry.length >= prefix.length && Arrays.equals(entry, 0, prefix.length, prefix, 0, prefix.length);
    }
}
