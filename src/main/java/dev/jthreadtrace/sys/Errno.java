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

    /**
     * Every Linux x86-64 errno (asm-generic/errno-base.h and errno.h) with glibc's text, which is
     * what strace prints ({@code ErrnoTest} checks it against the C library), and the kernel's
     * restart codes a tracer sees when a signal interrupts a call, with strace's text.
     */
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
            Map.entry(15, new Entry("ENOTBLK", "Block device required")),
            Map.entry(16, new Entry("EBUSY", "Device or resource busy")),
            Map.entry(17, new Entry("EEXIST", "File exists")),
            Map.entry(18, new Entry("EXDEV", "Invalid cross-device link")),
            Map.entry(19, new Entry("ENODEV", "No such device")),
            Map.entry(20, new Entry("ENOTDIR", "Not a directory")),
            Map.entry(21, new Entry("EISDIR", "Is a directory")),
            Map.entry(22, new Entry("EINVAL", "Invalid argument")),
            Map.entry(23, new Entry("ENFILE", "Too many open files in system")),
            Map.entry(24, new Entry("EMFILE", "Too many open files")),
            Map.entry(25, new Entry("ENOTTY", "Inappropriate ioctl for device")),
            Map.entry(26, new Entry("ETXTBSY", "Text file busy")),
            Map.entry(27, new Entry("EFBIG", "File too large")),
            Map.entry(28, new Entry("ENOSPC", "No space left on device")),
            Map.entry(29, new Entry("ESPIPE", "Illegal seek")),
            Map.entry(30, new Entry("EROFS", "Read-only file system")),
            Map.entry(31, new Entry("EMLINK", "Too many links")),
            Map.entry(32, new Entry("EPIPE", "Broken pipe")),
            Map.entry(33, new Entry("EDOM", "Numerical argument out of domain")),
            Map.entry(34, new Entry("ERANGE", "Numerical result out of range")),
            Map.entry(35, new Entry("EDEADLK", "Resource deadlock avoided")),
            Map.entry(36, new Entry("ENAMETOOLONG", "File name too long")),
            Map.entry(37, new Entry("ENOLCK", "No locks available")),
            Map.entry(38, new Entry("ENOSYS", "Function not implemented")),
            Map.entry(39, new Entry("ENOTEMPTY", "Directory not empty")),
            Map.entry(40, new Entry("ELOOP", "Too many levels of symbolic links")),
            Map.entry(42, new Entry("ENOMSG", "No message of desired type")),
            Map.entry(43, new Entry("EIDRM", "Identifier removed")),
            Map.entry(44, new Entry("ECHRNG", "Channel number out of range")),
            Map.entry(45, new Entry("EL2NSYNC", "Level 2 not synchronized")),
            Map.entry(46, new Entry("EL3HLT", "Level 3 halted")),
            Map.entry(47, new Entry("EL3RST", "Level 3 reset")),
            Map.entry(48, new Entry("ELNRNG", "Link number out of range")),
            Map.entry(49, new Entry("EUNATCH", "Protocol driver not attached")),
            Map.entry(50, new Entry("ENOCSI", "No CSI structure available")),
            Map.entry(51, new Entry("EL2HLT", "Level 2 halted")),
            Map.entry(52, new Entry("EBADE", "Invalid exchange")),
            Map.entry(53, new Entry("EBADR", "Invalid request descriptor")),
            Map.entry(54, new Entry("EXFULL", "Exchange full")),
            Map.entry(55, new Entry("ENOANO", "No anode")),
            Map.entry(56, new Entry("EBADRQC", "Invalid request code")),
            Map.entry(57, new Entry("EBADSLT", "Invalid slot")),
            Map.entry(59, new Entry("EBFONT", "Bad font file format")),
            Map.entry(60, new Entry("ENOSTR", "Device not a stream")),
            Map.entry(61, new Entry("ENODATA", "No data available")),
            Map.entry(62, new Entry("ETIME", "Timer expired")),
            Map.entry(63, new Entry("ENOSR", "Out of streams resources")),
            Map.entry(64, new Entry("ENONET", "Machine is not on the network")),
            Map.entry(65, new Entry("ENOPKG", "Package not installed")),
            Map.entry(66, new Entry("EREMOTE", "Object is remote")),
            Map.entry(67, new Entry("ENOLINK", "Link has been severed")),
            Map.entry(68, new Entry("EADV", "Advertise error")),
            Map.entry(69, new Entry("ESRMNT", "Srmount error")),
            Map.entry(70, new Entry("ECOMM", "Communication error on send")),
            Map.entry(71, new Entry("EPROTO", "Protocol error")),
            Map.entry(72, new Entry("EMULTIHOP", "Multihop attempted")),
            Map.entry(73, new Entry("EDOTDOT", "RFS specific error")),
            Map.entry(74, new Entry("EBADMSG", "Bad message")),
            Map.entry(75, new Entry("EOVERFLOW", "Value too large for defined data type")),
            Map.entry(76, new Entry("ENOTUNIQ", "Name not unique on network")),
            Map.entry(77, new Entry("EBADFD", "File descriptor in bad state")),
            Map.entry(78, new Entry("EREMCHG", "Remote address changed")),
            Map.entry(79, new Entry("ELIBACC", "Can not access a needed shared library")),
            Map.entry(80, new Entry("ELIBBAD", "Accessing a corrupted shared library")),
            Map.entry(81, new Entry("ELIBSCN", ".lib section in a.out corrupted")),
            Map.entry(82, new Entry("ELIBMAX", "Attempting to link in too many shared libraries")),
            Map.entry(83, new Entry("ELIBEXEC", "Cannot exec a shared library directly")),
            Map.entry(84, new Entry("EILSEQ", "Invalid or incomplete multibyte or wide character")),
            Map.entry(85, new Entry("ERESTART", "Interrupted system call should be restarted")),
            Map.entry(86, new Entry("ESTRPIPE", "Streams pipe error")),
            Map.entry(87, new Entry("EUSERS", "Too many users")),
            Map.entry(88, new Entry("ENOTSOCK", "Socket operation on non-socket")),
            Map.entry(89, new Entry("EDESTADDRREQ", "Destination address required")),
            Map.entry(90, new Entry("EMSGSIZE", "Message too long")),
            Map.entry(91, new Entry("EPROTOTYPE", "Protocol wrong type for socket")),
            Map.entry(92, new Entry("ENOPROTOOPT", "Protocol not available")),
            Map.entry(93, new Entry("EPROTONOSUPPORT", "Protocol not supported")),
            Map.entry(94, new Entry("ESOCKTNOSUPPORT", "Socket type not supported")),
            Map.entry(95, new Entry("EOPNOTSUPP", "Operation not supported")),
            Map.entry(96, new Entry("EPFNOSUPPORT", "Protocol family not supported")),
            Map.entry(97, new Entry("EAFNOSUPPORT", "Address family not supported by protocol")),
            Map.entry(98, new Entry("EADDRINUSE", "Address already in use")),
            Map.entry(99, new Entry("EADDRNOTAVAIL", "Cannot assign requested address")),
            Map.entry(100, new Entry("ENETDOWN", "Network is down")),
            Map.entry(101, new Entry("ENETUNREACH", "Network is unreachable")),
            Map.entry(102, new Entry("ENETRESET", "Network dropped connection on reset")),
            Map.entry(103, new Entry("ECONNABORTED", "Software caused connection abort")),
            Map.entry(104, new Entry("ECONNRESET", "Connection reset by peer")),
            Map.entry(105, new Entry("ENOBUFS", "No buffer space available")),
            Map.entry(106, new Entry("EISCONN", "Transport endpoint is already connected")),
            Map.entry(107, new Entry("ENOTCONN", "Transport endpoint is not connected")),
            Map.entry(108, new Entry("ESHUTDOWN", "Cannot send after transport endpoint shutdown")),
            Map.entry(109, new Entry("ETOOMANYREFS", "Too many references: cannot splice")),
            Map.entry(110, new Entry("ETIMEDOUT", "Connection timed out")),
            Map.entry(111, new Entry("ECONNREFUSED", "Connection refused")),
            Map.entry(112, new Entry("EHOSTDOWN", "Host is down")),
            Map.entry(113, new Entry("EHOSTUNREACH", "No route to host")),
            Map.entry(114, new Entry("EALREADY", "Operation already in progress")),
            Map.entry(115, new Entry("EINPROGRESS", "Operation now in progress")),
            Map.entry(116, new Entry("ESTALE", "Stale file handle")),
            Map.entry(117, new Entry("EUCLEAN", "Structure needs cleaning")),
            Map.entry(118, new Entry("ENOTNAM", "Not a XENIX named type file")),
            Map.entry(119, new Entry("ENAVAIL", "No XENIX semaphores available")),
            Map.entry(120, new Entry("EISNAM", "Is a named type file")),
            Map.entry(121, new Entry("EREMOTEIO", "Remote I/O error")),
            Map.entry(122, new Entry("EDQUOT", "Disk quota exceeded")),
            Map.entry(123, new Entry("ENOMEDIUM", "No medium found")),
            Map.entry(124, new Entry("EMEDIUMTYPE", "Wrong medium type")),
            Map.entry(125, new Entry("ECANCELED", "Operation canceled")),
            Map.entry(126, new Entry("ENOKEY", "Required key not available")),
            Map.entry(127, new Entry("EKEYEXPIRED", "Key has expired")),
            Map.entry(128, new Entry("EKEYREVOKED", "Key has been revoked")),
            Map.entry(129, new Entry("EKEYREJECTED", "Key was rejected by service")),
            Map.entry(130, new Entry("EOWNERDEAD", "Owner died")),
            Map.entry(131, new Entry("ENOTRECOVERABLE", "State not recoverable")),
            Map.entry(132, new Entry("ERFKILL", "Operation not possible due to RF-kill")),
            Map.entry(133, new Entry("EHWPOISON", "Memory page has hardware error")),
            Map.entry(512, new Entry("ERESTARTSYS", "To be restarted if SA_RESTART is set")),
            Map.entry(513, new Entry("ERESTARTNOINTR", "To be restarted")),
            Map.entry(514, new Entry("ERESTARTNOHAND", "To be restarted if no handler")),
            Map.entry(515, new Entry("ENOIOCTLCMD", "No ioctl command")),
            Map.entry(516, new Entry("ERESTART_RESTARTBLOCK", "Interrupted by signal")),
            Map.entry(517, new Entry("EPROBE_DEFER", "Driver requests probe retry")),
            Map.entry(518, new Entry("EOPENSTALE", "An open with O_PATH raced with the file being removed")),
            Map.entry(519, new Entry("ENOPARAM", "No parameter")),
            Map.entry(521, new Entry("EBADHANDLE", "Illegal NFS file handle")),
            Map.entry(522, new Entry("ENOTSYNC", "Update synchronization mismatch")),
            Map.entry(523, new Entry("EBADCOOKIE", "Cookie is stale")),
            Map.entry(524, new Entry("ENOTSUPP", "Operation is not supported")),
            Map.entry(525, new Entry("ETOOSMALL", "Buffer or request is too small")),
            Map.entry(526, new Entry("ESERVERFAULT", "An untranslatable error occurred")),
            Map.entry(527, new Entry("EBADTYPE", "Type not supported by server")),
            Map.entry(528, new Entry("EJUKEBOX", "Request initiated, but will not complete before timeout")),
            Map.entry(529, new Entry("EIOCBQUEUED", "iocb queued, will get completion event")),
            Map.entry(530, new Entry("ERECALLCONFLICT", "Conflict with recalled state")));

    private Errno() {}

    /** The codes by which the kernel restarts a call a signal interrupted (strace prints {@code = ? ERESTARTSYS ...}). */
    public static boolean restarts(int errno) {
        return errno == 512 || errno == 513 || errno == 514 || errno == 516;
    }

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
