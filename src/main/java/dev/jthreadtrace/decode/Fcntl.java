package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;

/**
 * fcntl's commands as strace prints them: the argument each takes ({@code FD_CLOEXEC}, open
 * flags, a {@code struct flock}, a number), and the results it explains
 * ({@code = 0x8002 (flags O_RDWR|O_LARGEFILE)}, {@code = 0x1 (flags FD_CLOEXEC)}).
 */
final class Fcntl {
    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
            F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38,
            F_SETLEASE = 1024, F_GETLEASE = 1025, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
    static final ValueTable COMMANDS = ValueTable.of(0, "F_DUPFD", 1, "F_GETFD", 2, "F_SETFD", 3, "F_GETFL", 4, "F_SETFL",
            5, "F_GETLK", 6, "F_SETLK", 7, "F_SETLKW", 8, "F_SETOWN", 9, "F_GETOWN", 10, "F_SETSIG", 11, "F_GETSIG",
            15, "F_SETOWN_EX", 16, "F_GETOWN_EX", 17, "F_GETOWNER_UIDS", 36, "F_OFD_GETLK", 37, "F_OFD_SETLK",
            38, "F_OFD_SETLKW", 1024, "F_SETLEASE", 1025, "F_GETLEASE", 1026, "F_NOTIFY", 1029, "F_CANCELLK",
            1030, "F_DUPFD_CLOEXEC", 1031, "F_SETPIPE_SZ", 1032, "F_GETPIPE_SZ", 1033, "F_ADD_SEALS", 1034, "F_GET_SEALS");
    static final FlagTable FD_FLAGS = FlagTable.of(1, "FD_CLOEXEC");
    static final ValueTable LOCK_TYPES = ValueTable.of(0, "F_RDLCK", 1, "F_WRLCK", 2, "F_UNLCK", 4, "F_EXLCK", 8, "F_SHLCK");
    static final ValueTable WHENCE = ValueTable.of(0, "SEEK_SET", 1, "SEEK_CUR", 2, "SEEK_END", 3, "SEEK_DATA", 4, "SEEK_HOLE");
    /** {@code sizeof(struct flock)} on x86-64. */
    static final int FLOCK_SIZE = 32;

    private Fcntl() {}

    /** Whether the command's argument is a struct flock read at entry (set) or exit (get). */
    static boolean setsLock(long cmd) {
        int c = (int) cmd;
        return c == F_SETLK || c == F_SETLKW || c == F_OFD_SETLK || c == F_OFD_SETLKW;
    }

    static boolean getsLock(long cmd) {
        int c = (int) cmd;
        return c == F_GETLK || c == F_OFD_GETLK;
    }

    /** {@code 3, F_SETFD, FD_CLOEXEC}: the fd, the command and, where it has one, the argument. */
    static String render(long[] a, Captures c, int stringMax) {
        int cmd = (int) a[1];
        String head = Args.fd(a, c, 0) + ", " + COMMANDS.render(cmd & 0xffffffffL, "F_");
        return switch (cmd) {
            case F_GETFD, F_GETFL, F_GETOWN, F_GETSIG, F_GETLEASE, F_GETPIPE_SZ, 1034 -> head;
            case F_SETFD -> head + ", " + FD_FLAGS.render(a[2], "0", "FD_");
            case F_SETFL -> head + ", " + OpenFlags.render(a[2]);
            case F_DUPFD, F_DUPFD_CLOEXEC, F_SETPIPE_SZ, F_SETOWN -> head + ", " + Args.intArg(a[2]);
            case F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW -> head + ", " + flock(a[2], c.bytes(2), false);
            case F_GETLK, F_OFD_GETLK -> head + ", " + flock(a[2], c.bytes(2), true);
            case F_SETSIG -> head + ", " + (a[2] == 0 ? "0" : Signals.name((int) a[2]));
            case F_SETLEASE -> head + ", " + LOCK_TYPES.render(a[2], "F_");
            default -> head + ", " + Args.hex(a[2]);
        };
    }

    private static String flock(long pointer, byte[] bytes, boolean withPid) {
        if (bytes == null || bytes.length < FLOCK_SIZE) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{l_type=" + LOCK_TYPES.render(b.getShort(0), "F_") + ", l_whence=" + WHENCE.render(b.getShort(2), "SEEK_")
                + ", l_start=" + b.getLong(8) + ", l_len=" + b.getLong(16) + (withPid ? ", l_pid=" + b.getInt(24) : "") + "}";
    }

    /** What strace adds to the result: the flags of F_GETFD and F_GETFL in hex, F_GETSIG's signal, F_GETLEASE's lock. */
    static String result(long[] a, long ret, Captures c) {
        return switch ((int) a[1]) {
            case F_GETFD -> ret == 0 ? "0" : Args.hex(ret) + " (flags " + FD_FLAGS.render(ret, "0") + ")";
            case F_GETFL -> Args.hex(ret) + " (flags " + OpenFlags.render(ret) + ")";
            case F_GETSIG -> ret == 0 ? "0" : ret + " (" + Signals.name((int) ret) + ")";
            case F_GETLEASE -> Args.hex(ret) + " (" + LOCK_TYPES.render(ret, "F_") + ")";
            case F_DUPFD, F_DUPFD_CLOEXEC -> Args.fd(ret, c.fdPath(Captures.RETURNED));
            default -> Long.toString(ret);
        };
    }
}
