package dev.jthreadtrace.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** The mount points, unescaped; null when the table could not be read (then every directory has one: nothing is removed). */
    private final List<String> points;

    private MountPoints(List<String> points) {
        this.points = points;
    }

    /** The table as it is now: read once for as many directories as a removal or a sweep checks. */
    public static MountPoints read() {
        try {
            return of(Files.readAllLines(MOUNTINFO, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return new MountPoints(null);
        }
    }

    /** The table of the lines of a mountinfo file (field 5 is the mount point, octal-escaped). */
    static MountPoints of(List<String> mountinfo) {
        List<String> points = new ArrayList<>();
        for (String line : mountinfo) {
            String[] fields = line.split(" ", 6);
            if (fields.length >= 5) points.add(unescape(fields[4]));
        }
        return new MountPoints(points);
    }

    /** True when a mount point is {@code dir} or below it, or when the mount table could not be read. */
    public boolean within(Path dir) {
        if (points == null) return true;
        String prefix = dir.toAbsolutePath().normalize().toString();
        for (String point : points) {
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
