package dev.jthreadtrace.decode;

/**
 * {@code open}, {@code openat} and {@code creat} ({@code <fcntl.h>}), decoded as strace does:
 * the access mode by name, then the other flags, and the mode in octal when a file may be created.
 */
public final class OpenFlags {
    public static final int O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_TMPFILE = 020200000;

    private static final ValueTable ACCESS = ValueTable.of(0, "O_RDONLY", 1, "O_WRONLY", 2, "O_RDWR");
    /** O_SYNC and O_TMPFILE include another flag's bit: listed first, so they are matched whole. */
    private static final FlagTable FLAGS = FlagTable.of(04010000, "O_SYNC", 020200000, "O_TMPFILE", 0100, "O_CREAT",
            0200, "O_EXCL", 0400, "O_NOCTTY", 01000, "O_TRUNC", 02000, "O_APPEND", 04000, "O_NONBLOCK",
            010000, "O_DSYNC", 020000, "O_ASYNC", 040000, "O_DIRECT", 0200000, "O_DIRECTORY",
            0400000, "O_NOFOLLOW", 01000000, "O_NOATIME", 02000000, "O_CLOEXEC", 010000000, "O_PATH");

    private OpenFlags() {}

    /** {@code O_RDWR|O_CLOEXEC}; O_PATH alone without an access mode, as strace prints it. */
    public static String render(long flags) {
        int f = (int) flags;
        String access = ACCESS.render(f & O_ACCMODE, "O_");
        String rest = FLAGS.render(f & ~O_ACCMODE, "");
        return rest.isEmpty() ? access : access + "|" + rest;
    }

    /** Whether a file may be created (then a mode argument follows). */
    public static boolean creates(long flags) {
        return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
    }

    /** Whether the file is opened for writing. */
    public static boolean writes(long flags) {
        return (flags & O_ACCMODE) != O_RDONLY;
    }

    /** {@code openat(AT_FDCWD, "/path", O_RDWR|O_CREAT, 0644)}'s arguments. */
    public static String renderOpenat(long[] a, Captures c, int stringMax) {
        return Args.dirfd(a[0], c.has(0) ? c.string(0) : null) + ", " + path(a[1], c, 1, stringMax) + ", " + render(a[2])
                + (creates(a[2]) ? ", " + mode(a[3]) : "");
    }

    /** {@code open("/path", O_RDONLY)}'s arguments. */
    public static String renderOpen(long[] a, Captures c, int stringMax) {
        return path(a[0], c, 0, stringMax) + ", " + render(a[1]) + (creates(a[1]) ? ", " + mode(a[2]) : "");
    }

    /** {@code creat("/path", 0644)}'s arguments. */
    public static String renderCreat(long[] a, Captures c, int stringMax) {
        return path(a[0], c, 0, stringMax) + ", " + mode(a[1]);
    }

    private static String path(long pointer, Captures c, int arg, int stringMax) {
        return c.has(arg) ? Args.quoted(c.string(arg), stringMax) : Args.pointer(pointer);
    }

    /** A file mode in octal with its leading 0, as strace prints it. */
    static String mode(long mode) {
        return "0" + Long.toOctalString(mode & 07777);
    }
}
