package dev.jthreadtrace.cli;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a descriptor the tool inherited: {@code /dev/stdout}, {@code /dev/stderr},
 * {@code /dev/stdin}, {@code /dev/fd/N}, {@code /proc/self/fd/N}, {@code /proc/thread-self/fd/N} and
 * {@code /proc/PID/fd/N} with the tool's own pid. Opening such a name makes a new open file
 * description: on a regular file it starts at offset 0 and truncates, so the trace and whatever the
 * shell's description carries (the command's own output, the tool's messages) overwrite each other.
 * An output so named is written through the inherited descriptor instead, as {@code >&2} would.
 */
final class DescriptorPaths {
    private static final Pattern FD = Pattern.compile("/(?:dev/fd|proc/(?:self|thread-self|(\\d+))/fd)/(\\d+)");

    private DescriptorPaths() {}

    /** The descriptor {@code path} names in a process whose pid is {@code ownPid}; empty for any other file. */
    static OptionalInt descriptor(Path path, long ownPid) {
        String name = path.toAbsolutePath().normalize().toString();
        switch (name) {
            case "/dev/stdin": return OptionalInt.of(0);
            case "/dev/stdout": return OptionalInt.of(1);
            case "/dev/stderr": return OptionalInt.of(2);
            default: break;
        }
        Matcher m = FD.matcher(name);
        if (!m.matches() || m.group(2).length() > 9) return OptionalInt.empty();
        if (m.group(1) != null && !m.group(1).equals(Long.toString(ownPid))) return OptionalInt.empty();
        return OptionalInt.of(Integer.parseInt(m.group(2)));
    }

    /** The same for the tool's own process. */
    static OptionalInt descriptor(Path path) {
        return descriptor(path, ProcessHandle.current().pid());
    }
}
