package dev.jthreadtrace.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The metrics of a trace, one row each: key, kind, description, the selector keys it takes, the
 * syscalls it needs recorded, its whole-trace value and its per-thread value. The JSONL summary,
 * {@code --assert}, the help text and the man page all read this table; adding a metric is adding
 * a row. Times in nanoseconds, sizes in bytes.
 */
public enum Metric implements Measure {
    THREADS_TOTAL("threads.total", Kind.COUNT, "threads seen, processes' main threads included",
            List.of(), m -> m.threads().size(), null),
    THREADS_PEAK("threads.peak", Kind.COUNT, "most threads alive at once", List.of(), TraceModel::peakLive, null),
    THREADS_COUNT("threads.count", Kind.COUNT, "threads whose name matches {name=\"glob\"}, or whose Java creation site "
            + "(the first frame of the stack that started them) matches {created_at=\"glob\"}",
            List.of(), null, (m, t) -> 1, "name", "created_at"),
    THREADS_LEAKED("threads.leaked", Kind.COUNT, "threads still running when their program's main returned or the JVM began"
            + " to shut down (the leaks section; not the JDK's own pools', which outlive it by design), all or those whose name or"
            + " creation site matches", List.of(),
            m -> m.leaks().leaked().size(), (m, t) -> m.leaks().leaked(t) ? 1 : 0, "name", "created_at"),
    JAVA_CREATION_SITES("java.creation_sites", Kind.COUNT, "distinct Java creation stacks (the CREATION SITES section)",
            List.of(), m -> m.javaView().creationSites().size(), null),
    PROCESSES_TOTAL("processes.total", Kind.COUNT,
            "processes (the command, and every fork/vfork/clone without CLONE_THREAD)",
            List.of(), m -> m.threads().stream().filter(t -> !t.createdAsThread()).count(), null),
    SPAWN_DEPTH("spawn.depth", Kind.COUNT, "longest creator chain (root = 0)",
            List.of(), m -> m.threads().stream().mapToLong(ThreadInfo::depth).max().orElse(0), null),
    FUTEX_CALLS("futex.calls", Kind.COUNT, "futex calls, all or of {name=\"glob\"} threads", FutexLog.SYSCALLS,
            null, (m, t) -> m.futex().of(t).calls(), "name"),
    FUTEX_WAITS("futex.waits", Kind.COUNT, "futex waits", FutexLog.SYSCALLS, null,
            (m, t) -> m.futex().of(t).waits() + (unreturnedWait(m, t) == null ? 0 : 1), "name"),
    FUTEX_WAKES("futex.wakes", Kind.COUNT, "futex wakes", FutexLog.SYSCALLS, null, (m, t) -> m.futex().of(t).wakes(), "name"),
    FUTEX_WAIT_TIME("futex.wait.time", Kind.TIME, "time blocked in futex waits", FutexLog.SYSCALLS,
            null, (m, t) -> m.futex().of(t).blockedNs() + (unreturnedWait(m, t) == null ? 0 : unreturnedWait(m, t).unreturnedNs()), "name"),
    FUTEX_TIMEOUTS("futex.timeouts", Kind.COUNT, "futex waits that timed out", FutexLog.SYSCALLS,
            null, (m, t) -> m.futex().of(t).timeouts(), "name"),
    FUTEX_JOINS("futex.joins", Kind.COUNT, "joins seen (waits on a thread's exit)", FutexLog.SYSCALLS,
            m -> m.futexAnalysis().joins().size(), null),
    DEADLOCKS("deadlocks", Kind.COUNT, "cycles of threads each waiting for the next when the trace ended: futex waits on a"
            + " lock's owner (PI word, glibc mutex) or a joined thread, Java monitors and synchronizers (the BLOCKED section)",
            FutexLog.SYSCALLS_KEYED, m -> m.hang().deadlocks().size(), null),
    THREADS_BLOCKED("threads.blocked", Kind.COUNT, "threads blocked in a call when the trace ended (torn down, killed or"
            + " detached inside it, or seen in a call the trace does not record by the last look before the end),"
            + " all or those whose name matches", FutexLog.SYSCALLS_KEYED, null,
            (m, t) -> m.hang().of(t) == null ? 0 : 1, "name"),
    MMAP_CALLS("mmap.calls", Kind.COUNT, "mmap/mremap calls", MmapLog.SYSCALLS, null, (m, t) -> m.mmap().of(t).mmapCalls(), "name"),
    MMAP_BYTES("mmap.bytes", Kind.SIZE, "bytes mapped by mmap/mremap", MmapLog.SYSCALLS,
            null, (m, t) -> m.mmap().of(t).mmapBytes(), "name"),
    MUNMAP_BYTES("munmap.bytes", Kind.SIZE, "bytes unmapped", MmapLog.SYSCALLS,
            null, (m, t) -> m.mmap().of(t).munmapBytes(), "name"),
    HOOKS_CHANGES("hooks.changes", Kind.COUNT, "changes of inheritable settings",
            List.of(), TraceModel::hookChangeCount, null),
    DURATION("duration", Kind.TIME, "time from the command's exec to the end of the trace", List.of(), TraceModel::endNs, null),
    EXIT_CODE("exit.code", Kind.COUNT, "the command's exit status (128+N when killed by signal N)",
            List.of(), m -> m.targetExit() == null ? -1L : m.targetExit().shellStatus(), null),
    SYSCALLS_CALLS("syscalls.calls", Kind.COUNT, "traced calls that returned (the -c table's calls), all or of "
            + "{name=\"syscall glob\", thread=\"thread glob\"}", List.of(), null, null, SyscallStats.Row::calls, "name", "thread"),
    SYSCALLS_ERRORS("syscalls.errors", Kind.COUNT, "traced calls that failed (the -c table's errors)", List.of(), null, null,
            SyscallStats.Row::errors, "name", "thread"),
    SYSCALLS_TIME("syscalls.time", Kind.TIME, "wall-clock time inside traced calls (the -c table's seconds)", List.of(), null,
            null, SyscallStats.Row::nanos, "name", "thread"),
    SPAWNED_BY("spawned_by", Kind.TEXT, "name of the creator of every thread matching {child=\"glob\"}",
            List.of(), null, null, "child"),
    INHERITS("inherits", Kind.TEXT, "value of hook H that every thread matching {name=\"glob\", hook=\"H\"} "
            + "started with (hooks: name, sigmask, affinity, seccomp, no_new_privs, traced)", List.of(), null, null,
            "name", "hook");

    /** What kind of value: decides the units a bound may carry and which operators apply. */
    public enum Kind { COUNT, TIME, SIZE, TEXT }

    /** A thread's share of a metric, read from the model (the logs own the per-thread figures). */
    @FunctionalInterface
    public interface PerThread {
        long of(TraceModel model, ThreadInfo thread);
    }

    private final String key;
    private final Kind kind;
    private final String description;
    private final List<String> needs;
    private final ToLongFunction<TraceModel> total;
    private final PerThread perThread;
    private final Set<String> selectorKeys;
    /** For the syscalls.* metrics: the figure of a -c table row; their {name=} selects syscalls, {thread=} threads. */
    private final ToLongFunction<SyscallStats.Row> syscallFigure;

    Metric(String key, Kind kind, String description, List<String> needs, ToLongFunction<TraceModel> total,
           PerThread perThread, String... selectorKeys) {
        this(key, kind, description, needs, total, perThread, null, selectorKeys);
    }

    Metric(String key, Kind kind, String description, List<String> needs, ToLongFunction<TraceModel> total,
           PerThread perThread, ToLongFunction<SyscallStats.Row> syscallFigure, String... selectorKeys) {
        this.syscallFigure = syscallFigure;
        this.key = key;
        this.kind = kind;
        this.description = description;
        this.needs = needs;
        this.total = total;
        this.perThread = perThread;
        this.selectorKeys = Set.of(selectorKeys);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Set<String> selectorKeys() {
        return selectorKeys;
    }

    /** Syscalls that must be recorded for the metric to be right, whatever {@code -e} shows. */
    public List<String> needs() {
        return needs;
    }

    /**
     * Whether it has a whole-trace value (it is then in the JSONL summary). Not the text metrics,
     * and not threads.count, which counts the threads a selector picks (without one: threads.total).
     */
    public boolean hasTotal() {
        return total != null || syscallFigure != null || perThread != null && kind != Kind.TEXT && this != THREADS_COUNT;
    }

    /** Whether its {@code {name=}} selects syscalls (and {@code {thread=}} threads). */
    public boolean bySyscall() {
        return syscallFigure != null;
    }

    /** The sum of its figure over -c table rows. */
    public long sumOfRows(List<SyscallStats.Row> rows) {
        long sum = 0;
        for (SyscallStats.Row r : rows) sum = Sums.add(sum, syscallFigure.applyAsLong(r));
        return sum;
    }

    /** The value over the whole trace. */
    public long total(TraceModel model) {
        if (total != null) return total.applyAsLong(model);
        if (syscallFigure != null) return sumOfRows(model.syscallStats().rows(model.threads()));
        return sum(model, model.threads());
    }

    /**
     * The value over the whole trace, folded tasks included: the kept records' value combined with
     * the folded sums ({@link FoldedMetrics}), or why there is none ("unknown: N threads folded").
     */
    public FoldedMetrics.Answer answer(TraceModel model) {
        FoldedFigures folded = model.folded().all();
        if (folded.tasks() == 0) return new FoldedMetrics.Answer.Value(total(model));
        if (syscallFigure != null) return new FoldedMetrics.Answer.Value(sumOfRows(model.syscallStats().rowsWithFolded(model.threads())));
        return FoldedMetrics.answer(this, total(model), folded, false);
    }

    /** The sum over some threads (a {@code {name="glob"}} selector). */
    public long sum(TraceModel model, List<ThreadInfo> threads) {
        if (perThread == null) throw new IllegalStateException(key + " has no per-thread value");
        long sum = 0;
        for (ThreadInfo t : threads) sum = Sums.add(sum, perThread.of(model, t));
        return sum;
    }

    /**
     * Whether a selection of no thread is an answer rather than a mistake: a count of the selected
     * threads ({@code threads{name="pool-*"}.count == 0} says there is no pool). Every other metric
     * over an empty selection would compare a sum of nothing, and pass by accident.
     */
    @Override
    public boolean countsSelection() {
        return this == THREADS_COUNT; // not threads.leaked{name="typo"} == 0: that passed on a renamed pool
    }

    public boolean perThread() {
        return perThread != null;
    }

    public static Metric byKey(String key) {
        return Measure.byKey(values(), key);
    }

    public static List<String> keys() {
        return Measure.keys(values());
    }

    /**
     * The thread's futex wait still pending at the end that no returned call holds (killed, torn
     * down or detached in it; not one a signal interrupted: it returned), or null: futex.waits and
     * futex.wait.time count it up to the end, a hung thread's wait being the one that matters.
     */
    private static PendingCall unreturnedWait(TraceModel model, ThreadInfo t) {
        HangAnalysis.Blocked b = model.hang().of(t);
        PendingCall c = b == null ? null : b.call();
        return c != null && c.isFutexWait() && c.ending() != PendingCall.Ending.INTERRUPTED
                && c.ending() != PendingCall.Ending.UNRECORDED ? c : null;
    }

    /** The JSONL summary: every metric with a whole-trace value, in table order; null for one unknown once tasks folded. */
    public static Map<String, Long> summary(TraceModel model) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Metric m : values()) {
            if (m.hasTotal()) out.put(m.key, m.answer(model) instanceof FoldedMetrics.Answer.Value v ? v.value() : null);
        }
        return out;
    }
}
