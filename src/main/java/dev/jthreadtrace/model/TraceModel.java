package dev.jthreadtrace.model;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.CpuSet;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.MemoryFlags;
import dev.jthreadtrace.decode.Prctl;
import dev.jthreadtrace.decode.Seccomp;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.decode.SyscallTable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thread and process table, built from the event stream: who created whom, where the kernel
 * put them, what they inherited and changed, and the raw material of the futex and mmap analyses.
 * Times are nanoseconds relative to the target's exec. Fed on the consumer thread, one event at a
 * time, in the tracer's order; never prints.
 */
public final class TraceModel {
    /** Signals the kernel never lets a task block: a mask can not contain them. */
    private static final long UNBLOCKABLE = (1L << (9 - 1)) | (1L << (19 - 1));
    /** A mask with this many signals blocked is glibc's "block everything" around clone, not a setting. */
    private static final int TRANSIENT_BLOCK = 60;
    private static final int TASK_COMM_LEN = 15;

    private long t0 = Long.MIN_VALUE;
    private int rootPid;
    private int tracerPid;
    private List<String> command = List.of();
    private final List<ThreadInfo> threads = new ArrayList<>();
    private final Map<Integer, ThreadInfo> live = new HashMap<>();
    /** The latest record for each tid, live or ended: tids are reused, so this is what a tid means now. */
    private final Map<Integer, ThreadInfo> latest = new HashMap<>();
    private final Map<Integer, List<HookChange>> changesByTid = new HashMap<>();
    private final Map<Integer, ProcessInfo> processes = new LinkedHashMap<>();
    private final Map<Integer, Long> realMask = new HashMap<>();
    private final Map<Integer, Integer> groupExitBy = new HashMap<>();
    private final List<HookChange> hookChanges = new ArrayList<>();
    private final List<FutexCall> futexCalls = new ArrayList<>();
    private final List<Mapping> mappings = new ArrayList<>();
    private int peakLive;
    private long endNs;
    private int interruptedBy;
    private boolean ended;

    public void accept(TraceEvent event) {
        if (t0 == Long.MIN_VALUE && !(event instanceof TraceEvent.TargetStarted)) {
            if (event instanceof TraceEvent.TraceEnded e) {
                ended = true;
                interruptedBy = e.interruptedBy();
            }
            return; // nothing before the target starts belongs to the trace
        }
        switch (event) {
            case TraceEvent.TargetStarted s -> started(s);
            case TraceEvent.Syscall s -> syscall(s);
            case TraceEvent.Spawned s -> spawned(s);
            case TraceEvent.UntracedChild u -> untraced(u);
            case TraceEvent.Exec e -> exec(e);
            case TraceEvent.Exited e -> ended(e.tid(), rel(e.ns()), exitKind(e.tid(), e.code()));
            case TraceEvent.Killed k -> ended(k.tid(), rel(k.ns()), new Exit("killed", k.signal(),
                    "killed by " + Signals.name(k.signal()) + (k.coreDumped() ? " (core dumped)" : "")));
            case TraceEvent.SignalDelivered s -> thread(s.tid(), rel(s.ns()));
            case TraceEvent.GroupStopped g -> thread(g.tid(), rel(g.ns()));
            case TraceEvent.TraceEnded e -> {
                ended = true;
                endNs = rel(e.ns());
                interruptedBy = e.interruptedBy();
                for (ThreadInfo t : live.values()) if (t.end == null) t.end = endNs;
            }
        }
    }

    private final List<JavaRecord> javaRecords = new ArrayList<>();
    private final Map<Integer, Integer> virtualByCreator = new LinkedHashMap<>();
    private final Map<Integer, java.util.Set<Long>> virtualByCarrier = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * Joins what the JVM agents reported to the kernel tasks. A platform thread's task is the one
     * the starting OS thread cloned first after {@code start()} was called; a virtual thread has no
     * task of its own and is counted under the OS thread that constructed it.
     */
    public void attachJava(List<JavaRecord> records) {
        javaRecords.addAll(records);
        Map<String, JavaRecord.Constructed> constructed = new HashMap<>();
        for (JavaRecord r : records) {
            if (r instanceof JavaRecord.Constructed c) constructed.put(c.pid() + ":" + c.id(), c);
        }
        java.util.Set<ThreadInfo> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        // What each OS thread created, in creation order: one index instead of a scan of every
        // thread for every start() record (a JVM that churns threads has thousands of both).
        Map<Integer, List<ThreadInfo>> created = new HashMap<>();
        for (ThreadInfo t : threads) if (t.creator != null) created.computeIfAbsent(t.creator, k -> new ArrayList<>()).add(t);
        for (JavaRecord r : records) {
            switch (r) {
                case JavaRecord.Constructed c when c.virtual() -> {
                    virtualByCreator.merge(c.osTid(), 1, Integer::sum);
                }
                case JavaRecord.Mounted m -> virtualByCarrier.computeIfAbsent(m.osTid(), k -> new java.util.HashSet<>()).add(m.id());
                case JavaRecord.Started s -> {
                    ThreadInfo task = null;
                    long after = rel(s.ns());
                    // Threads are in creation order, so the first match is the earliest.
                    for (ThreadInfo t : created.getOrDefault(s.osTid(), List.of())) {
                        if (t.tgid == s.pid() && t.start >= after && !taken.contains(t)) {
                            task = t;
                            break;
                        }
                    }
                    if (task == null) continue;
                    taken.add(task);
                    JavaRecord.Constructed c = constructed.get(s.pid() + ":" + s.id());
                    task.java = c == null
                            ? new JavaThread(s.id(), s.name(), false, s.osTid(), s.starterName(), s.osTid(), Map.of())
                            : new JavaThread(c.id(), c.name(), false, c.osTid(), c.creatorName(), s.osTid(), c.inherited());
                }
                default -> { }
            }
        }
        // Threads the agent saw only at work (main, started before the agent by the launcher):
        // their Java name is known from the records they made.
        for (JavaRecord r : records) {
            ThreadInfo t = thread(r.osTid());
            if (t == null || t.java != null || t.tgid != r.pid()) continue;
            switch (r) {
                case JavaRecord.Constructed c -> t.java = new JavaThread(c.creatorId(), c.creatorName(), false, 0, null, null, Map.of());
                case JavaRecord.Started s -> t.java = new JavaThread(s.starterId(), s.starterName(), false, 0, null, null, Map.of());
                case JavaRecord.Mounted m -> { }
            }
        }
    }

    /** Everything the JVM agents reported, as attached. */
    public List<JavaRecord> javaRecords() {
        return javaRecords;
    }

    /** How many distinct virtual threads each carrier (OS thread) ran. */
    public Map<Integer, Integer> virtualThreadsByCarrier() {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        virtualByCarrier.forEach((tid, ids) -> out.put(tid, ids.size()));
        return out;
    }

    /** Virtual threads constructed by each OS thread. */
    public Map<Integer, Integer> virtualThreadsByCreator() {
        return virtualByCreator;
    }

    /** One-line remarks for the user (e.g. a JVM whose agent did not load). */
    public List<String> notes() {
        return notes;
    }

    public void note(String text) {
        notes.add(text);
    }

    // ---- queries --------------------------------------------------------------------------------

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

    public List<ThreadInfo> threads() {
        return threads;
    }

    public Collection<ProcessInfo> processes() {
        return processes.values();
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

    public List<HookChange> hookChanges() {
        return hookChanges;
    }

    /** The changes one task made, in order. */
    public List<HookChange> hookChanges(int tid) {
        return changesByTid.getOrDefault(tid, List.of());
    }

    public List<FutexCall> futexCalls() {
        return futexCalls;
    }

    public List<Mapping> mappings() {
        return mappings;
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

    /** The traced command's own exit, when it has one. */
    public Exit targetExit() {
        ProcessInfo root = processes.get(rootPid);
        return root == null ? null : root.exit;
    }

    public ThreadInfo root() {
        return thread(rootPid);
    }

    /** Creator chain length: 0 for the root, 1 for what it created, ... */
    public int depth(ThreadInfo t) {
        return t.depth;
    }

    public ThreadInfo creatorOf(ThreadInfo t) {
        return t.creatorInfo;
    }

    // ---- event handling -----------------------------------------------------------------------

    private void started(TraceEvent.TargetStarted s) {
        t0 = s.ns();
        rootPid = s.pid();
        tracerPid = s.tracerPid();
        command = s.argv();
        ThreadInfo root = new ThreadInfo(s.pid(), s.pid(), 0, Hooks.initial(comm(s.path())));
        root.osParent = s.tracerPid();
        add(root);
        processes.put(s.pid(), new ProcessInfo(s.pid(), null, s.tracerPid()));
        realMask.put(s.pid(), 0L);
    }

    private void add(ThreadInfo t) {
        threads.add(t);
        live.put(t.tid, t);
        latest.put(t.tid, t);
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
        int tgid = isThread ? creator.tgid : s.child();
        ProcessInfo creatorProcess = processes.get(creator.tgid);
        int processParent = creatorProcess != null ? creatorProcess.parentPid : creator.osParent;
        boolean parentOfCreator = isThread || (s.flags() & CloneFlags.CLONE_PARENT) != 0;

        ThreadInfo child = new ThreadInfo(s.child(), tgid, ns, creator.hooks.forChild());
        child.creator = creator.tid;
        child.creatorInfo = creator;
        child.depth = creator.depth + 1;
        child.osParent = parentOfCreator ? processParent : creator.tgid;
        child.spawnKind = s.kind();
        child.cloneFlags = s.flags();
        ThreadInfo previous = live.remove(s.child());
        if (previous != null && previous.end == null) previous.end = ns;
        add(child);
        realMask.put(s.child(), realMask.getOrDefault(creator.tid, creator.hooks.sigmask()));
        if (!isThread) processes.put(s.child(), new ProcessInfo(s.child(), creator.tid, child.osParent));
    }

    private void untraced(TraceEvent.UntracedChild u) {
        long ns = rel(u.ns());
        ThreadInfo creator = thread(u.creator(), ns);
        ThreadInfo child = new ThreadInfo(u.child(), u.child(), ns, creator.hooks.forChild().withTraced("untraced"));
        child.creator = creator.tid;
        child.creatorInfo = creator;
        child.depth = creator.depth + 1;
        child.osParent = creator.tgid;
        child.spawnKind = TraceEvent.SpawnKind.CLONE;
        child.cloneFlags = CloneFlags.CLONE_UNTRACED;
        child.exit = new Exit("untraced", 0, "not traced (CLONE_UNTRACED)");
        child.end = ns;
        threads.add(child);
        latest.put(child.tid, child);
        processes.put(u.child(), new ProcessInfo(u.child(), creator.tid, creator.tgid));
    }

    private void exec(TraceEvent.Exec e) {
        long ns = rel(e.ns());
        ThreadInfo leader = thread(e.tid(), ns);
        if (e.formerTid() != e.tid()) {
            ThreadInfo former = live.remove(e.formerTid());
            if (former != null) {
                former.end = ns;
                former.exit = new Exit("exec", 0, "execve from a non-leader thread; continues as " + e.tid());
                leader.hooks = former.hooks;
            }
            leader.names.add(new ThreadInfo.NameChange(ns, leader.hooks.name()));
        }
        ProcessInfo process = processes.get(leader.tgid);
        if (process != null && e.path() != null) process.exec.add(e.path());
        setHooks(leader, ns, leader.hooks.withName(comm(e.path())));
    }

    private Exit exitKind(int tid, int code) {
        ThreadInfo t = live.get(tid);
        if (t != null && t.ownExitGroup) return new Exit("group", code, "exit_group(" + code + ")");
        if (t != null && t.ownExit) return new Exit("exited", code, "exit(" + code + ")");
        Integer by = t == null ? null : groupExitBy.get(t.tgid);
        if (by != null) return new Exit("group", code, "torn down by " + by + "'s exit_group(" + code + ")");
        return new Exit("exited", code, "exited with " + code);
    }

    private void ended(int tid, long ns, Exit exit) {
        ThreadInfo t = live.remove(tid);
        if (t == null) return;
        t.end = ns;
        t.exit = exit;
        if (t.tid == t.tgid) {
            ProcessInfo p = processes.get(t.tgid);
            if (p != null) p.exit = exit;
        }
    }

    private void setHooks(ThreadInfo t, long ns, Hooks next) {
        Hooks before = t.hooks;
        if (before.equals(next)) return;
        for (String key : new String[] {Hooks.NAME, Hooks.SIGMASK, Hooks.AFFINITY, Hooks.SECCOMP, Hooks.NO_NEW_PRIVS,
                Hooks.PDEATHSIG, Hooks.TRACED}) {
            String a = before.value(key), b = next.value(key);
            if (!a.equals(b)) {
                HookChange change = new HookChange(ns, t.tid, key, a, b);
                hookChanges.add(change);
                changesByTid.computeIfAbsent(t.tid, k -> new ArrayList<>()).add(change);
            }
        }
        if (!before.name().equals(next.name())) t.names.add(new ThreadInfo.NameChange(ns, next.name()));
        t.hooks = next;
    }

    private void syscall(TraceEvent.Syscall s) {
        long ns = rel(s.ns());
        ThreadInfo t = thread(s.tid(), ns);
        int nr = s.nr();
        long[] a = s.args();
        boolean ok = s.returned() && !s.error();
        if (nr == SyscallTable.PRCTL && ok) prctl(t, ns, a, s);
        else if (nr == SyscallTable.SECCOMP && ok && a[0] == Seccomp.SECCOMP_SET_MODE_FILTER) seccompFilter(t, ns, a[1]);
        else if (nr == SyscallTable.RT_SIGPROCMASK && ok) sigprocmask(t, ns, a, s.captures().bytes(1));
        else if (nr == SyscallTable.SCHED_SETAFFINITY && ok && s.captures().bytes(2) != null) {
            ThreadInfo target = a[0] == 0 ? t : live.get((int) a[0]);
            if (target != null) {
                setHooks(target, ns, target.hooks.withAffinity(CpuSet.compact(CpuSet.cpus(s.captures().bytes(2)))));
            }
        } else if (nr == SyscallTable.EXIT) t.ownExit = true;
        else if (nr == SyscallTable.EXIT_GROUP) {
            t.ownExitGroup = true;
            groupExitBy.putIfAbsent(t.tgid, t.tid);
        } else if ((nr == SyscallTable.CLONE || nr == SyscallTable.CLONE3) && ok && s.ret() > 0) {
            cloned(s, (int) s.ret());
        } else if (nr == SyscallTable.SET_TID_ADDRESS) t.clearTidAddress = a[0];
        else if (nr == SyscallTable.FUTEX) futex(t, s);
        else if (nr == SyscallTable.MMAP || nr == SyscallTable.MUNMAP || nr == SyscallTable.MREMAP) memory(t, s);
    }

    private void prctl(ThreadInfo t, long ns, long[] a, TraceEvent.Syscall s) {
        switch ((int) a[0]) {
            case Prctl.PR_SET_NAME -> {
                String name = s.captures().string(1);
                if (name != null) setHooks(t, ns, t.hooks.withName(truncate(name)));
            }
            case Prctl.PR_SET_NO_NEW_PRIVS -> {
                if (a[1] == 1) setHooks(t, ns, t.hooks.withNoNewPrivs(true));
            }
            case Prctl.PR_SET_PDEATHSIG -> setHooks(t, ns, t.hooks.withPdeathsig((int) a[1]));
            case Prctl.PR_SET_SECCOMP -> {
                if (a[1] == 2) seccompFilter(t, ns, 0);
            }
            default -> { }
        }
    }

    private void seccompFilter(ThreadInfo t, long ns, long flags) {
        boolean tsync = (flags & 1) != 0;
        for (ThreadInfo other : List.copyOf(live.values())) {
            if (other == t || (tsync && other.tgid == t.tgid)) {
                setHooks(other, ns, other.hooks.withSeccomp(other.hooks.seccomp() + 1));
            }
        }
    }

    /**
     * Tracks the real mask, but records as a setting only masks that are not glibc's transient
     * "block everything" around clone: a new thread inherits its creator's mask from before it.
     */
    private void sigprocmask(ThreadInfo t, long ns, long[] a, byte[] setBytes) {
        if (setBytes == null || setBytes.length < 8) return;
        long set = dev.jthreadtrace.decode.Args.le(setBytes).getLong(0);
        long real = realMask.getOrDefault(t.tid, t.hooks.sigmask());
        long next = switch ((int) a[0]) {
            case 0 -> real | set;
            case 1 -> real & ~set;
            case 2 -> set;
            default -> real;
        } & ~UNBLOCKABLE;
        realMask.put(t.tid, next);
        if (Long.bitCount(next) < TRANSIENT_BLOCK) setHooks(t, ns, t.hooks.withSigmask(next));
    }

    private void cloned(TraceEvent.Syscall s, int childTid) {
        ThreadInfo child = live.get(childTid);
        if (child == null) return;
        long[] a = s.args();
        if (s.nr() == SyscallTable.CLONE) {
            if ((a[0] & CloneFlags.CLONE_CHILD_CLEARTID) != 0) child.clearTidAddress = a[3];
            child.stackLow = a[1];
        } else if (s.captures().bytes(0) != null && s.captures().bytes(0).length >= CloneFlags.CLONE_ARGS_SIZE_VER0) {
            CloneFlags.CloneArgs c = CloneFlags.CloneArgs.parse(s.captures().bytes(0));
            if ((c.flags() & CloneFlags.CLONE_CHILD_CLEARTID) != 0) child.clearTidAddress = c.childTid();
            child.stackLow = c.stack();
            child.stackSize = c.stackSize();
        }
    }

    private void futex(ThreadInfo t, TraceEvent.Syscall s) {
        if (!s.returned()) return;
        long op = s.args()[1];
        boolean wait = FutexOps.isWait(op), wake = FutexOps.isWake(op);
        long entry = rel(s.ns()), exit = rel(s.exitNs());
        futexCalls.add(new FutexCall(t.tid, t.tgid, s.args()[0], FutexOps.command(op), wait, wake, entry, exit,
                s.ret(), s.error()));
        t.futexCalls++;
        if (wait) {
            t.futexWaits++;
            t.futexBlockedNs += exit - entry;
            if (s.error() && s.ret() == -110) t.futexTimeouts++;
            if (s.error() && s.ret() == -11) t.futexEagain++;
        }
        if (wake) {
            t.futexWakes++;
            if (!s.error()) t.futexWoken += s.ret();
        }
    }

    private void memory(ThreadInfo t, TraceEvent.Syscall s) {
        if (!s.returned() || s.error()) return;
        long[] a = s.args();
        long ns = rel(s.ns());
        if (s.nr() == SyscallTable.MMAP) {
            t.mmapCalls++;
            t.mmapBytes += a[1];
            mappings.add(new Mapping(t.tid, t.tgid, ns, s.ret(), a[1], MemoryFlags.prot(a[2]),
                    MemoryFlags.mapFlags(a[3]), s.captures().string(4)));
        } else if (s.nr() == SyscallTable.MUNMAP) {
            t.munmapCalls++;
            t.munmapBytes += a[1];
        } else {
            t.mmapCalls++;
            t.mmapBytes += Math.max(0, a[2] - a[1]);
            mappings.add(new Mapping(t.tid, t.tgid, ns, s.ret(), a[2], "", "mremap", null));
        }
    }

    /** comm as the kernel sets it on exec: the file's base name, 15 bytes at most. */
    static String comm(String path) {
        if (path == null) return "?";
        int slash = path.lastIndexOf('/');
        return truncate(slash >= 0 ? path.substring(slash + 1) : path);
    }

    private static String truncate(String name) {
        return name.length() > TASK_COMM_LEN ? name.substring(0, TASK_COMM_LEN) : name;
    }
}
