package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The tool's private directories and files with the mode they are made with, whatever the umask:
 * mkdir and open(O_CREAT) take that mode less the umask, the user's, which the tool keeps (the
 * command inherits it from the tool, and the tool's own outputs follow it). Under {@code umask 0277}
 * the run's 0700 directory was 0500 (nothing could be made in it) and under {@code 0777} 0000 (the
 * agent could not read the tool's classes): a JVM lost its Java view. So a directory or file the
 * tool just made is given its mode by a chmod, only when the umask took some of it (022, 002 and 077
 * take none: no call). By name, right after it was made: in /tmp (sticky: no one else can put
 * another file under that name) or in the run's 0700 directory, so whoever could put a link there
 * is the tool's user, who could change that mode himself.
 */
final class ExactModes {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    /** The tool's umask (it never changes it); all bits when /proc does not say (every mode is then set). */
    private static final int UMASK = umask();

    private ExactModes() {}

    /** A new directory {@code path} (mkdir(2): fails if anything has that name), 0700 whatever the umask. */
    static Path newDirectory(Path path) throws IOException {
        Files.createDirectory(path, PosixFilePermissions.asFileAttribute(DIRECTORY));
        return give(path, DIRECTORY);
    }

    /** {@code path}, just made with {@code mode}, given it in full when the umask took some of it. */
    static Path give(Path path, Set<PosixFilePermission> mode) throws IOException {
        if ((UMASK & bits(mode)) != 0) Files.setPosixFilePermissions(path, mode);
        return path;
    }

    private static int bits(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) bits |= 0400 >> p.ordinal(); // OWNER_READ first, OTHERS_EXECUTE last
        return bits;
    }

    /** {@code Umask:} of /proc/self/status (Linux 4.7+). */
    private static int umask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Umask:")) return Integer.parseInt(line.substring("Umask:".length()).strip(), 8);
            }
        } catch (IOException | RuntimeException e) {
            // said below
        }
        return 0777;
    }
}
