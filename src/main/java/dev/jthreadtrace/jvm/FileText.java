package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file a JDK launcher or its JVM names ({@code @argfile}, {@code -XX:VMOptionsFile},
 * {@code -XX:Flags}), read as that process reads it: an absolute path through its root, a relative
 * one from its working directory ({@code /proc/PID/root}, {@code /proc/PID/cwd}), never in the
 * tool's own namespace. Only regular files, at most {@link #MAX_BYTES} (the JVM's own are a few
 * lines), as UTF-8.
 */
interface FileText {
    int MAX_BYTES = 1 << 20;
    /** Said after "cannot be read" in a note. */
    String UNREADABLE = " (not a readable regular file of at most 1 MiB, seen from the JVM)";

    /** The text of the file named {@code path}, or null when it cannot be read (or is no regular file, or too large). */
    String read(String path);

    /** The files of process {@code pid}, as it sees them. */
    static FileText of(int pid) {
        Path root = Path.of("/proc", Integer.toString(pid), "root"), cwd = Path.of("/proc", Integer.toString(pid), "cwd");
        return path -> path.isEmpty() ? null : read(path.startsWith("/") ? Path.of(root.toString(), path) : cwd.resolve(path));
    }

    /** A regular file's text, capped; null otherwise. Not non-blocking: a FIFO is refused before it is opened. */
    static String read(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile() || attributes.size() > MAX_BYTES) return null;
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ)) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                return bytes.length > MAX_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
