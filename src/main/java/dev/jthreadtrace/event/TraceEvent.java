package dev.jthreadtrace.event;

import dev.jthreadtrace.decode.Captures;

import java.util.ArrayList;
import java.util.List;

/**
 * What the tracer saw, in the order it saw it: the records that cross the bounded queue from the
 * ptrace thread to the consumer. Plain values (times are {@code System.nanoTime()}), no text: all
 * decoding and formatting happens on the consumer side.
 */
public sealed interface TraceEvent {
    /** Monotonic time of the event in nanoseconds. */
    long ns();

    /** The target was exec'd by the start gate: time zero of the trace. */
    record TargetStarted(long ns, int pid, int tracerPid, String path, List<String> argv) implements TraceEvent {}

    /**
     * The tracer attached to running processes ({@code jthreadtrace attach}): time zero of the trace.
     * {@code pid} is the first process named, {@code path} and {@code argv} its executable and
     * command line; {@code tasks} every thread that existed at attach, with its settings then.
     */
    record Attached(long ns, int pid, int tracerPid, String path, List<String> argv, List<ExistingTask> tasks)
            implements TraceEvent {
        public Attached {
            argv = List.copyOf(argv);
            tasks = List.copyOf(tasks);
        }

        public Attached withTasks(List<ExistingTask> tasks) {
            return new Attached(ns, pid, tracerPid, path, argv, tasks);
        }
    }

    /**
     * A thread that was running before the tracer attached: its creator is unknown; its name and
     * settings are what {@code /proc/TID/comm} and {@code /proc/TID/status} said at attach.
     *
     * @param ppid     the kernel parent of its process (PPid)
     * @param sigmask  blocked signals (SigBlk)
     * @param affinity CPU list (Cpus_allowed_list)
     * @param seccomp  filters installed (Seccomp_filters; 1 for filter mode on kernels without it)
     * @param nsTid    its id in its own PID namespace (NSpid's last), when that is not the tool's; else 0
     * @param inCall   the call it was blocked in when seized, before the attach's interrupt (which
     *                 turns a timed wait into a restart_syscall that does not say which call it
     *                 continues), with its futex word; null when it was in none or it was not read
     * @param shared   its process's shared mappings as /proc/PID/maps listed them at the attach (on
     *                 the process's main thread only; empty on the others, and when none was read)
     * @param runtime  a process leader's: the runtime of the program it runs, as its ELF file says
     *                 ({@link Exec#GO}); null for any other, or not looked at
     * @param memoryOf a process leader's: the attached process whose address space it runs in (a
     *                 CLONE_VM child of it, by kcmp KCMP_VM); 0 for its own, on other threads, or not known
     */
    record ExistingTask(int tid, int tgid, int ppid, String name, long sigmask, String affinity, int seccomp,
                        boolean noNewPrivs, int nsTid, LookedTask inCall, List<SharedMapping> shared, String runtime,
                        int memoryOf) {
        public ExistingTask {
            shared = List.copyOf(shared);
        }

        public ExistingTask(int tid, int tgid, int ppid, String name, long sigmask, String affinity, int seccomp,
                            boolean noNewPrivs, int nsTid, LookedTask inCall, List<SharedMapping> shared, String runtime) {
            this(tid, tgid, ppid, name, sigmask, affinity, seccomp, noNewPrivs, nsTid, inCall, shared, runtime, 0);
        }

        public ExistingTask(int tid, int tgid, int ppid, String name, long sigmask, String affinity, int seccomp,
                            boolean noNewPrivs, int nsTid, LookedTask inCall, List<SharedMapping> shared) {
            this(tid, tgid, ppid, name, sigmask, affinity, seccomp, noNewPrivs, nsTid, inCall, shared, null);
        }

        /** The same task, its process running in process {@code pid}'s address space (0: its own). */
        public ExistingTask withMemoryOf(int pid) {
            return new ExistingTask(tid, tgid, ppid, name, sigmask, affinity, seccomp, noNewPrivs, nsTid, inCall, shared, runtime, pid);
        }

        public ExistingTask(int tid, int tgid, int ppid, String name, long sigmask, String affinity, int seccomp,
                            boolean noNewPrivs, int nsTid, LookedTask inCall) {
            this(tid, tgid, ppid, name, sigmask, affinity, seccomp, noNewPrivs, nsTid, inCall, List.of());
        }

        public ExistingTask withRuntime(String runtime) {
            return new ExistingTask(tid, tgid, ppid, name, sigmask, affinity, seccomp, noNewPrivs, nsTid, inCall, shared, runtime, memoryOf);
        }

        public ExistingTask(int tid, int tgid, int ppid, String name, long sigmask, String affinity, int seccomp,
                            boolean noNewPrivs, int nsTid) {
            this(tid, tgid, ppid, name, sigmask, affinity, seccomp, noNewPrivs, nsTid, null);
        }

        public ExistingTask(int tid, int tgid, int ppid, String name, long sigmask, String affinity, int seccomp,
                            boolean noNewPrivs) {
            this(tid, tgid, ppid, name, sigmask, affinity, seccomp, noNewPrivs, 0);
        }
    }

    /**
     * A MAP_SHARED mapping that existed at an attach ({@code /proc/PID/maps}, perms with {@code s}):
     * {@code [start, end)} maps the object {@code device:inode} (a file, or the shmem object of an
     * anonymous shared mapping or a memfd) from byte {@code offset}. The device and inode say which
     * object it is, as the kernel keys a shared futex, where a path would not.
     */
    record SharedMapping(long start, long end, long offset, long device, long inode) {}

    /**
     * A syscall finished (or, for {@code exit}/{@code exit_group}, began and will never return).
     * {@code ret} is the raw return value; an error is {@code -errno} with {@code error} set.
     * {@code cut}: the call did not return because its task ended inside it (torn down by an
     * exit_group, killed) or was detached from inside it; {@code exitNs} is then that moment.
     * When nothing prints or counts calls, a call whose exit the model does not read is taken as
     * finished at its entry ({@code decode.ExitNeed}): {@code finishedAtEntry}, {@code exitNs == ns},
     * {@code ret} 0 and not its result (a futex wake's count is then unknown); a spawn at its
     * clone/fork event, {@code ret} the child.
     */
    record Syscall(long ns, long exitNs, int tid, int nr, long[] args, long ret, boolean error, boolean returned,
                   Captures captures, Cut cut, boolean finishedAtEntry) implements TraceEvent {
        public Syscall {
            if (cut == null) cut = Cut.NONE;
        }

        /** A call that returned, or exit/exit_group (which never do). */
        public Syscall(long ns, long exitNs, int tid, int nr, long[] args, long ret, boolean error, boolean returned,
                       Captures captures) {
            this(ns, exitNs, tid, nr, args, ret, error, returned, captures, Cut.NONE, false);
        }

        /** A call that returned, was cut {@code cut}, or never returns. */
        public Syscall(long ns, long exitNs, int tid, int nr, long[] args, long ret, boolean error, boolean returned,
                       Captures captures, Cut cut) {
            this(ns, exitNs, tid, nr, args, ret, error, returned, captures, cut, false);
        }

        /** A call taken as made at its entry ({@code ns}), its exit not waited for: its result is not known. */
        public static Syscall atEntry(long ns, int tid, int nr, long[] args, Captures captures) {
            return new Syscall(ns, ns, tid, nr, args, 0, false, true, captures, Cut.NONE, true);
        }

        /** Whether the call was still pending when its task ended or was let go. */
        public boolean wasCut() {
            return cut != Cut.NONE;
        }
    }

    /** Why a call never returned to the tracer: it did not end early ({@code NONE}), its task ended, or it was detached. */
    enum Cut { NONE, ENDED, DETACHED }

    /**
     * A shown syscall began ({@code jthreadtrace}'s live lines print it at once, as strace does);
     * its {@link Syscall} follows when it returns or is cut. Made only when text lines show it.
     * {@code captures} are those read at entry (a copy: the exit's are added to another).
     */
    record SyscallEntered(long ns, int tid, int nr, long[] args, Captures captures) implements TraceEvent {}

    /** How a task came to be. */
    enum SpawnKind { CLONE, CLONE3, FORK, VFORK }

    /**
     * {@code creator}'s clone/fork/vfork made {@code child} (PTRACE_EVENT_CLONE/FORK/VFORK).
     * {@code nsTid}: the child's id in its own PID namespace when that is not the tool's (0 otherwise);
     * {@code outerNsIds}: its ids in the namespaces between the tool's and that one, outermost first
     * (empty unless the namespace was made inside another: {@code NSpid}'s middle numbers).
     * {@code flagsKnown} false: the call's flags could not be read (clone3's clone_args in the memory
     * of a non-dumpable process, traced without CAP_SYS_PTRACE); {@code flags} then holds only what
     * the kernel showed of them (CLONE_THREAD and what it implies when the child has its creator's
     * Tgid, CLONE_PARENT, CLONE_VFORK).
     */
    record Spawned(long ns, int creator, int child, SpawnKind kind, long flags, int nsTid, boolean flagsKnown,
                   List<Integer> outerNsIds) implements TraceEvent {
        public Spawned {
            outerNsIds = List.copyOf(outerNsIds);
        }

        public Spawned(long ns, int creator, int child, SpawnKind kind, long flags, int nsTid, boolean flagsKnown) {
            this(ns, creator, child, kind, flags, nsTid, flagsKnown, List.of());
        }

        public Spawned(long ns, int creator, int child, SpawnKind kind, long flags) {
            this(ns, creator, child, kind, flags, 0);
        }

        public Spawned(long ns, int creator, int child, SpawnKind kind, long flags, int nsTid) {
            this(ns, creator, child, kind, flags, nsTid, true);
        }

        /** The spawn of a child whose ids in the PID namespaces below the tool's are {@code nsIds}, outermost first (none: the tool's). */
        public static Spawned inNamespaces(long ns, int creator, int child, SpawnKind kind, long flags, boolean flagsKnown, List<Integer> nsIds) {
            return new Spawned(ns, creator, child, kind, flags, nsIds.isEmpty() ? 0 : nsIds.getLast(), flagsKnown,
                    nsIds.isEmpty() ? List.of() : nsIds.subList(0, nsIds.size() - 1));
        }

        /** The child's ids in every PID namespace below the tool's, outermost first; empty in the tool's. */
        public List<Integer> nsIds() {
            if (nsTid == 0) return List.of();
            List<Integer> ids = new ArrayList<>(outerNsIds);
            ids.add(nsTid);
            return ids;
        }
    }

    /**
     * A clone with CLONE_UNTRACED made a task the tracer cannot follow. {@code filterInherited}: it
     * also inherited the seccomp filter, so its traced syscalls fail with ENOSYS (no tracer to stop for).
     */
    record UntracedChild(long ns, int creator, int child, boolean filterInherited) implements TraceEvent {}

    /**
     * Task {@code tid} named thread {@code target} by writing its /proc comm file
     * ({@code pthread_setname_np} on another thread, {@code echo x > /proc/self/comm}): the syscall
     * {@code nr} on descriptor {@code fd} succeeded, and {@code name} is the name the kernel
     * kept, its exact bytes. {@code ns} is the call's entry. The tracer asked the kernel which file
     * the descriptor was, so every spelling of the path, a link to it and a copy of the descriptor count.
     */
    record CommWritten(long ns, int tid, int target, int nr, int fd, byte[] name) implements TraceEvent {
        public CommWritten {
            name = name.clone();
        }

        @Override
        public byte[] name() {
            return name.clone();
        }
    }

    /**
     * Where the tracer saw a name no stop showed being set ({@link CommSeen}): at the exit of an
     * io_uring_enter, at a thread's exit or its prctl(PR_SET_NAME) (the name it replaces), at a
     * process's exit_group or exec, at a clone (the
     * creator's name, before the new thread inherits it), at a signal's delivery, or at the end of
     * the trace (a kill, a detach, an interrupt).
     */
    enum SeenAt { IO_URING_ENTER, EXIT, PRCTL, EXIT_GROUP, EXEC, CLONE, SIGNAL, END }

    /**
     * Thread {@code tid}'s name as the kernel has it ({@code /proc/TID/comm}, its exact bytes), read
     * at {@code ns} ({@code at}) in a process that set up an io_uring, where it differs from the name
     * the tracer knew: a name set by a write no ptrace stop shows (an {@code IORING_OP_WRITE} to a
     * thread's comm file runs in the kernel). {@code ns} is when it was seen, not when it was set;
     * {@code by}: the task at whose stop it was read (0 at the end of the trace).
     */
    record CommSeen(long ns, int tid, byte[] name, SeenAt at, int by) implements TraceEvent {
        public CommSeen {
            name = name.clone();
        }

        @Override
        public byte[] name() {
            return name.clone();
        }
    }

    /**
     * Thread {@code tid}'s signal mask as the kernel holds it ({@code /proc/TID/status} SigBlk), read
     * at {@code ns} at a clone, fork or vfork it made while a signal handler of it may have been
     * running: the kernel adds the handler's {@code sa_mask} and the signal to the mask with no call
     * a stop shows, and the child inherits that mask.
     */
    record MaskSeen(long ns, int tid, long mask) implements TraceEvent {}

    /**
     * A successful execve; {@code formerTid} differs from {@code tid} when a non-leader thread exec'd.
     * {@code runtime}: {@link #GO} when the image exec'd is a Go program (its ELF file says so: a Go
     * build ID note or a {@code .go.buildinfo} section), whose runtime starts OS threads of its own;
     * null for any other or when the file could not be read. {@code image}: the file the kernel
     * exec'd ({@code /proc/PID/exe} read at the exec stop: a relative path resolved against the caller's
     * working directory), for the runtime to be read once the process is gone or has exec'd again; null
     * when it could not be read (the tool's own, never written). {@code comm}: the name the kernel gave
     * the process ({@code /proc/PID/comm} read at the exec stop, its bytes as {@link
     * dev.jthreadtrace.decode.KernelBytes} decodes them): the path's base name for an execve, but the
     * file's own name for an exec of a descriptor ({@code fexecve}, {@code execveat(fd, "",
     * AT_EMPTY_PATH)}: a memfd's "memfd:NAME", whose path argument is ""); null when it could not be
     * read (a trace written before it was recorded: the path's base name then).
     */
    record Exec(long ns, int tid, int formerTid, String path, String runtime, String image, String comm) implements TraceEvent {
        public static final String GO = "go";

        public Exec(long ns, int tid, int formerTid, String path) {
            this(ns, tid, formerTid, path, null, null, null);
        }

        public Exec(long ns, int tid, int formerTid, String path, String runtime) {
            this(ns, tid, formerTid, path, runtime, null, null);
        }

        public Exec withRuntime(String runtime) {
            return new Exec(ns, tid, formerTid, path, runtime, image, comm);
        }
    }

    /**
     * Process {@code pid}'s kernel parent as {@code /proc/PID/status} said (PPid) when it called
     * {@code exit_group}: the fact that decides where an orphan went, a subreaper above the tool (a
     * container's init, whoever started the tool with PR_SET_CHILD_SUBREAPER) rather than init.
     */
    record ParentSeen(long ns, int pid, int ppid) implements TraceEvent {}

    /** A task exited ({@code exit} or torn down by {@code exit_group}) with this code. */
    record Exited(long ns, int tid, int code) implements TraceEvent {}

    /** A task was killed by a signal. */
    record Killed(long ns, int tid, int signal, boolean coreDumped) implements TraceEvent {}

    /**
     * A signal is being delivered to the task (re-injected unchanged); {@code siginfo} is its
     * {@code siginfo_t} as PTRACE_GETSIGINFO read it at the stop (null when it could not be read).
     */
    record SignalDelivered(long ns, int tid, int signal, byte[] siginfo) implements TraceEvent {
        public SignalDelivered(long ns, int tid, int signal) {
            this(ns, tid, signal, null);
        }
    }

    /** The task entered group-stop (SIGSTOP/SIGTSTP/...); it stays stopped until SIGCONT. */
    record GroupStopped(long ns, int tid, int signal) implements TraceEvent {}

    /**
     * The tracer let the attached processes go ({@code attach}: --duration, a signal to the tool,
     * the output closed): every task still traced was detached and runs on untraced;
     * {@code detached} is how many.
     */
    record Detached(long ns, int detached) implements TraceEvent {}

    /**
     * The last look at the traced tasks before the trace ends on a signal, a --kill-after or a
     * --duration, taken while they still run in what they were blocked in (before the signal is
     * passed on, the tree killed or the tasks let go): per task what {@code /proc/PID/task/TID/syscall}
     * said and, for a futex wait, the lock's word (the head of a glibc mutex) read then. Lock owners
     * read at the wait may be stale by now (a lock handed on); these are not.
     */
    record EndLook(long ns, List<LookedTask> tasks) implements TraceEvent {
        public EndLook {
            tasks = List.copyOf(tasks);
        }
    }

    /**
     * One task in an {@link EndLook}: the call it was in ({@code nr}, its six {@code args}; {@code nr}
     * is {@link #NOT_IN_A_CALL} when it ran or sat in a stop outside a call), and the bytes at the
     * futex word of a futex wait ({@code word}: null when not a wait with an owner to read, or the
     * read failed).
     */
    record LookedTask(int tid, int nr, long[] args, byte[] word) {
        public static final int NOT_IN_A_CALL = -1;
    }

    /**
     * The tracer stopped: every tracee is gone. {@code interruptedBy} is the signal that stopped the
     * tool, or 0; {@code failure} says in one line why the tracer itself failed (the tracees were
     * killed), or is null.
     */
    record TraceEnded(long ns, int interruptedBy, String failure) implements TraceEvent {
        public TraceEnded(long ns, int interruptedBy) {
            this(ns, interruptedBy, null);
        }
    }
}
