package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;

/**
 * The descriptors the tool inherited from its shell: written through rather than reopened by name,
 * and let go of once the command holds its own.
 */
public final class InheritedDescriptors {
    private static final int F_GETFL = 3, F_DUPFD_CLOEXEC = 1030, O_ACCMODE = 3, O_RDONLY = 0, STDIN = 0;

    private InheritedDescriptors() {}

    /**
     * A new descriptor (close-on-exec) on the open file description {@code fd} has: the same file
     * offset and O_APPEND as the one the shell set up, so what is written through it lands after what
     * others wrote through {@code fd}. Throws {@link ErrnoException}: EBADF when {@code fd} is not open,
     * EBADF too when it is open for reading only (write(2)'s own errno for that).
     */
    public static int duplicateForWriting(int fd) {
        long flags = Libc.checked("fcntl", Libc.SYS_FCNTL, fd, F_GETFL, 0, 0);
        if ((flags & O_ACCMODE) == O_RDONLY) throw new ErrnoException("fcntl", Errno.EBADF);
        return (int) Libc.checked("fcntl", Libc.SYS_FCNTL, fd, F_DUPFD_CLOEXEC, 3, 0);
    }

    /** Closes the tool's copy of inherited descriptor {@code fd}; one already closed is no matter. */
    public static void letGo(int fd) {
        try {
            Libc.close(fd);
        } catch (ErrnoException e) {
            // EBADF: nothing held
        }
    }

    /**
     * The tool's standard input becomes /dev/null (at the same number, so no file the tool opens
     * later takes it): the inherited one is let go. Throws {@link ErrnoException} when /dev/null
     * cannot be opened; stdin is then left as it was.
     */
    public static void standardInputFromNull() {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            long path = arena.allocateFrom("/dev/null").address();
            fd = (int) Libc.checked("open", Libc.SYS_OPENAT, Libc.AT_FDCWD, path, O_RDONLY, 0);
        }
        if (fd == STDIN) return; // stdin was closed: /dev/null took its number
        try {
            Libc.checked("dup2", Libc.SYS_DUP2, fd, STDIN, 0, 0);
        } finally {
            letGo(fd);
        }
    }
}
