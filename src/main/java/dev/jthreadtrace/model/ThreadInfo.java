package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the model knows about one task (thread or process leader). Consumers read it; only
 * the model's own classes change it, while the trace runs.
 */
public final class ThreadInfo {
    /** How many of a task's first renames, and of its latest, are kept; those between are only counted. */
    static final int NAMES_KEPT = 16;

    public record NameChange(long ns, String name) {}

    /** The kernel gave it a new parent at {@code ns}: process {@code from} had exited, {@code to} adopted it. */
    public record Reparent(long ns, int from, int to) {}

    /** Final but for one case: a thread that exec'd takes its process's leader tid ({@link #tookLeaderTid}). */
    private int tid;
    /** The tid it had before its exec from a non-leader thread gave it the leader's; 0 when it never did. */
    private int formerTid;
    private long tookLeaderTidAt;
    private int tgid;
    /** The creator's tid, 0 for none (no task has tid 0): a primitive, not a box kept for every task ever seen. */
    private int creator;
    private ThreadInfo creatorInfo;
    private int depth;
    private int osParent;
    private TraceEvent.SpawnKind spawnKind;
    private long cloneFlags;
    /** False when the creator's clone flags could not be read: {@link #cloneFlags} holds only what the kernel showed. */
    private boolean cloneFlagsKnown = true;
    private final long start;
    /** When it ended, {@link #RUNNING} while it runs (a primitive, as {@link #creator}). */
    private long end = RUNNING;
    private static final long RUNNING = Long.MIN_VALUE;
    private Exit exit;
    /**
     * Its renames after the name it started with ({@link #inherited}'s): null until the first. Kept
     * bounded ({@link #NAMES_KEPT} first and last), the ones between counted: a thread renamed in a
     * loop must not grow the tool's memory.
     */
    private BoundedHistory<NameChange> renames;
    /** Its creator's name when it created this task (the creator may rename itself later, any number of times). */
    private String creatorNameAtBirth;
    /** Its PPid changes after its birth (orphaned: re-parented to a subreaper or init), a few at most. */
    private List<Reparent> reparents = List.of();
    private Hooks hooks;
    private Hooks inherited;
    private long clearTidAddress;
    private long stackLow, stackSize;
    private boolean ownExit, ownExitGroup;
    private JavaThread java;
    private String vmName;
    private boolean existedAtAttach;
    private boolean startedForAttach;
    /** Its library set its first mask, other than its creator's (pthread_attr_setsigmask_np, posix_spawnattr_setsigmask). */
    private boolean sigmaskNotTheCreators;
    /** Its ids in the PID namespaces below the tracer's (unshare --pid, a container), outermost first; empty in the tracer's. */
    private List<Integer> nsIds = List.of();
    /** The kernel tid of the last task it created (0: none): the one its clone's result names, by its id in this one's PID namespace. */
    private int lastCreated;

    ThreadInfo(int tid, int tgid, long start, Hooks hooks) {
        this.tid = tid;
        this.tgid = tgid;
        this.start = start;
        this.hooks = hooks;
        this.inherited = hooks;
    }

    /** A task created by {@code creator}: it starts with what the creator had (less pdeathsig). */
    static ThreadInfo createdBy(ThreadInfo creator, int tid, int tgid, long start, Hooks hooks) {
        ThreadInfo t = new ThreadInfo(tid, tgid, start, hooks);
        t.creator = creator.tid;
        t.creatorInfo = creator;
        t.creatorNameAtBirth = creator.hooks().name();
        t.depth = creator.depth + 1;
        creator.lastCreated = tid;
        return t;
    }

    public int tid() {
        return tid;
    }

    public int tgid() {
        return tgid;
    }

    /**
     * The tid this task had as a thread before its execve made it its process's leader (the kernel
     * gives the exec'ing thread the leader's tid and ends the old leader); 0 when that never happened.
     */
    public int formerTid() {
        return formerTid;
    }

    /** When it took the leader's tid (relative ns); meaningful only when {@link #formerTid} is not 0. */
    public long tookLeaderTidAt() {
        return tookLeaderTidAt;
    }

    /** Its id in its own PID namespace ({@code NSpid}'s last) when that is not the tracer's: the program's (a thread dump's) id for it; else 0. */
    public int nsTid() {
        return nsIds.isEmpty() ? 0 : nsIds.getLast();
    }

    /** Its ids per level below the tracer's namespace, outermost first ({@code [2, 1]}: 2 in the outer); the innermost only, from an attach. */
    public List<Integer> nsIds() {
        return nsIds;
    }

    void nsIds(List<Integer> ids) {
        this.nsIds = List.copyOf(ids);
    }

    /** The kernel tid of the last task it created; 0 for none. */
    int lastCreated() {
        return lastCreated;
    }

    /** The task whose clone/fork returned this one; null for the traced command itself. */
    public Integer creator() {
        return creator == 0 ? null : creator;
    }

    /** The creator's record (the tid alone is ambiguous once the kernel reuses it); null for the root. */
    public ThreadInfo creatorInfo() {
        return creatorInfo;
    }

    /** Creator-chain length: 0 for the traced command, 1 for what it created, ... */
    public int depth() {
        return depth;
    }

    /** The kernel's parent (PPid): for CLONE_THREAD the process's parent, for CLONE_PARENT the creator's parent. */
    public int osParent() {
        return osParent;
    }

    /**
     * Each time its parent process ended and the kernel gave it another (the nearest
     * PR_SET_CHILD_SUBREAPER ancestor, else init of the PID namespace), in order; {@link #osParent}
     * is the last one's {@code to}.
     */
    public List<Reparent> reparents() {
        return reparents;
    }

    public TraceEvent.SpawnKind spawnKind() {
        return spawnKind;
    }

    public long cloneFlags() {
        return cloneFlags;
    }

    /** Whether {@link #cloneFlags} are the call's own, not only the part the kernel showed (see {@code Spawned.flagsKnown}). */
    public boolean cloneFlagsKnown() {
        return cloneFlagsKnown;
    }

    /** Nanoseconds since the target's exec. */
    public long start() {
        return start;
    }

    /** When it ended, or null while it runs. */
    public Long end() {
        return end == RUNNING ? null : end;
    }

    /** How it ended, or null (still running at the end, or its end was not seen). */
    public Exit exit() {
        return exit;
    }

    /**
     * Its names in order, the one it started with first: all of them, unless it was renamed more
     * than {@code 2 * NAMES_KEPT} times; then the first and the latest, {@link #namesDropped} of
     * those between left out.
     */
    public List<NameChange> names() {
        NameChange born = new NameChange(start, inherited.name());
        if (renames == null) return List.of(born);
        List<NameChange> out = new ArrayList<>(renames.size() + 1);
        out.add(born);
        out.addAll(renames.kept());
        return Collections.unmodifiableList(out);
    }

    /** How many of its names (renames between its first and latest kept ones) were counted but not kept. */
    public long namesDropped() {
        return renames == null ? 0 : renames.dropped();
    }

    /** Its settings now (at the end of the trace, once it is over). */
    public Hooks hooks() {
        return hooks;
    }

    /** Its settings as they were at creation: what it inherited. */
    public Hooks inherited() {
        return inherited;
    }

    /** CLONE_CHILD_CLEARTID address: the kernel zeroes it and wakes its futex when the task exits. */
    public long clearTidAddress() {
        return clearTidAddress;
    }

    /** The stack the creator gave it (clone/clone3 stack argument): lowest address (or top, for clone) and size. */
    public long stackLow() {
        return stackLow;
    }

    public long stackSize() {
        return stackSize;
    }

    /** The Java thread running on this task, when the JVM agent reported one. */
    public JavaThread java() {
        return java;
    }

    /** The full name the JVM gave one of its own threads (GC Thread#0: not a Java thread), when its thread dump named it; else null. */
    public String vmName() {
        return vmName;
    }

    /**
     * The thread's name: the Java name when the agent reported one (comm is cut at 15 bytes), the
     * JVM's full name of one of its own threads, else comm.
     */
    public String name() {
        return java != null ? java.name() : vmName != null ? vmName : hooks.name();
    }

    /** Everything it started with: the kernel's inheritable settings, then the Java-level ones. */
    public Map<String, String> allInheritedValues() {
        Map<String, String> values = new LinkedHashMap<>(inherited.inheritedValues());
        values.putAll(inheritedJavaValues());
        return values;
    }

    /** What it started with at the Java level ({@link JavaThread#inheritedValues}); empty without the JVM view. */
    public Map<String, String> inheritedJavaValues() {
        return java == null ? new LinkedHashMap<>() : java.inheritedValues();
    }

    /** The value this thread started with for a hook key: a kernel hook or a Java-level one; null for neither. */
    public String inheritedValue(String key) {
        if (JavaThread.isJavaHook(key)) return java == null ? null : java.inheritedValue(key);
        Hook hook = Hook.byKey(key);
        return hook == null ? null : inherited.value(hook);
    }

    /**
     * Running before the tracer attached ({@code jthreadtrace attach}): creator unknown, name and
     * settings as /proc showed them at attach.
     */
    public boolean existedAtAttach() {
        return existedAtAttach;
    }

    /** The JVM's Attach Listener, started because the tool attached to it: the tool's thread, not the application's. */
    public boolean startedForAttach() {
        return startedForAttach;
    }

    void startedForAttach(boolean value) {
        this.startedForAttach = value;
    }

    public boolean isThread() {
        return tid != tgid;
    }

    /**
     * Whether it was created as a thread of a process, not as one: a thread that exec'd from a
     * non-leader tid took the leader's tid ({@link #formerTid}) and is no longer {@link #isThread},
     * yet it is the same task, counted once, as what it was made as.
     */
    public boolean createdAsThread() {
        return isThread() || formerTid != 0;
    }

    /** True when the kernel's parent is not the task that created it: what pstree hides. */
    public boolean reparented() {
        return creator != 0 && osParent != creator;
    }

    /** Its distinct names in order (see {@link #names}: the first and latest kept, {@link #namesDropped} between left out). */
    public List<String> nameHistory() {
        List<String> out = new ArrayList<>();
        for (NameChange n : names()) if (out.isEmpty() || !out.getLast().equals(n.name())) out.add(n.name());
        return out;
    }

    // ---- changed only by the model, while the trace runs -------------------------------------

    void spawnedAs(int osParent, TraceEvent.SpawnKind kind, long flags, boolean flagsKnown) {
        this.osParent = osParent;
        this.spawnKind = kind;
        this.cloneFlags = flags;
        this.cloneFlagsKnown = flagsKnown;
    }

    void existedAtAttach(int osParent) {
        this.existedAtAttach = true;
        this.osParent = osParent;
    }

    void osParent(int pid) {
        this.osParent = pid;
    }

    void reparented(long ns, int to) {
        if (reparents.isEmpty()) reparents = new ArrayList<>(2);
        if (reparents.size() < 8) reparents.add(new Reparent(ns, osParent, to));
        this.osParent = to;
    }

    /** Its last re-parenting went to {@code reaper}, as /proc said, not to init as the model assumed. */
    void reaperSeen(int reaper) {
        Reparent last = reparents.getLast();
        reparents.set(reparents.size() - 1, new Reparent(last.ns(), last.from(), reaper));
        if (osParent == last.to()) this.osParent = reaper;
    }

    void ended(long ns, Exit how) {
        this.end = ns;
        if (how != null) this.exit = how;
    }

    /** Still running when the trace ended. */
    void endedWithTrace(long ns) {
        if (end == RUNNING) end = ns;
    }

    /** The mask its library set as it started, before the program's code ran in it (born in its creator's transient block): what it inherited. */
    void startedWithSigmask(long mask) {
        if (mask != inherited.sigmask()) sigmaskNotTheCreators = true;
        inherited = inherited.withSigmask(mask);
        hooks = hooks.withSigmask(mask);
    }

    /** Whether its inherited mask is not its creator's but the one its library was asked to start it with (see {@link #startedWithSigmask}). */
    public boolean sigmaskNotTheCreators() {
        return sigmaskNotTheCreators;
    }

    void hooks(Hooks next, long ns) {
        if (!hooks.name().equals(next.name())) {
            if (renames == null) renames = new BoundedHistory<>(NAMES_KEPT);
            renames.add(new NameChange(ns, next.name()));
        }
        hooks = next;
    }

    /** Its execve from a non-leader thread gave it the leader's tid: the same task goes on, as the leader. */
    void tookLeaderTid(int leaderTid, long ns) {
        this.formerTid = tid;
        this.tookLeaderTidAt = ns;
        this.tid = leaderTid;
    }

    /** Its creator's name (comm) when it created this task; null for a task with no creator seen. */
    public String creatorNameAtBirth() {
        return creatorNameAtBirth;
    }

    void clearTidAddress(long address) {
        this.clearTidAddress = address;
    }

    void stack(long low, long size) {
        this.stackLow = low;
        this.stackSize = size;
    }

    void calledExit() {
        ownExit = true;
    }

    void calledExitGroup() {
        ownExitGroup = true;
    }

    boolean calledExitItself() {
        return ownExit;
    }

    boolean calledExitGroupItself() {
        return ownExitGroup;
    }

    void java(JavaThread java) {
        this.java = java;
    }

    void vmName(String name) {
        this.vmName = name;
    }
}
