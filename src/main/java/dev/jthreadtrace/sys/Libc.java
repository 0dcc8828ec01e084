package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The libc functions the tool needs, bound through the FFM API (no JNI, no helper library).
 *
 * <p>Modelled on jextract's output: one {@code MethodHandle} per C function with its descriptor,
 * called with {@code invokeExact}, the C prototype quoted above the Java method. Functions that
 * report failure through {@code errno} are linked with {@code captureCallState("errno")} so the
 * value is read right after the call, before the JVM can overwrite it; each wrapper checks the
 * return value and throws {@link ErrnoException} with that errno.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_FIELD =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** One capture buffer per calling thread, so errno of one thread never leaks into another's. */
    private static final ThreadLocal<MemorySegment> CALL_STATE_BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    private Libc() {}

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static MemorySegment callState() {
        return CALL_STATE_BUFFER.get();
    }

    private static int lastErrno(MemorySegment state) {
        return (int) ERRNO_FIELD.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    // ---- ptrace -------------------------------------------------------------------------------

    private static final MethodHandle PTRACE = bind("ptrace",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);

    /**
     * {@code long ptrace(enum __ptrace_request request, pid_t pid, void *addr, void *data);}
     * (variadic in glibc). Returns the result; for the PEEK requests glibc sets errno to 0 on
     * success, so a -1 word is told apart from a failure by the captured errno.
     */
    public static long ptrace(int request, int pid, long addr, long data) {
        MemorySegment state = callState();
        long result;
        try {
            result = (long) PTRACE.invokeExact(state, request, pid, addr, data);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (result == -1) {
            int errno = lastErrno(state);
            if (errno != 0) throw new ErrnoException("ptrace(" + request + ", " + pid + ")", errno);
        }
        return result;
    }

    // ---- wait ---------------------------------------------------------------------------------

    private static final MethodHandle WAITPID = bind("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);

    /**
     * {@code pid_t waitpid(pid_t pid, int *wstatus, int options);} Returns the pid, 0 for
     * {@code WNOHANG} with nothing pending, or -1 with {@code ECHILD} when there is no child
     * left (returned, not thrown: it is how the trace ends). EINTR is retried.
     */
    public static int waitpid(int pid, MemorySegment status, int options) {
        MemorySegment state = callState();
        while (true) {
            int result;
            try {
                result = (int) WAITPID.invokeExact(state, pid, status, options);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (result >= 0) return result;
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

    private static final MethodHandle POSIX_SPAWNP = bind("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FILE_ACTIONS_INIT = bind("posix_spawn_file_actions_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FILE_ACTIONS_DESTROY = bind("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FILE_ACTIONS_ADDDUP2 = bind("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FILE_ACTIONS_ADDCLOSEFROM = bind("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SPAWNATTR_INIT = bind("posix_spawnattr_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SPAWNATTR_DESTROY = bind("posix_spawnattr_destroy",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SPAWNATTR_SETFLAGS = bind("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle SPAWNATTR_SETSIGMASK = bind("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SPAWNATTR_SETSIGDEFAULT = bind("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = bind("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SIGFILLSET = bind("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /**
     * Calls one of the posix_spawn family, which return the error number instead of setting errno.
     * These run once per trace, so the generic {@code invokeWithArguments} is fine here.
     */
    private static void spawnCall(String name, MethodHandle function, Object... args) {
        int result;
        try {
            result = (int) function.invokeWithArguments(args);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (result != 0) throw new ErrnoException(name, result);
    }

    /** {@code int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);} */
    public static void posixSpawnp(MemorySegment pid, MemorySegment file, MemorySegment fileActions,
                                   MemorySegment attr, MemorySegment argv, MemorySegment envp) {
        spawnCall("posix_spawnp", POSIX_SPAWNP, pid, file, fileActions, attr, argv, envp);
    }

    /** {@code int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);} */
    public static void fileActionsInit(MemorySegment fa) {
        spawnCall("posix_spawn_file_actions_init", FILE_ACTIONS_INIT, fa);
    }

    /** {@code int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);} */
    public static void fileActionsDestroy(MemorySegment fa) {
        spawnCall("posix_spawn_file_actions_destroy", FILE_ACTIONS_DESTROY, fa);
    }

    /** {@code int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);} */
    public static void fileActionsAddDup2(MemorySegment fa, int fd, int newFd) {
        spawnCall("posix_spawn_file_actions_adddup2", FILE_ACTIONS_ADDDUP2, fa, fd, newFd);
    }

    /** {@code int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);} (glibc 2.34+) */
    public static void fileActionsAddCloseFrom(MemorySegment fa, int from) {
        spawnCall("posix_spawn_file_actions_addclosefrom_np", FILE_ACTIONS_ADDCLOSEFROM, fa, from);
    }

    /** {@code int posix_spawnattr_init(posix_spawnattr_t *attr);} */
    public static void spawnAttrInit(MemorySegment attr) {
        spawnCall("posix_spawnattr_init", SPAWNATTR_INIT, attr);
    }

    /** {@code int posix_spawnattr_destroy(posix_spawnattr_t *attr);} */
    public static void spawnAttrDestroy(MemorySegment attr) {
        spawnCall("posix_spawnattr_destroy", SPAWNATTR_DESTROY, attr);
    }

    /** {@code int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);} */
    public static void spawnAttrSetFlags(MemorySegment attr, short flags) {
        spawnCall("posix_spawnattr_setflags", SPAWNATTR_SETFLAGS, attr, flags);
    }

    /** {@code int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *sigmask);} */
    public static void spawnAttrSetSigMask(MemorySegment attr, MemorySegment sigset) {
        spawnCall("posix_spawnattr_setsigmask", SPAWNATTR_SETSIGMASK, attr, sigset);
    }

    /** {@code int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *sigdefault);} */
    public static void spawnAttrSetSigDefault(MemorySegment attr, MemorySegment sigset) {
        spawnCall("posix_spawnattr_setsigdefault", SPAWNATTR_SETSIGDEFAULT, attr, sigset);
    }

    /** {@code int sigemptyset(sigset_t *set);} */
    public static void sigEmptySet(MemorySegment set) {
        spawnCall("sigemptyset", SIGEMPTYSET, set);
    }

    /** {@code int sigfillset(sigset_t *set);} */
    public static void sigFillSet(MemorySegment set) {
        spawnCall("sigfillset", SIGFILLSET, set);
    }

    // ---- file descriptors ---------------------------------------------------------------------

    public static final int O_CLOEXEC = 0x80000;

    private static final MethodHandle PIPE2 = bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle ISATTY = bind("isatty", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READLINK = bind("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);

    /** {@code int pipe2(int pipefd[2], int flags);} Returns {read end, write end}. */
    public static int[] pipe2(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            MemorySegment state = callState();
            int result = (int) PIPE2.invokeExact(state, fds, flags);
            if (result != 0) throw new ErrnoException("pipe2", lastErrno(state));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int close(int fd);} */
    public static void close(int fd) {
        MemorySegment state = callState();
        int result;
        try {
            result = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (result != 0) throw new ErrnoException("close", lastErrno(state));
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count);} */
    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment state = callState();
        long result;
        try {
            result = (long) WRITE.invokeExact(state, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (result < 0) throw new ErrnoException("write", lastErrno(state));
        return result;
    }

    /** {@code int isatty(int fd);} */
    public static boolean isatty(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final long TIOCGWINSZ = 0x5413;

    /**
     * {@code int ioctl(int fd, unsigned long request, ...);} with TIOCGWINSZ: the terminal's
     * columns ({@code struct winsize.ws_col}), or 0 when {@code fd} is not a terminal.
     */
    public static int terminalColumns(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment winsize = arena.allocate(8);
            int result = (int) IOCTL.invokeExact(fd, TIOCGWINSZ, winsize);
            return result == 0 ? Short.toUnsignedInt(winsize.get(JAVA_SHORT, 2)) : 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code ssize_t readlink(const char *pathname, char *buf, size_t bufsiz);} Returns the
     * target, or null when the link cannot be read (the task or fd is gone).
     */
    public static String readlink(MemorySegment path, MemorySegment buffer) {
        MemorySegment state = callState();
        long n;
        try {
            n = (long) READLINK.invokeExact(state, path, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (n < 0) return null;
        return new String(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---- processes and signals ----------------------------------------------------------------

    private static final MethodHandle KILL = bind("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETPID = bind("getpid", FunctionDescriptor.of(JAVA_INT));

    /** {@code int kill(pid_t pid, int sig);} Returns false when the process is already gone. */
    public static boolean kill(int pid, int signal) {
        MemorySegment state = callState();
        int result;
        try {
            result = (int) KILL.invokeExact(state, pid, signal);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (result == 0) return true;
        int errno = lastErrno(state);
        if (errno == Errno.ESRCH) return false;
        throw new ErrnoException("kill", errno);
    }

    /** {@code pid_t getpid(void);} */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final MethodHandle GETPGRP = bind("getpgrp", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle TCGETPGRP = bind("tcgetpgrp", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** {@code pid_t getpgrp(void);} */
    public static int getpgrp() {
        try {
            return (int) GETPGRP.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pid_t tcgetpgrp(int fd);} The foreground process group of the terminal on fd, or -1 (no terminal). */
    public static int tcgetpgrp(int fd) {
        try {
            return (int) TCGETPGRP.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bound on first use: only a trace written to a pipe needs it. */
    private static final class Poll {
        static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final short POLLERR = 0x8, POLLHUP = 0x10;
    }

    /**
     * Whether {@code fd} is in an error state right now ({@code poll} with no wait): for the write
     * end of a pipe, that its reader went away.
     */
    public static boolean pollError(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(8, 4); // struct pollfd { int fd; short events; short revents; }
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) 0);
            int n = (int) Poll.POLL.invokeExact(pollfd, 1L, 0);
            short revents = pollfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6);
            return n > 0 && (revents & (Poll.POLLERR | Poll.POLLHUP)) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact);}
     * bound with {@code write}'s descriptor ({@code long (int, void*, long)}): {@code oldact} is
     * passed as a long 0 (NULL fills the whole register) and only the low 32 bits of the result are
     * read. One signature more would cost its own downcall stub, ~30 ms of every start-up.
     */
    private static final MethodHandle SIGACTION = bind("sigaction", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
            CAPTURE_ERRNO);
    /** {@code struct sigaction} on x86-64 glibc: handler, 128-byte mask, flags, restorer. */
    private static final long SIGACTION_SIZE = 152;
    private static final long SIG_IGN = 1;

    /**
     * This process ignores {@code signal}. For SIGQUIT, whose JVM handler (a thread dump on our
     * stdout) cannot be replaced from Java; a child started with POSIX_SPAWN_SETSIGDEF still gets
     * the default disposition.
     */
    public static void ignoreSignal(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = arena.allocate(SIGACTION_SIZE, 8); // zeroed: empty mask, no flags
            action.set(JAVA_LONG, 0, SIG_IGN);
            MemorySegment state = callState();
            int result = (int) (long) SIGACTION.invokeExact(state, signal, action, 0L);
            if (result != 0) throw new ErrnoException("sigaction", lastErrno(state));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- memory of another process ------------------------------------------------------------

    private static final MethodHandle PROCESS_VM_READV = bind("process_vm_readv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO);

    /**
     * {@code ssize_t process_vm_readv(pid_t pid, const struct iovec *local_iov, unsigned long liovcnt,
     * const struct iovec *remote_iov, unsigned long riovcnt, unsigned long flags);}
     * Returns bytes read, or -errno (not thrown: callers fall back to PTRACE_PEEKDATA).
     */
    public static long processVmReadv(int pid, MemorySegment localIov, MemorySegment remoteIov) {
        MemorySegment state = callState();
        long result;
        try {
            result = (long) PROCESS_VM_READV.invokeExact(state, pid, localIov, 1L, remoteIov, 1L, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return result >= 0 ? result : -lastErrno(state);
    }
}
