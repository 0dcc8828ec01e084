package dev.jthreadtrace.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;
import static dev.jthreadtrace.decode.SyscallClass.FUTEX;
import static dev.jthreadtrace.decode.SyscallClass.HOOKS;
import static dev.jthreadtrace.decode.SyscallClass.MEMORY;
import static dev.jthreadtrace.decode.SyscallClass.PROCESS;
import static dev.jthreadtrace.decode.SyscallClass.THREAD;

/**
 * The syscall registry: one row per syscall the tool knows more about than its number. Every other
 * table — the {@code -e} classes and default set, what the model needs recorded, the capture plans,
 * the renderers and return styles, the model's dispatch — is a view of these rows. To add a syscall,
 * add its row here (and its decoder and a test); nothing else.
 */
public final class Syscalls {
    /** Big enough for {@code struct clone_args} of every size the kernel knows (64, 80, 88). */
    public static final int CLONE_ARGS_MAX = 88;
    static final int TIMESPEC_SIZE = 16, FUTEX_WAITV_SIZE = 24, FUTEX_WAITV_MAX = 128, SIGSET_SIZE = 8,
            CPUSET_MAX = 128, TASK_COMM_LEN = 16, PATH_MAX = 4096, WRITE_MAX = 4096, ARGV_ITEMS = 64, ARGV_ITEM_MAX = 1024,
            SOCK_FPROG_SIZE = 16;

    private static final List<SyscallSpec> ROWS = List.of(
            // ---- creating threads and processes, exec, exit
            row("clone", THREAD, PROCESS).byDefault().needed().effect(ModelEffect.SPAWN)
                    .render((a, c, s) -> CloneFlags.renderClone(a)),
            row("clone3", THREAD, PROCESS).byDefault().needed().effect(ModelEffect.SPAWN)
                    .capture(a -> List.of(new Capture.BytesSizedByArg(0, 1, CLONE_ARGS_MAX, AT_ENTRY)))
                    .render((a, c, s) -> CloneFlags.renderClone3(a, c.bytes(0))),
            row("fork", THREAD, PROCESS).byDefault().needed().render((a, c, s) -> ""),
            row("vfork", THREAD, PROCESS).byDefault().needed().render((a, c, s) -> ""),
            row("execve", THREAD, PROCESS, HOOKS).byDefault().needed()
                    .capture(a -> List.of(new Capture.CString(0, PATH_MAX, AT_ENTRY),
                            new Capture.CStringArray(1, ARGV_ITEMS, ARGV_ITEM_MAX)))
                    .render((a, c, s) -> ExecArgs.render(c.string(0), c.strings(1), a[0], a[1], a[2], s)),
            row("execveat", THREAD, PROCESS, HOOKS).byDefault().needed()
                    .capture(a -> (int) a[0] >= 0
                            ? List.of(new Capture.FdPath(0), new Capture.CString(1, PATH_MAX, AT_ENTRY),
                                    new Capture.CStringArray(2, ARGV_ITEMS, ARGV_ITEM_MAX))
                            : List.of(new Capture.CString(1, PATH_MAX, AT_ENTRY), new Capture.CStringArray(2, ARGV_ITEMS, ARGV_ITEM_MAX)))
                    .render((a, c, s) -> Args.dirfd(a[0], c.string(0)) + ", "
                            + ExecArgs.render(c.string(1), c.strings(2), a[1], a[2], a[3], s) + ", " + Args.hex(a[4])),
            row("exit", THREAD, PROCESS).byDefault().needed().effect(ModelEffect.EXIT).returns(ReturnStyle.NONE)
                    .render((a, c, s) -> Args.intArg(a[0])),
            row("exit_group", THREAD, PROCESS).byDefault().needed().effect(ModelEffect.EXIT_GROUP)
                    .returns(ReturnStyle.NONE).render((a, c, s) -> Args.intArg(a[0])),
            row("set_tid_address", THREAD).byDefault().needed().effect(ModelEffect.SET_TID_ADDRESS)
                    .render((a, c, s) -> Args.pointer(a[0])),
            row("set_robust_list", THREAD, FUTEX).byDefault()
                    .render((a, c, s) -> Args.pointer(a[0]) + ", " + Args.ulong(a[1])),
            named("wait4", PROCESS),
            named("waitid", PROCESS),
            named("kill", PROCESS),
            named("tkill", PROCESS),
            named("tgkill", PROCESS),
            // ---- futexes
            row("futex", FUTEX).byDefault().effect(ModelEffect.FUTEX)
                    .capture(Syscalls::futexCaptures)
                    .render((a, c, s) -> FutexOps.render(a, c)),
            row("futex_waitv", FUTEX).byDefault()
                    .capture(a -> List.of(new Capture.Bytes(0,
                                    (int) Math.min(Math.max(a[1], 0), FUTEX_WAITV_MAX) * FUTEX_WAITV_SIZE, AT_ENTRY),
                            new Capture.Bytes(3, TIMESPEC_SIZE, AT_ENTRY)))
                    .render((a, c, s) -> FutexOps.renderWaitv(a, c)),
            named("futex_wake", FUTEX),
            named("futex_wait", FUTEX),
            named("futex_requeue", FUTEX),
            // ---- memory
            row("mmap", MEMORY).byDefault().effect(ModelEffect.MMAP).returns(ReturnStyle.HEX)
                    .capture(a -> (a[3] & MemoryFlags.MAP_ANONYMOUS) == 0 && (int) a[4] >= 0
                            ? List.of(new Capture.FdPath(4)) : List.of())
                    .render((a, c, s) -> MemoryFlags.renderMmap(a, c)),
            row("munmap", MEMORY).byDefault().effect(ModelEffect.MUNMAP).render((a, c, s) -> MemoryFlags.renderMunmap(a)),
            row("mprotect", MEMORY).byDefault().render((a, c, s) -> MemoryFlags.renderMprotect(a)),
            row("mremap", MEMORY).byDefault().effect(ModelEffect.MREMAP).returns(ReturnStyle.HEX)
                    .render((a, c, s) -> MemoryFlags.renderMremap(a)),
            row("madvise", MEMORY).byDefault().render((a, c, s) -> MemoryFlags.renderMadvise(a)),
            named("brk", MEMORY),
            // ---- the settings a new thread inherits
            row("prctl", HOOKS).byDefault().needed().effect(ModelEffect.PRCTL)
                    .capture(a -> switch ((int) a[0]) {
                        case Prctl.PR_SET_NAME -> List.of(new Capture.CString(1, TASK_COMM_LEN, AT_ENTRY));
                        case Prctl.PR_GET_NAME -> List.of(new Capture.CString(1, TASK_COMM_LEN, AT_EXIT));
                        default -> List.of();
                    })
                    .render(Prctl::render),
            row("rt_sigprocmask", HOOKS).byDefault().needed().effect(ModelEffect.SIGPROCMASK)
                    .capture(a -> List.of(new Capture.Bytes(1, SIGSET_SIZE, AT_ENTRY), new Capture.Bytes(2, SIGSET_SIZE, AT_EXIT)))
                    .render((a, c, s) -> Signals.renderHow(a[0]) + ", " + Signals.renderSetArg(a[1], c.bytes(1)) + ", "
                            + Signals.renderSetArg(a[2], c.bytes(2)) + ", " + Args.ulong(a[3])),
            row("sched_setaffinity", HOOKS).byDefault().needed().effect(ModelEffect.AFFINITY)
                    .capture(a -> List.of(new Capture.BytesSizedByArg(2, 1, CPUSET_MAX, AT_ENTRY)))
                    .render(CpuSet::renderAffinityCall),
            row("sched_getaffinity", HOOKS).byDefault()
                    .capture(a -> List.of(new Capture.BytesSizedByReturn(2, CPUSET_MAX)))
                    .render(CpuSet::renderAffinityCall),
            row("seccomp", HOOKS).byDefault().needed().effect(ModelEffect.SECCOMP)
                    .capture(a -> a[0] == Seccomp.SECCOMP_SET_MODE_FILTER
                            ? List.of(new Capture.Bytes(2, SOCK_FPROG_SIZE, AT_ENTRY)) : List.of())
                    .render((a, c, s) -> Seccomp.render(a, c)),
            // ---- files, for -e (a name written to a thread's /proc comm file is followed by the tracer
            // itself, ptrace.NameWrites, whatever is shown, and reaches the model as an event of its own)
            row("openat")
                    .capture(a -> List.of(new Capture.CString(1, PATH_MAX, AT_ENTRY)))
                    .render(OpenFlags::renderOpenat),
            row("open")
                    .capture(a -> List.of(new Capture.CString(0, PATH_MAX, AT_ENTRY)))
                    .render(OpenFlags::renderOpen),
            row("creat")
                    .capture(a -> List.of(new Capture.CString(0, PATH_MAX, AT_ENTRY)))
                    .render(OpenFlags::renderCreat),
            row("write")
                    .capture(a -> List.of(new Capture.BytesSizedByArg(1, 2, WRITE_MAX, AT_ENTRY)))
                    .render((a, c, s) -> Args.intArg(a[0]) + ", " + Args.buffer(a[1], c.bytes(1), s) + ", " + Args.ulong(a[2])),
            row("close").render((a, c, s) -> Args.intArg(a[0])),
            // ---- asked for with -e; not in the default set
            row("rseq").render((a, c, s) -> Rseq.render(a)));

    private static final SyscallSpec[] BY_NUMBER = new SyscallSpec[SyscallTable.MAX_NR];

    static {
        for (SyscallSpec spec : ROWS) {
            if (BY_NUMBER[spec.nr()] != null) throw new IllegalStateException("two registry rows for " + spec.name());
            BY_NUMBER[spec.nr()] = spec;
        }
    }

    private Syscalls() {}

    /** Every row, in registry order. */
    public static List<SyscallSpec> all() {
        return ROWS;
    }

    /** The row of a syscall number, or null for one the tool only knows by name. */
    public static SyscallSpec byNumber(int nr) {
        return nr >= 0 && nr < BY_NUMBER.length ? BY_NUMBER[nr] : null;
    }

    /** The captures a call needs; empty when its decoder reads only the registers. */
    public static List<Capture> captures(int nr, long[] args) {
        SyscallSpec spec = byNumber(nr);
        return spec == null ? List.of() : spec.capture().captures(args);
    }

    /** Whether the call never returns to its caller ({@code exit}, {@code exit_group}): its event is complete at entry. */
    public static boolean neverReturns(int nr) {
        SyscallSpec spec = byNumber(nr);
        return spec != null && spec.returns() == ReturnStyle.NONE;
    }

    /** The names in a class, in registry order. */
    public static List<String> members(SyscallClass c) {
        return ROWS.stream().filter(r -> r.classes().contains(c)).map(SyscallSpec::name).toList();
    }

    /** The names shown when {@code -e} is not given. */
    public static List<String> defaultSet() {
        return ROWS.stream().filter(SyscallSpec::shownByDefault).map(SyscallSpec::name).toList();
    }

    /** The names the thread model needs recorded whatever is shown. */
    public static List<String> modelSet() {
        return ROWS.stream().filter(SyscallSpec::modelNeeds).map(SyscallSpec::name).toList();
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

    /** A syscall the tool names in a class but does not decode: raw arguments, no effect. */
    private static SyscallSpec named(String name, SyscallClass... classes) {
        return row(name, classes).build();
    }

    private static Row row(String name, SyscallClass... classes) {
        return new Row(name, classes.length == 0 ? EnumSet.noneOf(SyscallClass.class) : EnumSet.copyOf(Arrays.asList(classes)));
    }

    /** Builds one row; every part not given has the neutral value (no capture, decimal return, no model effect). */
    private static final class Row {
        private final String name;
        private final Set<SyscallClass> classes;
        private boolean byDefault, needed;
        private CapturePlan capture = CapturePlan.NONE;
        private ArgsRenderer renderer;
        private ReturnStyle returns = ReturnStyle.DECIMAL;
        private ModelEffect effect = ModelEffect.NONE;

        Row(String name, Set<SyscallClass> classes) {
            this.name = name;
            this.classes = classes;
        }

        Row byDefault() {
            byDefault = true;
            return this;
        }

        Row needed() {
            needed = true;
            return this;
        }

        Row capture(CapturePlan plan) {
            capture = plan;
            return this;
        }

        Row returns(ReturnStyle style) {
            returns = style;
            return this;
        }

        Row effect(ModelEffect e) {
            effect = e;
            return this;
        }

        /** The renderer comes last: it turns the builder into the row. */
        SyscallSpec render(ArgsRenderer r) {
            renderer = r;
            return build();
        }

        SyscallSpec build() {
            int nr = SyscallTable.number(name).orElseThrow(() -> new IllegalStateException("no syscall number for " + name));
            return new SyscallSpec(name, nr, classes, byDefault, needed, capture, renderer, returns, effect);
        }
    }
}
