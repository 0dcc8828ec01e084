package dev.jthreadtrace.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One read of a {@code /proc/PID/status} (or {@code /proc/PID/task/TID/status}) file: "Key:\tvalue"
 * lines, looked up by key. Absent keys (older kernels lack Seccomp_filters) give the caller's
 * default; so does a file that could not be read ({@link #EMPTY}).
 */
public record ProcStatus(List<String> lines) {
    public static final ProcStatus EMPTY = new ProcStatus(List.of());

    public ProcStatus {
        lines = List.copyOf(lines);
    }

    /** The status of {@code /proc/PID} (or any status file), or null when it cannot be read: the task is gone. */
    public static ProcStatus read(Path file) {
        try {
            return new ProcStatus(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code /proc/PID/status}, or null. */
    public static ProcStatus of(int pid) {
        return read(Path.of("/proc", Integer.toString(pid), "status"));
    }

    /**
     * The name of task {@code tid}, {@code /proc/TID/comm} without its newline, every byte kept; null when
     * it cannot be read (the task is gone). Readable by its user even when the task is not dumpable.
     */
    public static byte[] comm(int tid) {
        try {
            byte[] line = Files.readAllBytes(Path.of("/proc", Integer.toString(tid), "comm"));
            int end = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
            return Arrays.copyOf(line, end);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code /proc/self/status}, or {@link #EMPTY}. */
    public static ProcStatus self() {
        ProcStatus status = read(Path.of("/proc/self/status"));
        return status == null ? EMPTY : status;
    }

    /** The value after "KEY:", trimmed; "" when the key is absent. */
    public String text(String key) {
        String prefix = key + ":";
        for (String line : lines) if (line.startsWith(prefix)) return line.substring(prefix.length()).strip();
        return "";
    }

    /** The value's first word as a decimal number ("12345 kB" is 12345), or {@code otherwise}. */
    public long number(String key, long otherwise) {
        String text = text(key);
        try {
            return text.isEmpty() ? otherwise : Long.parseLong(text.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The value as a hexadecimal mask (SigBlk, CapEff), or {@code otherwise}. */
    public long hex(String key, long otherwise) {
        String text = text(key);
        try {
            return text.isEmpty() ? otherwise : Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
