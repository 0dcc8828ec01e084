package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * System calls relative to an open directory ({@code openat}, {@code mkdirat}, {@code unlinkat},
 * {@code fchownat}), each one name, never following a link: for writing into a directory another
 * process controls (a container's {@code /tmp}, reached through {@code /proc/PID/root}), where any
 * name may be a link planted to send a write elsewhere. Java's {@code SecureDirectoryStream} cannot
 * make a directory nor change an owner. Each call throws {@link ErrnoException}.
 */
public final class DirectoryCalls {
    private static final long SYS_OPENAT = 257, SYS_MKDIRAT = 258, SYS_FCHOWNAT = 260, SYS_UNLINKAT = 263, SYS_FCHOWN = 93;
    private static final int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000,
            O_NOFOLLOW = 0x20000;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;

    private DirectoryCalls() {}

    /** {@code open(path, O_RDONLY|O_DIRECTORY|O_CLOEXEC)}: links followed (the one {@code /proc/PID/root} is). */
    public static int openDirectory(String path) {
        return openAt(Libc.AT_FDCWD, path, O_RDONLY | O_DIRECTORY | Libc.O_CLOEXEC, 0);
    }

    /**
     * {@code open(path, O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC)}: a link as the last name fails,
     * and a FIFO put where a file was expected opens at once instead of waiting for a writer forever.
     */
    public static int openFileWithoutWaiting(String path) {
        return openAt(Libc.AT_FDCWD, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | Libc.O_CLOEXEC, 0);
    }

    /** The directory {@code name} in {@code dirFd}, which must not be a link. */
    public static int openDirectoryAt(int dirFd, String name) {
        return openAt(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | Libc.O_CLOEXEC, 0);
    }

    /** A new directory {@code name} in {@code dirFd} (fails if anything has that name). */
    public static void makeDirectoryAt(int dirFd, String name, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.checked("mkdirat", SYS_MKDIRAT, dirFd, arena.allocateFrom(name).address(), mode, 0);
        }
    }

    /** A new file {@code name} in {@code dirFd} (O_CREAT|O_EXCL|O_NOFOLLOW) holding {@code bytes}, owned by {@code uid}/{@code gid}. */
    public static void writeNewFileAt(int dirFd, String name, byte[] bytes, int mode, int uid, int gid) {
        int fd = openAt(dirFd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | Libc.O_CLOEXEC, mode);
        try (Arena arena = Arena.ofConfined()) {
            chown(fd, uid, gid);
            MemorySegment buffer = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buffer, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            for (long done = 0; done < bytes.length; ) done += Libc.write(fd, buffer.asSlice(done), bytes.length - done);
        } finally {
            Libc.close(fd);
        }
    }

    /** {@code fchown(fd, uid, gid)}. */
    public static void chown(int fd, int uid, int gid) {
        Libc.checked("fchown", SYS_FCHOWN, fd, uid, gid, 0);
    }

    /** {@code fchownat(dirFd, name, uid, gid, AT_SYMLINK_NOFOLLOW)}: a link itself, never what it names. */
    public static void chownAt(int dirFd, String name, int uid, int gid) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.checkedSix("fchownat", SYS_FCHOWNAT, dirFd, arena.allocateFrom(name).address(), uid, gid, AT_SYMLINK_NOFOLLOW);
        }
    }

    /** Removes the entry {@code name} of {@code dirFd} (a link itself; a directory only when empty and {@code directory}). */
    public static void unlinkAt(int dirFd, String name, boolean directory) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.checked("unlinkat", SYS_UNLINKAT, dirFd, arena.allocateFrom(name).address(), directory ? AT_REMOVEDIR : 0, 0);
        }
    }

    private static int openAt(int dirFd, String name, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Libc.checked("openat", SYS_OPENAT, dirFd, arena.allocateFrom(name).address(), flags, mode);
        }
    }
}
