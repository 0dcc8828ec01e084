package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The libc functions the tool needs, bound through the FFM API (no JNI, no helper library).
 *
 * <p>One downcall stub for everything, because each distinct function signature (with its linker
 * options) costs the JVM a stub spun at run time (~5 ms each on a quiet machine, far more at
 * start when the FFM code itself still runs interpreted; none kept by the AOT cache; 17 of them
 * were a third of the tool's start-up). Every call that is a system call goes through glibc's
 * variadic {@code long syscall(long number, ...)} with its number from the x86-64 table (the tool
 * is x86-64 only); the posix_spawn family, which are library functions, are bound with that same
 * descriptor and options, so the linker hands back the stub it made for {@code syscall} with
 * another address: on x86-64 every integer and pointer argument travels in a register of its own,
 * a callee ignores the registers it does not declare (and {@code %al}, which a variadic call
 * sets), and an {@code int} result is the low half of {@code %rax}. Errors: {@code syscall} returns -1
 * and sets errno, read through {@code captureCallState("errno")} right after the call, before the
 * JVM can overwrite it; each wrapper throws {@link ErrnoException} with it.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_FIELD =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));


    /** {@code long syscall(long number, ...);} with six arguments; the posix_spawn family shares it. */
    private static final FunctionDescriptor SYSCALL_DESCRIPTOR =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final Linker.Option[] SYSCALL_OPTIONS = {Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno")};
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(symbol("syscall"), SYSCALL_DESCRIPTOR, SYSCALL_OPTIONS);

    /** x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
    static final long SYS_WRITE = 1, SYS_CLOSE = 3, SYS_POLL = 7, SYS_RT_SIGACTION = 13, SYS_IOCTL = 16, SYS_DUP2 = 33,
            SYS_GETPID = 39, SYS_WAIT4 = 61, SYS_KILL = 62, SYS_READLINK = 89, SYS_PTRACE = 101, SYS_PIPE2 = 293,
            SYS_FCNTL = 72, SYS_OPENAT = 257,
            SYS_PROCESS_VM_READV = 310, SYS_PROCESS_VM_WRITEV = 311;

    private Libc() {}

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    static MemorySegment callState() {
        return CallBuffers.current().state;
    }

    static int lastErrno(MemorySegment state) {
        return (int) ERRNO_FIELD.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** A raw system call: its result, or -1 with errno in {@code state}. */
    static long syscall(MemorySegment state, long number, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) SYSCALL.invokeExact(state, number, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A raw system call that throws {@link ErrnoException} (named {@code name}) on failure. */
    static long checked(String name, long number, long a, long b, long c, long d) {
        return checkedSix(name, number, a, b, c, d, 0);
    }

    /** {@link #checked} with a fifth argument. */
    static long checkedSix(String name, long number, long a, long b, long c, long d, long e) {
        MemorySegment state = callState();
        long result = syscall(state, number, a, b, c, d, e, 0);
        if (result == -1) throw new ErrnoException(name, lastErrno(state));
        return result;
    }

    // ---- ptrace -------------------------------------------------------------------------------

    private static final int PTRACE_PEEKTEXT = 1, PTRACE_PEEKUSER = 3;

    /**
     * {@code long ptrace(enum __ptrace_request request, pid_t pid, void *addr, void *data);} as
     * the system call. The PEEK requests store the word at {@code data} in their raw form (glibc's
     * wrapper hides that): here a per-thread word is passed, and its value returned.
     */
    public static long ptrace(int request, int pid, long addr, long data) {
        CallBuffers buffers = CallBuffers.current();
        MemorySegment state = buffers.state;
        boolean peek = request >= PTRACE_PEEKTEXT && request <= PTRACE_PEEKUSER;
        MemorySegment word = buffers.word;
        long result = syscall(state, SYS_PTRACE, request, pid, addr, peek ? word.address() : data, 0, 0);
        if (result == -1) throw new ErrnoException("ptrace(" + request + ", " + pid + ")", lastErrno(state));
        return peek ? word.get(JAVA_LONG, 0) : result;
    }

    // ---- wait ---------------------------------------------------------------------------------

    /**
     * waitpid's options: return at once when nothing changed; wait for every child, clone or not;
     * only for the children and tracees of the calling thread, not those of the process's other threads.
     */
    public static final int WNOHANG = 1, WALL = 0x40000000, WNOTHREAD = 0x20000000;

    /**
     * {@code pid_t waitpid(pid_t pid, int *wstatus, int options);} (the wait4 system call).
     * Returns the pid, 0 for {@code WNOHANG} with nothing pending, or -1 with {@code ECHILD} when
     * there is no child left (returned, not thrown: it is how the trace ends). EINTR is retried.
     */
    public static int waitpid(int pid, MemorySegment status, int options) {
        MemorySegment state = callState();
        while (true) {
            long result = syscall(state, SYS_WAIT4, pid, status.address(), options, 0, 0, 0);
            if (result >= 0) return (int) result;
            int errno = lastErrno(state);
            if (errno == Errno.EINTR) continue;
            if (errno == Errno.ECHILD) return -1;
            throw new ErrnoException("waitpid", errno);
        }
    }

    // ---- posix_spawn --------------------------------------------------------------------------

    /** Opaque glibc types; allocated larger than glibc's sizes (80 and 336 bytes) to be safe. */
    public static final long POSIX_SPAWN_FILE_ACTIONS_SIZE = 256, POSIX_SPAWNATTR_SIZE = 512, SIGSET_SIZE = 128;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;

    /**
     * The posix_spawn family, each bound with {@code syscall}'s descriptor and options (its stub:
     * see the class comment): pointers are passed as addresses, int and short values as longs,
     * unused arguments as 0, the int result read from the low half. Bound on first use: only run
     * and attach start processes.
     */
    private static final class Spawn {
        static final MethodHandle POSIX_SPAWNP = bind("posix_spawnp");
        static final MethodHandle FILE_ACTIONS_INIT = bind("posix_spawn_file_actions_init");
        static final MethodHandle FILE_ACTIONS_DESTROY = bind("posix_spawn_file_actions_destroy");
        static final MethodHandle FILE_ACTIONS_ADDDUP2 = bind("posix_spawn_file_actions_adddup2");
        static final MethodHandle FILE_ACTIONS_ADDCLOSEFROM = bind("posix_spawn_file_actions_addclosefrom_np");
        static final MethodHandle SPAWNATTR_INIT = bind("posix_spawnattr_init");
        static final MethodHandle SPAWNATTR_DESTROY = bind("posix_spawnattr_destroy");
        static final MethodHandle SPAWNATTR_SETFLAGS = bind("posix_spawnattr_setflags");
        static final MethodHandle SPAWNATTR_SETSIGMASK = bind("posix_spawnattr_setsigmask");
        static final MethodHandle SPAWNATTR_SETSIGDEFAULT = bind("posix_spawnattr_setsigdefault");
        static final MethodHandle SIGEMPTYSET = bind("sigemptyset");
        static final MethodHandle SIGFILLSET = bind("sigfillset");

        private static MethodHandle bind(String name) {
            return LINKER.downcallHandle(symbol(name), SYSCALL_DESCRIPTOR, SYSCALL_OPTIONS);
        }
    }

    /** Calls one of the posix_spawn family, which return the error number instead of setting errno. */
    private static void spawnCall(String name, MethodHandle function, long a, long b, long c, long d, long e, long f) {
        long raw;
        try {
            raw = (long) function.invokeExact(callState(), a, b, c, d, e, f, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        int result = (int) raw;
        if (result != 0) throw new ErrnoException(name, result);
    }

    /** {@code int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);} */
    public static void posixSpawnp(MemorySegment pid, MemorySegment file, MemorySegment fileActions,
                                   MemorySegment attr, MemorySegment argv, MemorySegment envp) {
        spawnCall("posix_spawnp", Spawn.POSIX_SPAWNP, pid.address(), file.address(), fileActions.address(), attr.address(),
                argv.address(), envp.address());
    }

    /** {@code int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);} */
    public static void fileActionsInit(MemorySegment fa) {
        spawnCall("posix_spawn_file_actions_init", Spawn.FILE_ACTIONS_INIT, fa.address(), 0, 0, 0, 0, 0);
    }

    /** {@code int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);} */
    public static void fileActionsDestroy(MemorySegment fa) {
        spawnCall("posix_spawn_file_actions_destroy", Spawn.FILE_ACTIONS_DESTROY, fa.address(), 0, 0, 0, 0, 0);
    }

    /** {@code int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);} */
    public static void fileActionsAddDup2(MemorySegment fa, int fd, int newFd) {
        spawnCall("posix_spawn_file_actions_adddup2", Spawn.FILE_ACTIONS_ADDDUP2, fa.address(), fd, newFd, 0, 0, 0);
    }

    /** {@code int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);} (glibc 2.34+) */
    public static void fileActionsAddCloseFrom(MemorySegment fa, int from) {
        spawnCall("posix_spawn_file_actions_addclosefrom_np", Spawn.FILE_ACTIONS_ADDCLOSEFROM, fa.address(), from, 0, 0, 0, 0);
    }

    /** {@code int posix_spawnattr_init(posix_spawnattr_t *attr);} */
    public static void spawnAttrInit(MemorySegment attr) {
        spawnCall("posix_spawnattr_init", Spawn.SPAWNATTR_INIT, attr.address(), 0, 0, 0, 0, 0);
    }

    /** {@code int posix_spawnattr_destroy(posix_spawnattr_t *attr);} */
    public static void spawnAttrDestroy(MemorySegment attr) {
        spawnCall("posix_spawnattr_destroy", Spawn.SPAWNATTR_DESTROY, attr.address(), 0, 0, 0, 0, 0);
    }

    /** {@code int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);} */
    public static void spawnAttrSetFlags(MemorySegment attr, short flags) {
        spawnCall("posix_spawnattr_setflags", Spawn.SPAWNATTR_SETFLAGS, attr.address(), Short.toUnsignedLong(flags), 0, 0, 0, 0);
    }

    /** {@code int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *sigmask);} */
    public static void spawnAttrSetSigMask(MemorySegment attr, MemorySegment sigset) {
        spawnCall("posix_spawnattr_setsigmask", Spawn.SPAWNATTR_SETSIGMASK, attr.address(), sigset.address(), 0, 0, 0, 0);
    }

    /** {@code int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *sigdefault);} */
    public static void spawnAttrSetSigDefault(MemorySegment attr, MemorySegment sigset) {
        spawnCall("posix_spawnattr_setsigdefault", Spawn.SPAWNATTR_SETSIGDEFAULT, attr.address(), sigset.address(), 0, 0, 0, 0);
    }

    /** {@code int sigemptyset(sigset_t *set);} */
    public static void sigEmptySet(MemorySegment set) {
        spawnCall("sigemptyset", Spawn.SIGEMPTYSET, set.address(), 0, 0, 0, 0, 0);
    }

    /** {@code int sigfillset(sigset_t *set);} */
    public static void sigFillSet(MemorySegment set) {
        spawnCall("sigfillset", Spawn.SIGFILLSET, set.address(), 0, 0, 0, 0, 0);
    }

    // ---- file descriptors ---------------------------------------------------------------------

    public static final int O_CLOEXEC = 0x80000;

    /** {@code int pipe2(int pipefd[2], int flags);} Returns {read end, write end}. */
    public static int[] pipe2(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            checked("pipe2", SYS_PIPE2, fds.address(), flags, 0, 0);
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    static final int AT_FDCWD = -100;
    private static final int O_WRONLY = 1, O_NONBLOCK = 0x800, F_GETFL = 3, F_SETFL = 4;

    /**
     * {@code openat(AT_FDCWD, path, O_WRONLY|O_NONBLOCK|O_CLOEXEC)}, then O_NONBLOCK cleared again:
     * a FIFO opened so fails at once with ENXIO when no process reads it (a plain open would wait
     * for one forever), and once open, writes to it block as usual. Throws {@link ErrnoException}.
     */
    public static int openForWritingWithoutWaiting(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(path);
            int fd = (int) checked("open", SYS_OPENAT, AT_FDCWD, name.address(), O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
            try {
                long flags = checked("fcntl", SYS_FCNTL, fd, F_GETFL, 0, 0);
                checked("fcntl", SYS_FCNTL, fd, F_SETFL, flags & ~O_NONBLOCK, 0);
                return fd;
            } catch (ErrnoException e) {
                close(fd);
                throw e;
            }
        }
    }

    /** {@code int close(int fd);} */
    public static void close(int fd) {
        checked("close", SYS_CLOSE, fd, 0, 0, 0);
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count);} */
    public static long write(int fd, MemorySegment buf, long count) {
        return checked("write", SYS_WRITE, fd, buf.address(), count, 0);
    }

    private static final long TCGETS = 0x5401, TIOCGWINSZ = 0x5413;
    /** {@code struct termios} as the kernel's TCGETS fills it (60 bytes; room to spare). */
    private static final long TERMIOS_SIZE = 64;

    /** {@code int isatty(int fd);}: glibc's own test, TCGETS succeeding. */
    public static boolean isatty(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment termios = arena.allocate(TERMIOS_SIZE, 8);
            return syscall(callState(), SYS_IOCTL, fd, TCGETS, termios.address(), 0, 0, 0) == 0;
        }
    }

    /**
     * {@code int ioctl(int fd, unsigned long request, ...);} with TIOCGWINSZ: the terminal's
     * columns ({@code struct winsize.ws_col}), or 0 when {@code fd} is not a terminal.
     */
    public static int terminalColumns(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment winsize = arena.allocate(8);
            long result = syscall(callState(), SYS_IOCTL, fd, TIOCGWINSZ, winsize.address(), 0, 0, 0);
            return result == 0 ? Short.toUnsignedInt(winsize.get(JAVA_SHORT, 2)) : 0;
        }
    }

    /**
     * {@code ssize_t readlink(const char *pathname, char *buf, size_t bufsiz);} Returns the
     * target's bytes (a path is bytes, not UTF-8), or null when the link cannot be read (the task
     * or fd is gone).
     */
    public static byte[] readlink(MemorySegment path, MemorySegment buffer) {
        long n = syscall(callState(), SYS_READLINK, path.address(), buffer.address(), buffer.byteSize(), 0, 0, 0);
        if (n < 0) return null;
        return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    // ---- processes and signals ----------------------------------------------------------------

    /** {@code int kill(pid_t pid, int sig);} Returns false when the process is already gone. */
    public static boolean kill(int pid, int signal) {
        MemorySegment state = callState();
        if (syscall(state, SYS_KILL, pid, signal, 0, 0, 0, 0) == 0) return true;
        int errno = lastErrno(state);
        if (errno == Errno.ESRCH) return false;
        throw new ErrnoException("kill", errno);
    }

    /** {@code pid_t getpid(void);} */
    public static int getpid() {
        return (int) syscall(callState(), SYS_GETPID, 0, 0, 0, 0, 0, 0);
    }

    private static final long SYS_KCMP = 312, KCMP_VM = 1;

    /**
     * {@code kcmp(pid1, pid2, KCMP_VM, 0, 0)}: whether the two processes run in one address space (0),
     * else the kernel's order of the two (1: less, 2: greater; kept from call to call, so processes can
     * be sorted by it). Throws {@link ErrnoException} when refused (ENOSYS without CONFIG_KCMP, EPERM).
     */
    public static int kcmpVm(int pid1, int pid2) {
        return (int) checked("kcmp(" + pid1 + ", " + pid2 + ", KCMP_VM)", SYS_KCMP, pid1, pid2, KCMP_VM, 0);
    }

    private static final short POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10;

    /**
     * Waits up to {@code millis} until {@code fd} takes a write, or is in an error state (whose
     * write then says which): for a descriptor someone else made non-blocking.
     */
    public static void awaitWritable(int fd, int millis) {
        poll(fd, POLLOUT, millis);
    }

    /**
     * Whether {@code fd} is in an error state right now ({@code poll} with no wait): for the write
     * end of a pipe, that its reader went away.
     */
    public static boolean pollError(int fd) {
        return (poll(fd, (short) 0, 0) & (POLLERR | POLLHUP)) != 0;
    }

    /** {@code poll} of one descriptor for {@code events}: its revents, 0 when none came within {@code millis}. */
    private static short poll(int fd, short events, int millis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(8, 4); // struct pollfd { int fd; short events; short revents; }
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, events);
            long n = syscall(callState(), SYS_POLL, pollfd.address(), 1, millis, 0, 0, 0);
            return n > 0 ? pollfd.get(JAVA_SHORT, 6) : 0;
        }
    }

    /** The kernel's {@code struct sigaction} on x86-64: handler, flags, restorer, 8-byte mask. */
    private static final long KERNEL_SIGACTION_SIZE = 32, KERNEL_SIGSET_SIZE = 8;
    private static final long SIG_IGN = 1;

    /**
     * This process ignores {@code signal} ({@code rt_sigaction} with SIG_IGN). For SIGQUIT, whose
     * JVM handler (a thread dump on our stdout) cannot be replaced from Java; a child started with
     * POSIX_SPAWN_SETSIGDEF still gets the default disposition.
     */
    public static void ignoreSignal(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = arena.allocate(KERNEL_SIGACTION_SIZE, 8); // zeroed: no flags, empty mask
            action.set(JAVA_LONG, 0, SIG_IGN);
            checked("sigaction", SYS_RT_SIGACTION, signal, action.address(), 0, KERNEL_SIGSET_SIZE);
        }
    }

    // ---- memory of another process ------------------------------------------------------------

    /**
     * {@code ssize_t process_vm_readv(pid_t pid, const struct iovec *local_iov, unsigned long liovcnt,
     * const struct iovec *remote_iov, unsigned long riovcnt, unsigned long flags);}
     * Returns bytes read, or -errno (not thrown: callers fall back to PTRACE_PEEKDATA).
     */
    public static long processVmReadv(int pid, MemorySegment localIov, MemorySegment remoteIov) {
        MemorySegment state = callState();
        long result = syscall(state, SYS_PROCESS_VM_READV, pid, localIov.address(), 1, remoteIov.address(), 1, 0);
        return result >= 0 ? result : -lastErrno(state);
    }

    /**
     * {@code ssize_t process_vm_writev(pid_t pid, const struct iovec *local_iov, unsigned long liovcnt,
     * const struct iovec *remote_iov, unsigned long riovcnt, unsigned long flags);}
     * Returns bytes written, or -errno (not thrown: callers fall back to PTRACE_POKEDATA).
     */
    public static long processVmWritev(int pid, MemorySegment localIov, MemorySegment remoteIov) {
        MemorySegment state = callState();
        long result = syscall(state, SYS_PROCESS_VM_WRITEV, pid, localIov.address(), 1, remoteIov.address(), 1, 0);
        return result >= 0 ? result : -lastErrno(state);
    }
}
