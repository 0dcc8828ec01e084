package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The run directories of versions before {@link RunDirectoryName}: {@code jthreadtrace-PID-HEX} (the
 * tool's pid and its monotonic clock, 0.1.x) and {@code jthreadtrace-DIGITS} (the JDK's
 * createTempDirectory, earlier). Their names say neither the tool's start time nor its PID
 * namespace, so which tool made one cannot be told: such a directory is taken for a killed tool's
 * only when nothing in it changed for {@link #QUIET} (a live tool's agent writes its records there)
 * and, for the pid form, no process of this namespace has that pid.
 */
final class LegacyRunDirectory {
    /** How long an old-style directory must have been left alone before a sweep takes it for a dead tool's. */
    static final Duration QUIET = Duration.ofHours(24);
    /** Entries looked at for their time (16 levels down); a directory with more is kept (not known to be quiet). */
    static final int MAX_LOOKED_AT = 256;
    private static final Pattern PID_FORM = Pattern.compile("jthreadtrace-([0-9]{1,10})-[0-9a-f]{1,16}");
    private static final Pattern RANDOM_FORM = Pattern.compile("jthreadtrace-[0-9]{1,20}");

    private LegacyRunDirectory() {}

    /** Whether {@code name} is an old-style run directory's. */
    static boolean matches(String name) {
        return PID_FORM.matcher(name).matches() || RANDOM_FORM.matcher(name).matches();
    }

    /** Whether the old-style directory {@code dir} (named {@code name}) was left by a tool that is gone. */
    static boolean gone(String name, Path dir, Instant now) {
        Matcher pid = PID_FORM.matcher(name);
        if (pid.matches() && RunDirectoryName.startTime(Long.parseLong(pid.group(1))) != null) return false;
        return quietSince(dir, now.minus(QUIET));
    }

    /** Whether {@code dir} and what is in it (links as links, not followed), were last changed before {@code since}. */
    private static boolean quietSince(Path dir, Instant since) {
        try (Stream<Path> tree = Files.walk(dir, TreeRemoval.MAX_DEPTH)) {
            Iterator<Path> entries = tree.iterator();
            for (int looked = 0; entries.hasNext(); looked++) {
                if (looked > MAX_LOOKED_AT || !changedBefore(entries.next(), since)) return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean changedBefore(Path p, Instant since) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.lastModifiedTime().toInstant().isBefore(since);
    }
}
