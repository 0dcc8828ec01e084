package dev.jthreadtrace.jvm;

import java.nio.file.Path;
import java.util.List;

/**
 * A Java runtime's {@code release} file: {@code JAVA_VERSION="25.0.1"} and {@code MODULES="java.base
 * ..."}, which every JDK and every jlink image has. Read as {@link FileText} reads (a regular file,
 * capped: a runtime's own is 2 KiB; a FIFO there must not stop the tracer).
 *
 * @param feature the feature version (25 for "25.0.1", 8 for "1.8.0"), 0 when unreadable
 * @param modules the modules the runtime holds; empty when the file does not list them
 */
record JdkRelease(int feature, List<String> modules) {
    /** The release file at {@code file}, or null when there is none. */
    static JdkRelease read(Path file) {
        String text = FileText.read(file);
        return text == null ? null : parse(text);
    }

    static JdkRelease parse(String text) {
        int feature = 0;
        List<String> modules = List.of();
        for (String line : text.split("\n")) {
            String version = value(line, "JAVA_VERSION");
            if (version != null) feature = feature(version);
            String list = value(line, "MODULES");
            if (list != null && !list.isBlank()) modules = List.of(list.trim().split("\\s+"));
        }
        return new JdkRelease(feature, modules);
    }

    boolean hasModule(String name) {
        return modules.contains(name);
    }

    private static String value(String line, String key) {
        if (!line.startsWith(key + "=")) return null;
        String v = line.substring(key.length() + 1).trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static int feature(String version) {
        String[] parts = version.split("[.+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
