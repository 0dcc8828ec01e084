package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trace as a model, built from the event stream: the tasks and processes ({@link ThreadTable}:
 * who created whom and where the kernel put them), what their syscalls did ({@link SyscallEffects}),
 * the settings each inherited and changed ({@link SettingsTracker}), and the Java view. Times are nanoseconds relative to the target's exec. Fed on the consumer
 * thread, one event at a time, in the tracer's order; never prints. Consumers read it through
 * its getters: lists come unmodifiable, and {@link ThreadInfo} has no public setter.
 */
public final class TraceModel {
    private long t0 = Long.MIN_VALUE;
    private int rootPid;
    private int tracerPid;
    private List<String> command = List.of();
    private ThreadInfo rootRecord;
    private final ThreadTable table;
    private final SettingsTracker settings = new SettingsTracker();
    private final SyscallEffects effects;
    private final TaskFolding folding;
    /** Threads a stop signal stopped, until they run again (the end of a chain of waits). */
    private final Stops stops = new Stops();
    private JavaView java = JavaView.NONE;
    private FutexAnalysis futexAnalysis;
    private LeakAnalysis leaks;
    private final PendingCalls pending = new PendingCalls();
    private final Restarts restarts = new Restarts();
    private HangAnalysis hang;
    private int peakLive;
    private long endNs;
    private int interruptedBy;
    private String tracerFailure;
    private boolean ended;
    /** Attach mode: the trace began at an attach, and (if it did) ended at a detach of this many tasks. */
    private boolean attached;
    private int detachedTasks = -1;
    /** The last look before the end (relative ns), or null: the trace ended by itself, or an older saved trace. */
    private TraceEvent.EndLook endLook;
    /** The looks before it, latest first (a look at the first signal, then one at the kill), at most {@link #EARLIER_LOOKS}. */
    private final ArrayDeque<TraceEvent.EndLook> earlierLooks = new ArrayDeque<>();
    private static final int EARLIER_LOOKS = 4;

    /** A model that keeps every task in full. */
    public TraceModel() {
        this(-1, Map.of());
    }

    /** Keeps {@code keepEnded} ended tasks in full (negative: all), folds the older; {@code selectors}: the assertions' globs, counted at a fold. */
    public TraceModel(int keepEnded, Map<String, java.util.function.Predicate<ThreadInfo>> selectors) {
        FoldedTasks folded = new FoldedTasks(keepEnded, selectors);
        this.table = new ThreadTable(keepEnded, folded);
        this.effects = new SyscallEffects(table, settings);
        this.folding = new TaskFolding(folded, effects, settings, pending);
    }

    public void accept(TraceEvent event) {
        futexAnalysis = null;
        leaks = null;
        hang = null;
        if (t0 == Long.MIN_VALUE && !(event instanceof TraceEvent.TargetStarted) && !(event instanceof TraceEvent.Attached)) {
            if (event instanceof TraceEvent.TraceEnded e) {
                ended = true;
                interruptedBy = e.interruptedBy();
                tracerFailure = e.failure();
            }
            return; // nothing before the target starts belongs to the trace
        }
        // Tasks ended by the event before fold now: the sinks that read that event (live lines, Perfetto) found them.
        folding.foldDue(table, pending::holds);
        switch (event) {
            case TraceEvent.TargetStarted s -> started(s);
            case TraceEvent.Attached a -> attached(a);
            case TraceEvent.Detached d -> detachedTasks = d.detached();
            case TraceEvent.EndLook l -> looked(new TraceEvent.EndLook(rel(l.ns()), l.tasks()));
            case TraceEvent.Syscall s -> syscall(s);
            case TraceEvent.SyscallEntered s -> stops.ran(table.task(s.tid(), rel(s.ns())));
            case TraceEvent.Spawned s -> spawned(s);
            case TraceEvent.UntracedChild u -> table.untraced(u, rel(u.ns()));
            case TraceEvent.CommWritten c -> named(c.tid(), c.target(), rel(c.ns()), c.name());
            case TraceEvent.CommSeen c -> named(c.tid(), c.tid(), rel(c.ns()), c.name()); // io_uring's: who wrote it is not known
            case TraceEvent.MaskSeen m -> settings.maskSeen(table.task(m.tid(), rel(m.ns())), rel(m.ns()), m.mask());
            case TraceEvent.Exec e -> exec(e);
            case TraceEvent.ParentSeen p -> table.parentSeen(p.pid(), p.ppid());
            case TraceEvent.Exited e -> ended(e.tid(), rel(e.ns()), table.exitOf(e.tid(), e.code()));
            case TraceEvent.Killed k -> ended(k.tid(), rel(k.ns()), new Exit.Killed(k.signal(), k.coreDumped()));
            case TraceEvent.SignalDelivered s -> stops.delivered(table.task(s.tid(), rel(s.ns())), s, table);
            case TraceEvent.GroupStopped g -> stops.groupStopped(table.task(g.tid(), rel(g.ns())), g.signal(), rel(g.ns()));
            case TraceEvent.TraceEnded e -> {
                ended = true;
                endNs = rel(e.ns());
                interruptedBy = e.interruptedBy();
                tracerFailure = e.failure();
                table.traceEnded(endNs);
            }
        }
    }

    /** The tasks folded so far (none unless a bound was given). */
    public FoldedTasks folded() {
        return folding.folded();
    }

    /**
     * The one way the Java view enters the model: after the trace, joined by {@code jvm.JavaJoin}
     * from what the JVM agents reported.
     */
    public void attachJava(JavaView view) {
        this.java = view;
        this.leaks = null;
        this.hang = null;
        view.threads().forEach(ThreadInfo::java);
        view.vmThreadNames().forEach(ThreadInfo::vmName);
    }

    // ---- queries --------------------------------------------------------------------------------

    /** Calls, errors and time per syscall, for the strace -c table. */
    public SyscallStats syscallStats() {
        return effects.stats();
    }

    /** Everything the JVM agents reported, as attached. */
    public JavaView javaView() {
        return java;
    }

    /** How many times each carrier (OS thread) mounted a virtual thread. */
    public Map<Integer, Long> virtualThreadMountsByCarrier() {
        return java.mountsByCarrier();
    }

    /** Virtual threads constructed by each OS thread. */
    public Map<Integer, Integer> virtualThreadsByCreator() {
        return java.virtualByCreator();
    }

    /** One-line remarks for the user (e.g. a JVM whose agent did not load). */
    public List<String> notes() {
        return java.notes();
    }

    public long t0() {
        return t0;
    }

    /** Nanoseconds since the target's exec. */
    public long rel(long ns) {
        return t0 == Long.MIN_VALUE ? 0 : ns - t0;
    }

    public boolean started() {
        return t0 != Long.MIN_VALUE;
    }

    public int rootPid() {
        return rootPid;
    }

    public int tracerPid() {
        return tracerPid;
    }

    public List<String> command() {
        return command;
    }

    /** Every task seen, in creation order. */
    public List<ThreadInfo> threads() {
        return table.threads();
    }

    public Collection<ProcessInfo> processes() {
        return table.processes();
    }

    public ProcessInfo process(int pid) {
        return table.process(pid);
    }

    /** The record of a live task, or the latest one with this tid. */
    public ThreadInfo thread(int tid) {
        return table.thread(tid);
    }

    /** The current name of a task for a live line; "?" for one the model has not seen. */
    public String nameOf(int tid) {
        ThreadInfo t = thread(tid);
        return t == null ? "?" : t.name();
    }

    /** Every setting change kept, in order: all of them but the middle of a long run under one tid ({@link #hookChangeCount}). */
    public List<HookChange> hookChanges() {
        return settings.changes();
    }

    /**
     * How many setting changes were made: those {@link #hookChanges()} keeps and those it let go
     * (beyond the first and latest {@value SettingsTracker#CHANGES_KEPT} under one tid).
     */
    public long hookChangeCount() {
        return settings.changeCount();
    }

    /** How many setting changes were counted but not kept (see {@link #hookChangeCount}). */
    public long hookChangesDropped() {
        return settings.changesDropped();
    }

    /** The changes made under one tid, in order (by every task that had it: tids are reused). */
    public List<HookChange> hookChanges(int tid) {
        return settings.changes(tid);
    }

    /**
     * The changes one task made, in order: those under its tid in its lifetime; for a thread whose
     * execve gave it its leader's tid, those under its former tid until then, then the leader's
     * (the old leader's end is that moment: the exec's own change is the new leader's).
     */
    public List<HookChange> hookChanges(ThreadInfo t) {
        return settings.changesOf(t);
    }

    public FutexLog futex() {
        return effects.futex();
    }

    /** Who woke whom and the joins: made once from the finished log. */
    public FutexAnalysis futexAnalysis() {
        if (futexAnalysis == null) futexAnalysis = effects.futex().analysis();
        return futexAnalysis;
    }

    /** The threads that outlived their program's scope: made once from the finished model and its Java view. */
    public LeakAnalysis leaks() {
        if (leaks == null) leaks = LeakAnalysis.of(this);
        return leaks;
    }

    /**
     * What each thread was blocked in when the trace ended, who waited for whom, the deadlocks:
     * made once from the finished model and the JVMs' lock views.
     */
    public HangAnalysis hang() {
        if (hang == null) hang = HangAnalysis.of(this, effects.futex(), pending, stops.atEnd(endLook(), endNs));
        return hang;
    }

    public MmapLog mmap() {
        return effects.mmap();
    }

    public int peakLive() {
        return table.peakLive();
    }

    public long endNs() {
        return endNs;
    }

    public boolean ended() {
        return ended;
    }

    public int interruptedBy() {
        return interruptedBy;
    }

    /**
     * Whether the traced command used seccomp itself: a filter of its own, or strict mode. Under
     * the tool's filter such a command may behave differently than untraced (SECCOMP_RET_TRACE in
     * its filter, strict mode refused), so the user is told.
     */
    public boolean commandUsedSeccomp() {
        return effects.ownSeccomp();
    }

    /** Why the tracer itself failed and ended the trace (the tracees were killed), or null. */
    public String tracerFailure() {
        return tracerFailure;
    }

    /** The traced command's own exit, when it has one. */
    public Exit targetExit() {
        ProcessInfo root = table.process(rootPid);
        return root == null ? null : root.exit();
    }

    /** The traced command's first task (after an exec from another thread, the old leader it was, not its successor). */
    public ThreadInfo root() {
        return rootRecord != null ? rootRecord : thread(rootPid);
    }

    public ThreadInfo creatorOf(ThreadInfo t) {
        return t.creatorInfo();
    }

    // ---- event handling -----------------------------------------------------------------------

    private void started(TraceEvent.TargetStarted s) {
        t0 = s.ns();
        rootPid = s.pid();
        tracerPid = s.tracerPid();
        command = List.copyOf(s.argv());
        rootRecord = table.started(s.pid(), s.tracerPid(), SettingsTracker.comm(s.path()));
        settings.started(rootRecord);
    }

    /** Every thread that existed at attach, with its settings as /proc showed them; no creator. */
    private void attached(TraceEvent.Attached a) {
        t0 = a.ns();
        rootPid = a.pid();
        tracerPid = a.tracerPid();
        command = List.copyOf(a.argv());
        attached = true;
        // A CLONE_VM child found at the attach runs in its parent's memory: before anything is keyed by it.
        for (TraceEvent.ExistingTask e : a.tasks()) if (e.memoryOf() != 0) effects.shared().sharedBy(e.tgid(), e.memoryOf());
        for (TraceEvent.ExistingTask e : a.tasks()) {
            Hooks hooks = new Hooks(e.name(), e.sigmask(), e.affinity(), e.seccomp(), e.noNewPrivs(), 0, Hooks.Tracer.PTRACE);
            ThreadInfo t = table.existing(e, hooks);
            settings.started(t);
            if (e.tid() == a.pid()) rootRecord = t;
            if (e.inCall() != null) restarts.atAttach(t, Restarts.inCall(a.ns(), e), 0);
            if (!e.shared().isEmpty()) effects.shared().existing(e.tgid(), e.shared());
            if (e.tgid() == a.pid() && e.tid() == e.tgid() && a.path() != null) table.process(e.tgid()).execd(a.path(), e.runtime());
            else if (e.tid() == e.tgid() && e.runtime() != null) table.process(e.tgid()).runs(e.runtime());
        }
    }

    /**
     * After an attach: the threads each JVM in {@code jvmPids} started during the trace to answer the
     * tool (which ones, by name, the {@code jvm} layer knows) are marked as the tool's, not the
     * application's.
     */
    public void markStartedForAttach(Collection<Integer> jvmPids, Set<String> toolThreadNames) {
        table.markStartedForAttach(jvmPids, toolThreadNames);
    }

    /** Whether the trace attached to running processes ({@code jthreadtrace attach}) rather than starting one. */
    public boolean attached() {
        return attached;
    }

    /** The last look at the tasks before the trace ended, its time relative; null when none was taken. */
    public TraceEvent.EndLook endLook() {
        return endLook;
    }

    /** The looks taken before the last one, latest first (none when one look was taken). */
    List<TraceEvent.EndLook> earlierLooks() {
        return List.copyOf(earlierLooks);
    }

    private void looked(TraceEvent.EndLook l) {
        if (endLook != null) earlierLooks.addFirst(endLook);
        if (earlierLooks.size() > EARLIER_LOOKS) earlierLooks.removeLast();
        endLook = l;
    }

    public int detachedTasks() {
        return detachedTasks;
    }

    private void spawned(TraceEvent.Spawned s) {
        ThreadInfo child = table.spawned(s, rel(s.ns()));
        settings.spawned(child.creatorInfo(), child);
        ThreadInfo creator = child.creatorInfo();
        // A fork copies the parent's mappings; a vfork or CLONE_VM child runs in the parent's memory.
        if (creator != null && child.tgid() != creator.tgid()) {
            if ((s.flags() & CloneFlags.CLONE_VM) == 0) effects.forked(creator.tgid(), child.tgid());
            else effects.shared().sharedBy(child.tgid(), creator.tgid());
        }
    }

    private void exec(TraceEvent.Exec e) {
        long ns = rel(e.ns());
        if (e.formerTid() != e.tid() && table.live(e.formerTid()) != null) settings.renumbered(e.formerTid(), e.tid());
        ThreadInfo leader = table.exec(e, ns);
        effects.execd(leader.tgid());
        settings.exec(leader, ns, e.path(), e.comm());
    }

    /** A name written to thread {@code target}'s /proc comm file (or seen there): its new name, the kernel's bytes; the same name changes nothing. */
    private void named(int writer, int target, long ns, byte[] name) {
        table.task(writer, ns);
        ThreadInfo named = table.live(target);
        if (named != null) settings.named(named, writer, ns, KernelBytes.decode(name));
    }

    /** One finished syscall: what it does to the model is its registry row's effect (a restart_syscall's, the call it continues). */
    private void syscall(TraceEvent.Syscall s) {
        long ns = rel(s.ns());
        ThreadInfo t = table.task(s.tid(), ns);
        stops.ran(t);
        Restarts.Continued c = restarts.next(t, s, ns, rel(s.exitNs()));
        effects.apply(t, s, c, Syscalls.byNumber(c.call().nr()), ns, rel(s.exitNs()));
        pending.syscall(t, c, ns, rel(s.exitNs()));
    }

    /** A task ended: its end, and no call of it is continued any more. */
    private void ended(int tid, long ns, Exit exit) {
        ThreadInfo t = table.live(tid);
        if (t != null) {
            restarts.ended(t);
            stops.ended(t);
            settings.ended(t);
        }
        table.ended(tid, ns, exit);
        if (t != null && !table.processLive(t.tgid())) effects.shared().ended(t.tgid(), table::processLive);
    }
}
