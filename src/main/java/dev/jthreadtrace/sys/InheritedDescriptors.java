package dev.jthreadtrace.sys;

/** The descriptors the tool inherited from its shell, written through rather than reopened by name. */
public final class InheritedDescriptors {
    private static final int F_GETFL = 3, F_DUPFD_CLOEXEC = 1030, O_ACCMODE = 3, O_RDONLY = 0;

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
}
