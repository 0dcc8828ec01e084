package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallSpec;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thread and process table, built from the event stream: who created whom and where the
 * kernel put them. A syscall's meaning comes from its registry row ({@link SyscallSpec#effect()}):
 * settings go to the {@link SettingsTracker}, futex calls to the {@link FutexLog}, mappings to the
 * {@link MmapLog}. Times are nanoseconds relative to the target's exec. Fed on the consumer
 * thread, one event at a time, in the tracer's order; never prints. Consumers read it through
 * its getters: lists come unmodifiable, and {@link ThreadInfo} has no public setter.
 */
public final class TraceModel {
    private long t0 = Long.MIN_VALUE;
    private int rootPid;
    private int tracerPid;
    private List<String> command = List.of();
    private final List<ThreadInfo> threads = new ArrayList<>();
    private final Map<Integer, ThreadInfo> live = new HashMap<>();
    /** The latest record for each tid, live or ended: tids are reused, so this is what a tid means now. */
    private final Map<Integer, ThreadInfo> latest = new HashMap<>();
    private final Map<Integer, ProcessInfo> processes = new LinkedHashMap<>();
    private final Map<Integer, Integer> groupExitBy = new HashMap<>();
    private final SettingsTracker settings = new SettingsTracker();
    private final CommWrites commWrites = new CommWrites();
    private final SyscallStats syscallStats = new SyscallStats();
    private final FutexLog futex = new FutexLog();
    private final MmapLog mmap = new MmapLog();
    private JavaView java = JavaView.NONE;
    private FutexAnalysis futexAnalysis;
    private LeakAnalysis leaks;
    private int peakLive;
    private long endNs;
    private int interruptedBy;
    private String tracerFailure;
    /** The traced command called seccomp() or prctl(PR_SET_SECCOMP) itself (whether it worked or not). */
    private boolean ownSeccomp;
    private boolean ended;
    /** Attach mode: the trace began at an attach, and (if it did) ended at a detach of this many tasks. */
    private boolean attached;
    private int detachedTasks = -1;

    public void accept(TraceEvent event) {
        futexAnalysis = null;
        leaks = null;
        if (t0 == Long.MIN_VALUE && !(event instanceof TraceEvent.TargetStarted) && !(event instanceof TraceEvent.Attached)) {
            if (event instanceof TraceEvent.TraceEnded e) {
                ended = true;
                interruptedBy = e.interruptedBy();
                tracerFailure = e.failure();
            }
            return; // nothing before the target starts belongs to the trace
        }
        switch (event) {
            case TraceEvent.TargetStarted s -> started(s);
            case TraceEvent.Attached a -> attached(a);
            case TraceEvent.Detached d -> detachedTasks = d.detached();
            case TraceEvent.Syscall s -> syscall(s);
            case TraceEvent.Spawned s -> spawned(s);
            case TraceEvent.UntracedChild u -> untraced(u);
            case TraceEvent.Exec e -> exec(e);
            case TraceEvent.Exited e -> ended(e.tid(), rel(e.ns()), exitOf(e.tid(), e.code()));
            case TraceEvent.Killed k -> ended(k.tid(), rel(k.ns()), new Exit.Killed(k.signal(), k.coreDumped()));
            case TraceEvent.SignalDelivered s -> thread(s.tid(), rel(s.ns()));
            case TraceEvent.GroupStopped g -> thread(g.tid(), rel(g.ns()));
            case TraceEvent.TraceEnded e -> {
                ended = true;
                endNs = rel(e.ns());
                interruptedBy = e.interruptedBy();
                tracerFailure = e.failure();
                for (ThreadInfo t : live.values()) t.endedWithTrace(endNs);
            }
        }
    }

    /**
     * The one way the Java view enters the model: after the trace, joined by {@code jvm.JavaJoin}
     * from what the JVM agents reported.
     */
    public void attachJava(JavaView view) {
        this.java = view;
        this.leaks = null;
        view.threads().forEach(ThreadInfo::java);
    }

    // ---- queries --------------------------------------------------------------------------------

    /** Calls, errors and time per syscall, for the strace -c table. */
    public SyscallStats syscallStats() {
        return syscallStats;
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
        return Collections.unmodifiableList(threads);
    }

    public Collection<ProcessInfo> processes() {
        return Collections.unmodifiableCollection(processes.values());
    }

    public ProcessInfo process(int pid) {
        return processes.get(pid);
    }

    /** The record of a live task, or the latest one with this tid. */
    public ThreadInfo thread(int tid) {
        ThreadInfo t = live.get(tid);
        return t != null ? t : latest.get(tid);
    }

    /** The current name of a task for a live line; "?" for one the model has not seen. */
    public String nameOf(int tid) {
        ThreadInfo t = thread(tid);
        return t == null ? "?" : t.name();
    }

    /** Every setting change, in order. */
    public List<HookChange> hookChanges() {
        return settings.changes();
    }

    /** The changes one task made, in order. */
    public List<HookChange> hookChanges(int tid) {
        return settings.changes(tid);
    }

    public FutexLog futex() {
        return futex;
    }

    /** Who woke whom and the joins: made once from the finished log. */
    public FutexAnalysis futexAnalysis() {
        if (futexAnalysis == null) futexAnalysis = futex.analysis();
        return futexAnalysis;
    }

    /** The threads that outlived their program's scope: made once from the finished model and its Java view. */
    public LeakAnalysis leaks() {
        if (leaks == null) leaks = LeakAnalysis.of(this);
        return leaks;
    }

    public MmapLog mmap() {
        return mmap;
    }

    public int peakLive() {
        return peakLive;
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
        return ownSeccomp;
    }

    /** Why the tracer itself failed and ended the trace (the tracees were killed), or null. */
    public String tracerFailure() {
        return tracerFailure;
    }

    /** The traced command's own exit, when it has one. */
    public Exit targetExit() {
        ProcessInfo root = processes.get(rootPid);
        return root == null ? null : root.exit();
    }

    public ThreadInfo root() {
        return thread(rootPid);
    }

    /** Creator chain length: 0 for the root, 1 for what it created, ... */
    public int depth(ThreadInfo t) {
        return t.depth();
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
        ThreadInfo root = new ThreadInfo(s.pid(), s.pid(), 0, Hooks.initial(SettingsTracker.comm(s.path())));
        root.osParent(s.tracerPid());
        add(root);
        processes.put(s.pid(), new ProcessInfo(s.pid(), null, s.tracerPid()));
        settings.started(root);
    }

    /** Every thread that existed at attach, with its settings as /proc showed them; no creator. */
    private void attached(TraceEvent.Attached a) {
        t0 = a.ns();
        rootPid = a.pid();
        tracerPid = a.tracerPid();
        command = List.copyOf(a.argv());
        attached = true;
        for (TraceEvent.ExistingTask e : a.tasks()) {
            Hooks hooks = new Hooks(e.name(), e.sigmask(), e.affinity(), e.seccomp(), e.noNewPrivs(), 0, "ptrace");
            ThreadInfo t = new ThreadInfo(e.tid(), e.tgid(), 0, hooks);
            t.existedAtAttach(e.ppid());
            add(t);
            settings.started(t);
            ProcessInfo process = processes.computeIfAbsent(e.tgid(), pid -> new ProcessInfo(pid, null, e.ppid()));
            if (e.tgid() == a.pid() && e.tid() == e.tgid() && a.path() != null) process.execd(a.path());
        }
    }

    /**
     * After an attach: the "Attach Listener" each JVM in {@code jvmPids} started during the trace
     * answers the tool's Attach API connection, and "jthreadtrace-agent" is the agent's tie to the
     * tool: both are marked as the tool's, not the application's.
     */
    public void markAttachListeners(java.util.Collection<Integer> jvmPids) {
        for (ThreadInfo t : threads) {
            if (!t.existedAtAttach() && jvmPids.contains(t.tgid())
                    && (t.nameHistory().contains("Attach Listener") || t.nameHistory().contains("jthreadtrace-ag"))) {
                t.startedForAttach(true);
            }
        }
    }

    /** Whether the trace attached to running processes ({@code jthreadtrace attach}) rather than starting one. */
    public boolean attached() {
        return attached;
    }

    /** How many tasks were detached at the end of an attach (they ran on); -1 when none was (they exited, or a run). */
    public int detachedTasks() {
        return detachedTasks;
    }

    private void add(ThreadInfo t) {
        threads.add(t);
        live.put(t.tid(), t);
        latest.put(t.tid(), t);
        peakLive = Math.max(peakLive, live.size());
    }

    /** The task, created on first sight if an event names one the model has not met. */
    private ThreadInfo thread(int tid, long ns) {
        ThreadInfo t = live.get(tid);
        if (t == null) {
            t = new ThreadInfo(tid, tid, ns, Hooks.initial("?"));
            add(t);
        }
        return t;
    }

    private void spawned(TraceEvent.Spawned s) {
        long ns = rel(s.ns());
        ThreadInfo creator = thread(s.creator(), ns);
        boolean isThread = (s.flags() & CloneFlags.CLONE_THREAD) != 0;
        int tgid = isThread ? creator.tgid() : s.child();
        ProcessInfo creatorProcess = processes.get(creator.tgid());
        int processParent = creatorProcess != null ? creatorProcess.parentPid() : creator.osParent();
        boolean parentOfCreator = isThread || (s.flags() & CloneFlags.CLONE_PARENT) != 0;

        ThreadInfo child = ThreadInfo.createdBy(creator, s.child(), tgid, ns, creator.hooks().forChild());
        child.spawnedAs(parentOfCreator ? processParent : creator.tgid(), s.kind(), s.flags());
        ThreadInfo previous = live.remove(s.child());
        if (previous != null) previous.endedWithTrace(ns);
        add(child);
        settings.spawned(creator, child);
        if (!isThread) processes.put(s.child(), new ProcessInfo(s.child(), creator.tid(), child.osParent()));
    }

    private void untraced(TraceEvent.UntracedChild u) {
        long ns = rel(u.ns());
        ThreadInfo creator = thread(u.creator(), ns);
        ThreadInfo child = ThreadInfo.createdBy(creator, u.child(), u.child(), ns,
                creator.hooks().forChild().withTraced("untraced"));
        child.spawnedAs(creator.tgid(), TraceEvent.SpawnKind.CLONE, CloneFlags.CLONE_UNTRACED);
        child.ended(ns, new Exit.Untraced());
        threads.add(child);
        latest.put(child.tid(), child);
        processes.put(u.child(), new ProcessInfo(u.child(), creator.tid(), creator.tgid()));
    }

    private void exec(TraceEvent.Exec e) {
        long ns = rel(e.ns());
        ThreadInfo leader = thread(e.tid(), ns);
        if (e.formerTid() != e.tid()) {
            ThreadInfo former = live.remove(e.formerTid());
            if (former != null) former.ended(ns, new Exit.ReplacedByExec(e.tid()));
            leader.continues(former != null ? former.hooks() : leader.hooks(), ns);
        }
        ProcessInfo process = processes.get(leader.tgid());
        if (process != null && e.path() != null) process.execd(e.path());
        settings.exec(leader, ns, e.path());
    }

    private Exit exitOf(int tid, int code) {
        ThreadInfo t = live.get(tid);
        if (t != null && t.calledExitGroupItself()) return new Exit.GroupExit(code, null);
        if (t != null && t.calledExitItself()) return new Exit.Exited(code, true);
        Integer by = t == null ? null : groupExitBy.get(t.tgid());
        if (by != null) return new Exit.GroupExit(code, by);
        return new Exit.Exited(code, false);
    }

    private void ended(int tid, long ns, Exit exit) {
        ThreadInfo t = live.remove(tid);
        if (t == null) return;
        t.ended(ns, exit);
        if (t.tid() == t.tgid()) {
            ProcessInfo p = processes.get(t.tgid());
            if (p != null) p.exit(exit);
        }
    }

    /** One finished syscall: what it does to the model is its registry row's effect. */
    private void syscall(TraceEvent.Syscall s) {
        long ns = rel(s.ns());
        ThreadInfo t = thread(s.tid(), ns);
        syscallStats.add(t, s);
        SyscallSpec spec = Syscalls.byNumber(s.nr());
        if (spec == null) return;
        long[] a = s.args();
        boolean ok = s.returned() && !s.error();
        switch (spec.effect()) {
            case NONE -> { }
            case PRCTL -> {
                if ((int) a[0] == dev.jthreadtrace.decode.Prctl.PR_SET_SECCOMP) ownSeccomp = true;
                if (ok) settings.prctl(t, ns, a, s.captures().string(1), live.values());
            }
            case SECCOMP -> {
                ownSeccomp = true;
                if (ok && a[0] == dev.jthreadtrace.decode.Seccomp.SECCOMP_SET_MODE_FILTER) {
                    settings.seccompFilter(t, ns, a[1], live.values());
                }
            }
            case SIGPROCMASK -> {
                if (ok) settings.sigprocmask(t, ns, a[0], s.captures().bytes(1));
            }
            case AFFINITY -> {
                ThreadInfo target = a[0] == 0 ? t : live.get((int) a[0]);
                if (ok && s.captures().bytes(2) != null && target != null) settings.affinity(target, ns, s.captures().bytes(2));
            }
            case EXIT -> {
                t.calledExit();
                if (t.tid() == t.tgid()) scopeEnded(t, new ScopeEnd(ns, t.tid(), "main thread exited"));
            }
            case EXIT_GROUP -> {
                t.calledExitGroup();
                groupExitBy.putIfAbsent(t.tgid(), t.tid());
                scopeEnded(t, new ScopeEnd(ns, t.tid(), t.tid() == t.tgid() ? "main returned" : "exit_group by " + t.tid()));
            }
            case SPAWN -> {
                if (ok && s.ret() > 0) cloned(s, (int) s.ret());
            }
            case SET_TID_ADDRESS -> {
                t.clearTidAddress(a[0]);
                futex.clearTid(t, a[0]);
            }
            case FUTEX -> futex.record(t, s, ns, rel(s.exitNs()));
            case MMAP -> mmap.mmap(t, s, ns);
            case MUNMAP -> mmap.munmap(t, s);
            case MREMAP -> mmap.mremap(t, s, ns);
            case OPEN -> {
                if (ok) commWrites.opened(t, (int) s.ret(), s.captures().string(s.nr() == SyscallTable.OPENAT ? 1 : 0));
            }
            case WRITE -> renamedThroughComm(t, s, ns, ok);
            case CLOSE -> {
                if (ok) commWrites.closed(t, (int) a[0]);
            }
        }
    }

    /** A write to a thread's comm file (pthread_setname_np on another thread): that thread's new name. */
    private void renamedThroughComm(ThreadInfo writer, TraceEvent.Syscall s, long ns, boolean ok) {
        int target = ok && s.ret() > 0 ? commWrites.written(writer, (int) s.args()[0]) : -1;
        ThreadInfo renamed = target < 0 ? null : live.get(target);
        byte[] written = s.captures().bytes(1);
        if (renamed == null || written == null) return;
        settings.named(renamed, ns, dev.jthreadtrace.decode.CommFile.name(Arrays.copyOf(written, (int) Math.min(written.length, s.ret()))));
    }

    private void scopeEnded(ThreadInfo t, ScopeEnd end) {
        ProcessInfo process = processes.get(t.tgid());
        if (process != null) process.scopeEnded(end);
    }

    /** The child a clone returned: the word the kernel clears at its exit, and the stack it was given. */
    private void cloned(TraceEvent.Syscall s, int childTid) {
        ThreadInfo child = live.get(childTid);
        if (child == null) return;
        long[] a = s.args();
        byte[] cloneArgs = s.captures().bytes(0);
        if (s.nr() == dev.jthreadtrace.decode.SyscallTable.CLONE) {
            if ((a[0] & CloneFlags.CLONE_CHILD_CLEARTID) != 0) {
                child.clearTidAddress(a[3]);
                futex.clearTid(child, a[3]);
            }
            child.stack(a[1], child.stackSize());
            mmap.threadStack(child);
        } else if (cloneArgs != null && cloneArgs.length >= CloneFlags.CLONE_ARGS_SIZE_VER0) {
            CloneFlags.CloneArgs c = CloneFlags.CloneArgs.parse(cloneArgs);
            if ((c.flags() & CloneFlags.CLONE_CHILD_CLEARTID) != 0) {
                child.clearTidAddress(c.childTid());
                futex.clearTid(child, c.childTid());
            }
            child.stack(c.stack(), c.stackSize());
            mmap.threadStack(child);
        }
    }
}
