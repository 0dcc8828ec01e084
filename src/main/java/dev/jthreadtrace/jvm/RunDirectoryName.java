package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a run's directory ({@link AgentDirectory}), {@code jthreadtrace-PID-START-PIDNS-RANDOM}:
 * the tool's pid, its start time (clock ticks after boot, field 22 of {@code /proc/PID/stat}, hex)
 * and its PID namespace (the inode of {@code /proc/self/ns/pid}, hex) say which process made it, so
 * a later run can tell a directory whose tool is gone (SIGKILLed: its removal never ran) from one in
 * use, even when the pid was reused; 64 random bits make the name unguessable, so no one can make
 * anything of that name before the run does. Anyone can make a name of this form: that the tool
 * made the directory is proven by its mark ({@link RunKey}), not by its name. The pid comes first, as before: {@code
 * /tmp/jthreadtrace-$PPID-*} still finds a tool's directory from the traced command.
 */
record RunDirectoryName(long pid, long start, long pidNamespace, String random) {
    static final String PREFIX = "jthreadtrace-";
    private static final Pattern NAME = Pattern.compile("jthreadtrace-([0-9]{1,10})-([0-9a-f]{1,16})-([0-9a-f]{1,16})-([0-9a-f]{16})");
    private static final Pattern NAMESPACE = Pattern.compile("pid:\\[([0-9]{1,20})]");

    /** A new name for this process's directory: its pid, start, namespace and fresh random bits. */
    static RunDirectoryName ofThisProcess() throws IOException {
        long pid = ProcessHandle.current().pid();
        Long start = startTime(pid);
        Long namespace = ownPidNamespace();
        if (start == null || namespace == null) throw new IOException("/proc/self cannot be read to name the run's directory");
        return new RunDirectoryName(pid, start, namespace, HexFormat.of().formatHex(KernelRandom.bytes(8)));
    }

    String name() {
        return PREFIX + pid + "-" + Long.toHexString(start) + "-" + Long.toHexString(pidNamespace) + "-" + random;
    }

    /** The name's parts, or null when {@code name} is not one this class makes. */
    static RunDirectoryName parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) return null;
        try {
            return new RunDirectoryName(Long.parseLong(m.group(1)), Long.parseUnsignedLong(m.group(2), 16),
                    Long.parseUnsignedLong(m.group(3), 16), m.group(4));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Whether the tool that made the directory is gone: it was made in this PID namespace (a pid of
     * another one says nothing here), and no process has its pid now, or the one that has it
     * started at another time (another program got the pid).
     */
    boolean ownerGone(long ownPidNamespace) {
        if (pidNamespace != ownPidNamespace) return false;
        Long now = startTime(pid);
        return now == null || now != start;
    }

    /** Field 22 of {@code /proc/PID/stat}, counted after the command's closing parenthesis; null when there is no such process. */
    static Long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[22 - 3]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The inode of this process's PID namespace, or null. */
    static Long ownPidNamespace() {
        try {
            Matcher m = NAMESPACE.matcher(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
            return m.matches() ? Long.parseLong(m.group(1)) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
