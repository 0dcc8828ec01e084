package dev.jthreadtrace.decode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;
import static dev.jthreadtrace.decode.SyscallClass.FUTEX;
import static dev.jthreadtrace.decode.SyscallClass.HOOKS;
import static dev.jthreadtrace.decode.SyscallClass.THREAD;

/**
 * The syscall registry: one row per syscall the tool knows more about than its number. Every other
 * table — the {@code -e} classes and default set, what the model needs recorded, the capture plans,
 * the renderers and return styles, the model's dispatch — is a view of these rows (and, for
 * strace's {@code -e} classes, of strace's own table, {@link StraceClasses}). The rows the thread
 * model is built from are here; each family of the other calls keeps its rows beside its renderers
 * ({@link FileCalls}, {@link DescriptorCalls}, {@link SocketCalls}, {@link PollCalls},
 * {@link TimeCalls}, {@link SignalCalls}, {@link ProcessCalls}, {@link ResourceCalls},
 * {@link IpcCalls}, {@link IoUringCalls}). To add a syscall, add its row to its family (and its decoder and a test).
 */
public final class Syscalls {
    /** Big enough for {@code struct clone_args} of every size the kernel knows (64, 80, 88). */
    public static final int CLONE_ARGS_MAX = 88;
    static final int TIMESPEC_SIZE = 16, FUTEX_WAITV_SIZE = 24, FUTEX_WAITV_MAX = 128, SIGSET_SIZE = 8,
            CPUSET_MAX = 128, TASK_COMM_LEN = 16, PATH_MAX = 4096, ARGV_ITEMS = 64, ARGV_ITEM_MAX = 1024,
            SOCK_FPROG_SIZE = 16;

    /** restart_syscall's arguments as strace prints them when it does not know the call continued; {@link #resuming} names it. */
    static final String RESUMING = "<... resuming interrupted call ...>";

    private static final List<Capture> CLONE_PARENT_TID = List.of(new Capture.Gather(Captures.EXTRA, AT_EXIT, CloneFlags::gatherParentTid));

    /** execveat's captures, made once (the ptrace thread only picks one): with and without the directory fd's path. */
    private static final List<Capture> EXECVEAT = List.of(new Capture.CString(1, PATH_MAX, AT_ENTRY),
            new Capture.CStringArray(2, ARGV_ITEMS, ARGV_ITEM_MAX), new Capture.Gather(3, AT_ENTRY, ExecArgs.countStrings(3)));
    private static final List<Capture> MMAP_FILE = List.of(new Capture.FdPath(4));
    /** A shared mapping of a file also names the file: its futex words are the file's (model.SharedMappings). */
    private static final List<Capture> MMAP_SHARED_FILE = List.of(new Capture.FdPath(4), new Capture.FdFile(4));
    private static final List<Capture> EXECVEAT_FROM_FD = List.of(new Capture.FdPath(0), EXECVEAT.get(0), EXECVEAT.get(1),
            EXECVEAT.get(2));

    /** The thread, futex, memory and settings rows: what the model is built from. */
    private static final List<SyscallSpec> OWN = List.of(
            // ---- creating threads and processes, exec, exit
            Row.of("clone", THREAD).byDefault().needed().effect(ModelEffect.SPAWN).exit(ExitNeeds::cloneCall)
                    .capture(a -> (a[0] & (CloneFlags.CLONE_PARENT_SETTID | CloneFlags.CLONE_PIDFD)) != 0 ? CLONE_PARENT_TID : List.of())
                    .render((a, c, s) -> CloneFlags.renderClone(a, c.bytes(Captures.EXTRA))),
            Row.of("clone3", THREAD).byDefault().needed().effect(ModelEffect.SPAWN).exit(ExitNeeds::clone3)
                    .capture(new Capture.BytesSizedByArg(0, 1, CLONE_ARGS_MAX, AT_ENTRY),
                            new Capture.Gather(Captures.EXTRA, AT_EXIT, CloneFlags::gatherStored))
                    .render((a, c, s) -> CloneFlags.renderClone3(a, c.bytes(0), c.bytes(Captures.EXTRA))),
            Row.of("fork", THREAD).byDefault().needed().exit(ExitNeeds::fork).render((a, c, s) -> ""),
            Row.of("vfork", THREAD).byDefault().needed().render((a, c, s) -> ""),
            Row.of("execve", THREAD, HOOKS).byDefault().needed()
                    .capture(new Capture.CString(0, PATH_MAX, AT_ENTRY), new Capture.CStringArray(1, ARGV_ITEMS, ARGV_ITEM_MAX),
                            new Capture.Gather(2, AT_ENTRY, ExecArgs.countStrings(2)))
                    .render((a, c, s) -> ExecArgs.render(c.string(0), c.strings(1), a[0], a[1], a[2], c.bytes(2), s)),
            Row.of("execveat", THREAD, HOOKS).byDefault().needed()
                    .capture(a -> (int) a[0] >= 0 ? EXECVEAT_FROM_FD : EXECVEAT)
                    .render((a, c, s) -> Args.dirfd(a[0], c.string(0)) + ", "
                            + ExecArgs.render(c.string(1), c.strings(2), a[1], a[2], a[3], c.bytes(3), s) + ", " + Args.hex(a[4])),
            Row.of("exit", THREAD).byDefault().needed().effect(ModelEffect.EXIT).returns(ReturnStyle.NONE)
                    .render((a, c, s) -> Args.intArg(a[0])),
            Row.of("exit_group", THREAD).byDefault().needed().effect(ModelEffect.EXIT_GROUP)
                    .returns(ReturnStyle.NONE).render((a, c, s) -> Args.intArg(a[0])),
            Row.of("set_tid_address", THREAD).byDefault().needed().effect(ModelEffect.SET_TID_ADDRESS).exit(ExitNeeds::noFailure)
                    .render((a, c, s) -> Args.pointer(a[0])),
            Row.of("set_robust_list", THREAD, FUTEX).byDefault()
                    .render((a, c, s) -> Args.pointer(a[0]) + ", " + Args.ulong(a[1])),
            // ---- futexes
            Row.of("futex", FUTEX).byDefault().effect(ModelEffect.FUTEX).exit(ExitNeeds::futex)
                    .capture(Syscalls::futexCaptures)
                    .render((a, c, s) -> FutexOps.render(a, c)),
            Row.of("futex_waitv", FUTEX).byDefault().effect(ModelEffect.FUTEX_WAITV)
                    .capture(a -> List.of(new Capture.Bytes(0,
                                    (int) Math.min(Math.max(a[1], 0), FUTEX_WAITV_MAX) * FUTEX_WAITV_SIZE, AT_ENTRY),
                            new Capture.Bytes(3, TIMESPEC_SIZE, AT_ENTRY)))
                    .render((a, c, s) -> FutexOps.renderWaitv(a, c)),
            // A timed wait (futex, nanosleep, clock_nanosleep, poll) a signal interrupted and whose signal ran no
            // handler goes on in restart_syscall: its registers are still the call's arguments
            // (TraceSelection records it whenever such a call is recorded; model.Restarts ties it to that call).
            Row.of("restart_syscall").byDefault().render((a, c, s) -> RESUMING),
            Row.named("futex_wake", FUTEX),
            Row.named("futex_wait", FUTEX),
            Row.named("futex_requeue", FUTEX),
            // ---- memory
            Row.of("mmap").byDefault().effect(ModelEffect.MMAP).returns(ReturnStyle.HEX)
                    .capture(Syscalls::mmapCaptures)
                    .render((a, c, s) -> MemoryFlags.renderMmap(a, c)),
            Row.of("munmap").byDefault().effect(ModelEffect.MUNMAP).render((a, c, s) -> MemoryFlags.renderMunmap(a)),
            Row.of("mprotect").byDefault().render((a, c, s) -> MemoryFlags.renderMprotect(a)),
            Row.of("mremap").byDefault().effect(ModelEffect.MREMAP).returns(ReturnStyle.HEX)
                    .render((a, c, s) -> MemoryFlags.renderMremap(a)),
            Row.of("madvise").byDefault().render((a, c, s) -> MemoryFlags.renderMadvise(a)),
            // ---- the settings a new thread inherits
            Row.of("prctl", HOOKS).byDefault().needed().effect(ModelEffect.PRCTL).exit(ExitNeeds::prctl)
                    .capture(a -> switch ((int) a[0]) {
                        case Prctl.PR_SET_NAME -> List.of(new Capture.CString(1, TASK_COMM_LEN, AT_ENTRY));
                        case Prctl.PR_GET_NAME -> List.of(new Capture.CString(1, TASK_COMM_LEN, AT_EXIT));
                        default -> List.of();
                    })
                    .render(Prctl::render),
            Row.of("rt_sigprocmask", HOOKS).byDefault().needed().effect(ModelEffect.SIGPROCMASK).exit(ExitNeeds::sigprocmask)
                    .capture(a -> List.of(new Capture.Bytes(1, SIGSET_SIZE, AT_ENTRY), new Capture.Bytes(2, SIGSET_SIZE, AT_EXIT)))
                    .render((a, c, s) -> Signals.renderHow(a[0]) + ", " + Signals.renderSetArg(a[1], c.bytes(1)) + ", "
                            + Signals.renderSetArg(a[2], c.bytes(2)) + ", " + Args.ulong(a[3])),
            // The mask from before a signal handler, back (recorded always: the kernel set the handler's with no call).
            SignalCalls.sigreturn(),
            Row.of("sched_setaffinity", HOOKS).byDefault().needed().effect(ModelEffect.AFFINITY)
                    .capture(a -> List.of(new Capture.BytesSizedByArg(2, 1, CPUSET_MAX, AT_ENTRY)))
                    .render(CpuSet::renderAffinityCall),
            Row.of("sched_getaffinity", HOOKS).byDefault()
                    .capture(a -> List.of(new Capture.BytesSizedByReturn(2, CPUSET_MAX)))
                    .render(CpuSet::renderAffinityCall),
            Row.of("seccomp", HOOKS).byDefault().needed().effect(ModelEffect.SECCOMP)
                    .capture(a -> a[0] == Seccomp.SECCOMP_SET_MODE_FILTER
                            ? List.of(new Capture.Bytes(2, SOCK_FPROG_SIZE, AT_ENTRY)) : List.of())
                    .render((a, c, s) -> Seccomp.render(a, c)),
            // ---- a traced program's own ptrace: every traced task has its tracer already, so its PTRACE_TRACEME (and
            // its PTRACE_ATTACH or PTRACE_SEIZE of another traced task) fails with EPERM; recorded whatever -e says
            // for the note that says why (session.RefusedPtraces). Rare: a program that makes no ptrace call stops no more.
            Row.of("ptrace").needed().exit(ExitNeeds::ptrace).capture(PtraceCalls::captures).render(PtraceCalls::render),
            // (open, openat, creat, write and close are FileCalls' and DescriptorCalls' rows: a name written to a
            // thread's /proc comm file is followed by the tracer itself, ptrace.NameWrites, whatever is shown,
            // and reaches the model as an event of its own, TraceEvent.CommWritten)
            // ---- asked for with -e; not in the default set
            Row.of("rseq").render((a, c, s) -> Rseq.render(a)));

    private static final SyscallSpec[] OWN_BY_NUMBER = index(OWN, new SyscallSpec[SyscallTable.MAX_NR]);

    /**
     * The other families' rows, built on first need (a holder class: the JVM initialises it once,
     * thread-safely): a trace of the default set, which needs only the rows above, never builds
     * them, so the tool starts as fast as it did before they existed.
     */
    private static final class Families {
        static final List<SyscallSpec> ROWS = concat(FileCalls.rows(), DescriptorCalls.rows(), SocketCalls.rows(),
                PollCalls.rows(), TimeCalls.rows(), SignalCalls.rows(), ProcessCalls.rows(), ResourceCalls.rows(), IpcCalls.rows(),
                IoUringCalls.rows());
        static final SyscallSpec[] BY_NUMBER = index(ROWS, OWN_BY_NUMBER.clone());
        static final List<SyscallSpec> ALL = concat(OWN, ROWS);
    }

    private static SyscallSpec[] index(List<SyscallSpec> rows, SyscallSpec[] into) {
        for (SyscallSpec spec : rows) {
            if (into[spec.nr()] != null) throw new IllegalStateException("two registry rows for " + spec.name());
            into[spec.nr()] = spec;
        }
        return into;
    }

    private Syscalls() {}

    /** Every row, in registry order. */
    public static List<SyscallSpec> all() {
        return Families.ALL;
    }

    /** The row of a syscall number, or null for one the tool only knows by name. */
    public static SyscallSpec byNumber(int nr) {
        if (nr < 0 || nr >= OWN_BY_NUMBER.length) return null;
        SyscallSpec own = OWN_BY_NUMBER[nr];
        return own != null ? own : Families.BY_NUMBER[nr];
    }

    /** The captures a call needs; empty when its decoder reads only the registers. */
    public static List<Capture> captures(int nr, long[] args) {
        SyscallSpec spec = byNumber(nr);
        return spec == null ? List.of() : spec.capture().captures(args);
    }

    /** {@code restart_syscall(<... resuming interrupted futex ...>)}: the line of a restart_syscall that continues call {@code nr}. */
    public static String resuming(int nr) {
        return SyscallTable.name(SyscallTable.RESTART_SYSCALL) + "(" + RESUMING.replace("call", SyscallTable.name(nr)) + ")";
    }

    /** Whether the call never returns to its caller ({@code exit}, {@code exit_group}): its event is complete at entry. */
    public static boolean neverReturns(int nr) {
        SyscallSpec spec = byNumber(nr);
        return spec != null && spec.returns() == ReturnStyle.NONE;
    }

    /**
     * The names in a class: for the tool's own classes the rows that declare it, in registry
     * order; for strace's, the syscalls strace's table puts in it, by number.
     */
    public static List<String> members(SyscallClass c) {
        // the tool's own classes are declared by its own rows only (SyscallsTest checks the families declare none)
        if (!c.fromStrace()) return OWN.stream().filter(r -> r.classes().contains(c)).map(SyscallSpec::name).toList();
        List<String> out = new ArrayList<>();
        for (int nr = 0; nr < StraceClasses.BY_NUMBER.length; nr++) {
            if (c.inStraceFlags(nr)) out.add(SyscallTable.name(nr));
        }
        return out;
    }

    /** The names shown when {@code -e} is not given. */
    public static List<String> defaultSet() {
        return OWN.stream().filter(SyscallSpec::shownByDefault).map(SyscallSpec::name).toList();
    }

    /** The names the thread model needs recorded whatever is shown. */
    public static List<String> modelSet() {
        return OWN.stream().filter(SyscallSpec::modelNeeds).map(SyscallSpec::name).toList();
    }

    /**
     * The default set as the user would write it: each class wholly in it by its {@code %name},
     * then the remaining names ({@code %thread,%hooks,futex,...}).
     */
    public static String defaultSpec() {
        List<String> all = defaultSet();
        Set<String> remaining = new LinkedHashSet<>(all);
        List<String> parts = new ArrayList<>();
        for (SyscallClass c : SyscallClass.values()) {
            List<String> members = members(c);
            if (!members.isEmpty() && all.containsAll(members)) {
                parts.add(c.spelling());
                members.forEach(remaining::remove);
            }
        }
        parts.addAll(remaining);
        return String.join(",", parts);
    }

    /**
     * A file's mapping: its path; a MAP_SHARED one also the mapped object's device and inode (its
     * /proc/PID/maps line at the exit; nothing more for any other mmap).
     */
    private static List<Capture> mmapCaptures(long[] a) {
        if ((a[3] & MemoryFlags.MAP_ANONYMOUS) != 0 || (int) a[4] < 0) return List.of();
        long type = a[3] & MemoryFlags.MAP_TYPE;
        return type == MemoryFlags.MAP_SHARED || type == MemoryFlags.MAP_SHARED_VALIDATE ? MMAP_SHARED_FILE : MMAP_FILE;
    }

    /**
     * A futex call's timeout, and for a wait on a lock the bytes that say who holds it (the PI word,
     * a glibc mutex's head): read at entry, when the owner is still the one the waiter waits for.
     */
    private static List<Capture> futexCaptures(long[] a) {
        Capture timeout = FutexOps.hasTimeout(a[1]) ? new Capture.Bytes(3, TIMESPEC_SIZE, AT_ENTRY) : null;
        int owner = FutexOps.ownerBytes(a);
        if (owner == 0) return timeout == null ? List.of() : List.of(timeout);
        Capture head = new Capture.Bytes(0, owner, AT_ENTRY);
        return timeout == null ? List.of(head) : List.of(timeout, head);
    }

    @SafeVarargs
    private static List<SyscallSpec> concat(List<SyscallSpec>... lists) {
        List<SyscallSpec> out = new ArrayList<>();
        for (List<SyscallSpec> l : lists) out.addAll(l);
        return List.copyOf(out);
    }
}
