package dev.jthreadtrace.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether something is mounted inside a directory, as this process's mount namespace has it
 * ({@code /proc/self/mountinfo}). Removing a directory's contents must stop at a mount point: a
 * bind mount put inside a run directory (by root, a container runtime or a root traced program)
 * would otherwise have the mounted directory emptied, as {@code rm -rf} without
 * {@code --one-file-system} does. A bind mount of the same filesystem has the same device number,
 * so comparing {@code st_dev} is not enough.
 */
public final class MountPoints {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountPoints() {}

    /** True when a mount point is {@code dir} or below it, or when the mount table cannot be read (then nothing is removed). */
    public static boolean within(Path dir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTINFO, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return true;
        }
        return within(dir, lines);
    }

    /** The same over the lines of a mountinfo file (field 5 is the mount point, octal-escaped). */
    static boolean within(Path dir, List<String> mountinfo) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        for (String line : mountinfo) {
            String[] fields = line.split(" ", 6);
            if (fields.length < 5) continue;
            String point = unescape(fields[4]);
            if (point.equals(prefix) || point.startsWith(prefix + "/")) return true;
        }
        return false;
    }

    /** The kernel writes space, tab, newline and backslash in a path as {@code \ooo}. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
