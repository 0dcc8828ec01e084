package dev.jthreadtrace.sys;

import java.util.Map;

/**
 * errno values the tool reacts to, and their names for messages. The names and texts are strace's
 * ("-1 EAGAIN (Resource temporarily unavailable)"), so output can be compared with it.
 */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9, ECHILD = 10,
            EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, ENOTDIR = 20,
            EISDIR = 21, EINVAL = 22, ENOSYS = 38, ETIMEDOUT = 110;

    private record Entry(String name, String text) {}

    /** Linux x86-64 errno table (asm-generic/errno-base.h and errno.h), the commonly returned ones. */
    private static final Map<Integer, Entry> TABLE = Map.ofEntries(
            Map.entry(1, new Entry("EPERM", "Operation not permitted")),
            Map.entry(2, new Entry("ENOENT", "No such file or directory")),
            Map.entry(3, new Entry("ESRCH", "No such process")),
            Map.entry(4, new Entry("EINTR", "Interrupted system call")),
            Map.entry(5, new Entry("EIO", "Input/output error")),
            Map.entry(6, new Entry("ENXIO", "No such device or address")),
            Map.entry(7, new Entry("E2BIG", "Argument list too long")),
            Map.entry(8, new Entry("ENOEXEC", "Exec format error")),
            Map.entry(9, new Entry("EBADF", "Bad file descriptor")),
            Map.entry(10, new Entry("ECHILD", "No child processes")),
            Map.entry(11, new Entry("EAGAIN", "Resource temporarily unavailable")),
            Map.entry(12, new Entry("ENOMEM", "Cannot allocate memory")),
            Map.entry(13, new Entry("EACCES", "Permission denied")),
            Map.entry(14, new Entry("EFAULT", "Bad address")),
            Map.entry(16, new Entry("EBUSY", "Device or resource busy")),
            Map.entry(17, new Entry("EEXIST", "File exists")),
            Map.entry(20, new Entry("ENOTDIR", "Not a directory")),
            Map.entry(21, new Entry("EISDIR", "Is a directory")),
            Map.entry(22, new Entry("EINVAL", "Invalid argument")),
            Map.entry(24, new Entry("EMFILE", "Too many open files")),
            Map.entry(25, new Entry("ENOTTY", "Inappropriate ioctl for device")),
            Map.entry(28, new Entry("ENOSPC", "No space left on device")),
            Map.entry(32, new Entry("EPIPE", "Broken pipe")),
            Map.entry(34, new Entry("ERANGE", "Numerical result out of range")),
            Map.entry(35, new Entry("EDEADLK", "Resource deadlock avoided")),
            Map.entry(36, new Entry("ENAMETOOLONG", "File name too long")),
            Map.entry(38, new Entry("ENOSYS", "Function not implemented")),
            Map.entry(95, new Entry("EOPNOTSUPP", "Operation not supported")),
            Map.entry(110, new Entry("ETIMEDOUT", "Connection timed out")),
            Map.entry(130, new Entry("EOWNERDEAD", "Owner died")),
            Map.entry(131, new Entry("ENOTRECOVERABLE", "State not recoverable")),
            Map.entry(512, new Entry("ERESTARTSYS", "To be restarted if SA_RESTART is set")),
            Map.entry(513, new Entry("ERESTARTNOINTR", "To be restarted")),
            Map.entry(514, new Entry("ERESTARTNOHAND", "To be restarted if no handler")),
            Map.entry(516, new Entry("ERESTART_RESTARTBLOCK", "Interrupted by signal")));

    private Errno() {}

    /** "EAGAIN", or "errno 123" for a value outside the table. */
    public static String name(int errno) {
        Entry e = TABLE.get(errno);
        return e != null ? e.name() : "errno " + errno;
    }

    /** "EAGAIN (Resource temporarily unavailable)", as strace prints an error return. */
    /** strerror's text alone ({@code No space left on device}), as Java's own I/O exceptions say it. */
    public static String text(int errno) {
        Entry e = TABLE.get(errno);
        return e != null ? e.text() : "Unknown error " + errno;
    }

    public static String describe(int errno) {
        Entry e = TABLE.get(errno);
        return e != null ? e.name() + " (" + e.text() + ")" : "errno " + errno + " (Unknown error " + errno + ")";
    }
}
