package dev.jthreadtrace.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether a descriptor is a terminal and how wide, as {@link Libc#isatty} and
 * {@link Libc#terminalColumns} answer, without binding libc when the answer is plainly no. Binding
 * libc spins the FFM downcall stub, which no AOT cache keeps (a quarter of {@code report}'s main
 * thread at its start), and {@code report}, {@code diff} and a {@code run -o FILE} need libc for
 * nothing else. A terminal is a character device; the descriptor's type and device number come
 * from the JDK's own stat of {@code /proc/self/fd/N}: a pipe, a socket, a regular file, or one of
 * the memory devices (major 1: /dev/null, /dev/zero, /dev/full...) is never one. Anything else,
 * or a /proc that cannot tell, is asked of the kernel (TCGETS) as before.
 */
public final class Terminal {
    private static final int S_IFMT = 0170000, S_IFCHR = 0020000;
    /** The memory devices' major number (Documentation/admin-guide/devices.txt): no tty among them. */
    private static final long MEM_MAJOR = 1;
    /** Positions in /proc/self/stat after the command name: the process group and the terminal's foreground group. */
    private static final int PGRP = 2, TPGID = 5;

    private Terminal() {}

    /** {@code isatty(fd)}. */
    public static boolean isTerminal(int fd) {
        return maybeTerminal(descriptor(fd)) && Libc.isatty(fd);
    }

    /** The terminal's columns, or 0 when {@code fd} is not a terminal. */
    public static int columns(int fd) {
        return maybeTerminal(descriptor(fd)) ? Libc.terminalColumns(fd) : 0;
    }

    /**
     * Whether this process's group is the foreground group of its controlling terminal, the one
     * whose Ctrl-C and hangup reach it: {@code pgrp} and {@code tpgid} of /proc/self/stat, whatever
     * descriptors the process has open (the tool's stdin is /dev/null once the command runs, and a
     * redirected stdout and stderr do not stop the terminal's signals). False without a
     * controlling terminal (tpgid -1) or when /proc cannot tell.
     */
    public static boolean inForeground() {
        try {
            return inForeground(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@link #inForeground()} as a /proc/PID/stat line says; false when it cannot tell. */
    static boolean inForeground(String stat) {
        // After the name (which may hold spaces and parentheses): state ppid pgrp session tty_nr tpgid ...
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).strip().split(" ");
        try {
            return fields.length > TPGID && Integer.parseInt(fields[PGRP]) == Integer.parseInt(fields[TPGID]);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Path descriptor(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** False when what {@code file} opens (followed as stat follows it) cannot be a terminal; true when it may be. */
    static boolean maybeTerminal(Path file) {
        try {
            Map<String, Object> stat = Files.readAttributes(file, "unix:mode,rdev");
            if (!(stat.get("mode") instanceof Integer mode) || !(stat.get("rdev") instanceof Long rdev)) return true;
            return (mode & S_IFMT) == S_IFCHR && major(rdev) != MEM_MAJOR;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** glibc's {@code major(dev)}. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }
}
