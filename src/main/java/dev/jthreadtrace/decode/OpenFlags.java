package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;

/**
 * {@code open}, {@code openat}, {@code openat2} and {@code creat} ({@code <fcntl.h>}), decoded as
 * strace does: the access mode by name, then the other flags in strace's order, and the mode in
 * octal when a file may be created; the path whole, whatever {@code -s} says.
 */
public final class OpenFlags {
    public static final int O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_TMPFILE = 020200000;
    private static final int TMPFILE_BIT = 020000000;
    /** {@code sizeof(struct open_how)}: flags, mode, resolve. */
    static final int OPEN_HOW_SIZE = 24;

    private static final ValueTable ACCESS = ValueTable.of(0, "O_RDONLY", 1, "O_WRONLY", 2, "O_RDWR", 3, "O_ACCMODE");
    /**
     * strace's open_mode_flags order. O_SYNC and O_TMPFILE include another flag's bit: listed
     * before their lone bit ({@code __O_SYNC}, {@code __O_TMPFILE}), so they are matched whole.
     * O_LARGEFILE is the kernel's value (the tracee's flags are the kernel's; glibc defines it 0 here).
     */
    static final FlagTable FLAGS = FlagTable.of(0100, "O_CREAT", 0200, "O_EXCL", 0400, "O_NOCTTY", 01000, "O_TRUNC",
            02000, "O_APPEND", 04000, "O_NONBLOCK", 04010000, "O_SYNC", 04000000, "__O_SYNC", 010000, "O_DSYNC",
            040000, "O_DIRECT", 0100000, "O_LARGEFILE", 0400000, "O_NOFOLLOW", 01000000, "O_NOATIME", 02000000, "O_CLOEXEC",
            010000000, "O_PATH", 020200000, "O_TMPFILE", 020000000, "__O_TMPFILE", 0200000, "O_DIRECTORY", 020000, "FASYNC");
    static final FlagTable RESOLVE = FlagTable.of(0x01, "RESOLVE_NO_XDEV", 0x02, "RESOLVE_NO_MAGICLINKS",
            0x04, "RESOLVE_NO_SYMLINKS", 0x08, "RESOLVE_BENEATH", 0x10, "RESOLVE_IN_ROOT", 0x20, "RESOLVE_CACHED");

    private OpenFlags() {}

    /** {@code O_RDWR|O_CLOEXEC}. */
    public static String render(long flags) {
        int f = (int) flags;
        String access = ACCESS.nameOrNull(f & O_ACCMODE);
        String rest = FLAGS.render(f & ~O_ACCMODE & 0xffffffffL, "");
        return rest.isEmpty() ? access : access + "|" + rest;
    }

    /** Flags of calls that take only the non-access ones (pipe2, dup3, eventfd2...): {@code O_NONBLOCK|O_CLOEXEC}, or 0. */
    public static String renderFlagsOnly(long flags) {
        return FLAGS.render(flags & 0xffffffffL, "0");
    }

    /** Whether a file may be created (then a mode argument follows). */
    public static boolean creates(long flags) {
        return (flags & O_CREAT) != 0 || (flags & TMPFILE_BIT) != 0;
    }

    /** Whether the file is opened for writing. */
    public static boolean writes(long flags) {
        return (flags & O_ACCMODE) != O_RDONLY;
    }

    /** {@code openat(AT_FDCWD, "/path", O_RDWR|O_CREAT, 0644)}'s arguments. */
    public static String renderOpenat(long[] a, Captures c, int stringMax) {
        return Args.dirfd(a[0], c.fdPath(0)) + ", " + Quote.path(a[1], c, 1) + ", " + render(a[2])
                + (creates(a[2]) ? ", " + mode(a[3]) : "");
    }

    /** {@code open("/path", O_RDONLY)}'s arguments. */
    public static String renderOpen(long[] a, Captures c, int stringMax) {
        return Quote.path(a[0], c, 0) + ", " + render(a[1]) + (creates(a[1]) ? ", " + mode(a[2]) : "");
    }

    /** {@code creat("/path", 0644)}'s arguments. */
    public static String renderCreat(long[] a, Captures c, int stringMax) {
        return Quote.path(a[0], c, 0) + ", " + mode(a[1]);
    }

    /** {@code openat2(AT_FDCWD, "/path", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH}, 24)}'s arguments. */
    public static String renderOpenat2(long[] a, Captures c, int stringMax) {
        return Args.dirfd(a[0], c.fdPath(0)) + ", " + Quote.path(a[1], c, 1) + ", " + openHow(a[2], a[3], c.bytes(2))
                + ", " + Args.ulong(a[3]);
    }

    private static String openHow(long pointer, long size, byte[] how) {
        if (size < OPEN_HOW_SIZE || how == null || how.length < OPEN_HOW_SIZE) return Args.pointer(pointer);
        ByteBuffer b = Args.le(how);
        long flags = b.getLong(0), mode = b.getLong(8);
        return "{flags=" + render(flags) + ((flags & (O_CREAT | TMPFILE_BIT)) != 0 || mode != 0 ? ", mode=" + mode(mode) : "")
                + ", resolve=" + RESOLVE.render(b.getLong(16), "0", "RESOLVE_") + "}";
    }

    /** A file mode in octal with its leading 0, as strace prints it. */
    static String mode(long mode) {
        return StatStructs.octalMode(mode);
    }
}
