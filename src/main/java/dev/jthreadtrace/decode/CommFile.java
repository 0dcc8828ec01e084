package dev.jthreadtrace.decode;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A thread's name file in /proc, which {@code pthread_setname_np} on another thread (and any write
 * to it, from the same process: the kernel refuses others) uses instead of {@code prctl}: which
 * thread a path names. {@code /proc/self/task/TID/comm}, {@code /proc/PID/task/TID/comm},
 * {@code /proc/TID/comm}, {@code /proc/thread-self/comm} and {@code /proc/self/comm}.
 */
public final class CommFile {
    private static final Pattern PATH = Pattern.compile("/proc/(self|thread-self|\\d+)(?:/task/(\\d+))?/comm");

    private CommFile() {}

    /**
     * The tid whose name {@code path} is, when opened by thread {@code tid} of process {@code tgid};
     * -1 when it is no comm file.
     */
    public static int target(String path, int tid, int tgid) {
        if (path == null) return -1;
        Matcher m = PATH.matcher(path);
        if (!m.matches()) return -1;
        try {
            if (m.group(2) != null) return m.group(1).equals("thread-self") ? -1 : Integer.parseInt(m.group(2));
            return switch (m.group(1)) {
                case "self" -> tgid;
                case "thread-self" -> tid;
                default -> Integer.parseInt(m.group(1));
            };
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The name a write of {@code bytes} gives: what the kernel keeps, up to a NUL and 15 bytes at most
     * (a shell's {@code echo} adds a newline, and it stays in the name).
     */
    public static String name(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && n < 15 && bytes[n] != 0) n++;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
