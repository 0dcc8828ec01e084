package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.FutexWord;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "My program hangs": what each thread was blocked in when the trace ended, who it waited for,
 * and the cycles of such waits, which are deadlocks. The kernel's side comes from the calls still
 * pending at the end ({@link PendingCall}): a futex wait's word, the other waiters on it, its last
 * waker, and its owner where that is known — exactly for a PI futex or a robust mutex (the word
 * holds the owner's tid), inferred for a glibc mutex (its {@code __owner}), each read at the wait
 * and again in the last look before the end, and trusted only while no wake on the word came after
 * the read ({@link LockOwnerRead}: a wake hands the lock on; then the owner is unknown rather than
 * a stale edge, a false cycle) — and a wait on a thread's
 * clear-tid word waits for that thread (pthread_join), a wait4 or waitid on a child's pid for that
 * child. A process-shared lock's owner may be a
 * thread of another traced process: such a cycle spans processes. The JVM's side comes from its own
 * lock view ({@link JavaRecord.Locks}) taken as the trace ended: the monitor or synchronizer a
 * thread waits for, and which thread holds it. Made from the finished model; reads it only.
 */
public final class HangAnalysis {
    /** waitid's idtype for one process. */
    private static final long P_PID = 1;
    /** How a wait names the thread it waits for. */
    public enum Via {
        PI_OWNER("holds the PI futex"),
        ROBUST_OWNER("holds the robust mutex, its futex word says"),
        PI_REFUSED("holds the PI futex the kernel refused it with EDEADLK or ESRCH (glibc then parks the thread for good)"),
        MUTEX_OWNER("holds the mutex, says glibc's __owner (inferred)"),
        JOIN("is the thread it joins, by its clear-tid word"),
        JOIN_AT_ATTACH("is the thread it joins, inferred: the wait's value is its tid (its clear-tid word predates the attach)"),
        CHILD("is the child process it waits for (wait4/waitid on its pid)"),
        JAVA_MONITOR("holds the monitor"),
        JAVA_SYNCHRONIZER("holds the synchronizer");

        private final String words;

        Via(String words) {
            this.words = words;
        }

        /** {@code holds the PI futex}: what the target is to the waiter. */
        public String words() {
            return words;
        }

        public boolean java() {
            return this == JAVA_MONITOR || this == JAVA_SYNCHRONIZER;
        }
    }

    /** A wait's target: the thread, how it is known, and the lock ({@code 0x55d0c1a0 (futex word)}, {@code <0x...> (a java.lang.Object)}). */
    public record WaitsFor(ThreadInfo target, Via via, String lock) {}

    /**
     * A pending futex wait: its word (a futex_waitv's first, or the one it joins by; {@code words} are
     * all it waits on), the lock's owner as the word or the mutex says (null: not known), why an
     * owner read is not trusted (null: it is, or none was read), whether it was read in the last
     * look before the end rather than at the wait ({@link LockOwnerRead}), the thread whose exit it
     * waits for (a join; null), the other threads waiting on the same words at the end, and the
     * latest wake call on them (null: none seen).
     */
    public record FutexWait(int tgid, long uaddr, FutexOps.LockOwner owner, String ownerUnknown, boolean ownerReadAtEnd, ThreadInfo joining,
                            List<ThreadInfo> otherWaiters, FutexLog.LastWake lastWake, List<Long> words) {}

    /**
     * A thread blocked at the end: its pending call (null when only the JVM saw it waiting), the
     * futex side of it (null: not a futex wait), its JVM thread and lock (null: no JVM view), and
     * what it waits for (null: no other thread is known to hold what it waits for).
     */
    public record Blocked(ThreadInfo thread, PendingCall call, FutexWait futex, JavaRecord.LockedThread java, WaitsFor waitsFor) {}

    public enum Kind { NATIVE, JAVA, MIXED }

    /**
     * A thread a stop signal stopped (a group stop) and still stopped when the trace ended: the
     * signal, when (relative ns), who sent it as its siginfo said (a pid; 0: the kernel, a
     * terminal's ^Z; -1: not known) and whether by tkill/tgkill rather than kill. It is in no call
     * (not {@link #blocked()}), but a thread that waits for it waits for ever. {@code beforeAttach}:
     * the stop began before an attach (a thread that existed then, stopped with no delivery of its
     * signal seen): {@code ns} is when the trace first saw it stopped, not when it stopped.
     * {@code senderPid} is the kernel's pid; the siginfo's is the pid in the stopped thread's PID
     * namespace, and for a thread of another namespace than the tool's {@code senderAsSeen} keeps
     * it when it names no traced task (0: a sender outside that namespace, the kernel's way of
     * saying so); -1 otherwise.
     */
    public record Stopped(ThreadInfo thread, int signal, long ns, int senderPid, boolean byTgkill, boolean beforeAttach,
                          int senderAsSeen) {}

    /** A cycle of waits: each thread waits for the next, the last for the first. */
    public record Deadlock(Kind kind, List<Blocked> cycle) {}

    public static final HangAnalysis NONE = new HangAnalysis(List.of(), List.of(), 0, List.of(), List.of());

    private final List<Blocked> blocked;
    private final List<Deadlock> deadlocks;
    private final long dropped;
    private final List<JavaRecord.Locks> javaViews;
    private final Map<ThreadInfo, Blocked> byThread = new IdentityHashMap<>();
    private final List<Stopped> stopped;
    private final Map<ThreadInfo, Stopped> stoppedByThread = new IdentityHashMap<>();

    private HangAnalysis(List<Blocked> blocked, List<Deadlock> deadlocks, long dropped, List<JavaRecord.Locks> javaViews,
                         List<Stopped> stopped) {
        this.blocked = List.copyOf(blocked);
        this.deadlocks = List.copyOf(deadlocks);
        this.dropped = dropped;
        this.javaViews = List.copyOf(javaViews);
        for (Blocked b : blocked) byThread.put(b.thread(), b);
        this.stopped = List.copyOf(stopped);
        for (Stopped s : stopped) stoppedByThread.put(s.thread(), s);
    }

    /** The threads a stop signal held stopped when the trace ended, in the order they stopped. */
    public List<Stopped> stopped() {
        return stopped;
    }

    /** The thread's stop, or null when it was not stopped at the end. */
    public Stopped stopOf(ThreadInfo t) {
        return stoppedByThread.get(t);
    }

    /** Every thread blocked at the end: those with a pending call in the order the calls began, then those only the JVM saw waiting. */
    public List<Blocked> blocked() {
        return blocked;
    }

    /** The thread's entry, or null when it was not blocked at the end. */
    public Blocked of(ThreadInfo t) {
        return byThread.get(t);
    }

    public List<Deadlock> deadlocks() {
        return deadlocks;
    }

    /** Threads whose pending call was not kept (the bookkeeping is capped). */
    public long dropped() {
        return dropped;
    }

    /** The JVMs' own lock views the analysis used, one per JVM (the latest; one it could not take says why: {@code unavailable}). */
    public List<JavaRecord.Locks> javaViews() {
        return javaViews;
    }

    static HangAnalysis of(TraceModel model, FutexLog futex, PendingCalls pending, List<Stopped> stopped) {
        List<JavaRecord.Locks> views = latestJavaViews(model);
        Map<ThreadInfo, JavaRecord.LockedThread> java = new IdentityHashMap<>();
        Map<ThreadInfo, WaitsFor> javaWaits = new IdentityHashMap<>();
        for (JavaRecord.Locks view : views) if (view.unavailable() == null) javaSide(model, view, java, javaWaits);
        List<PendingCall> calls = new ArrayList<>(pending.atEnd());
        calls.addAll(UnrecordedCalls.seenAtTheEnd(model, pending, calls));
        Map<FutexWord, List<ThreadInfo>> waitersByWord = new HashMap<>();
        for (PendingCall c : calls) {
            for (long word : c.futexWords()) waitersByWord.computeIfAbsent(key(futex, c, word), k -> new ArrayList<>()).add(c.thread());
        }
        List<Blocked> blocked = new ArrayList<>();
        NamespaceTids ids = new NamespaceTids(model);
        for (PendingCall c : calls) {
            FutexWait wait = c.isFutexWait() ? futexWait(model, ids, futex, c, waitersByWord) : null;
            WaitsFor target = javaWaits.containsKey(c.thread()) ? javaWaits.get(c.thread())
                    : nativeTarget(model, ids, c, wait, pending.refusedPi(c.thread()));
            blocked.add(new Blocked(c.thread(), c, wait, java.remove(c.thread()), target));
        }
        // Threads the JVM saw waiting for a lock someone holds, with no pending call of their own.
        java.forEach((t, lt) -> {
            WaitsFor w = javaWaits.get(t);
            if (w != null) blocked.add(new Blocked(t, null, null, lt, w));
        });
        List<Stopped> inNoCall = new ArrayList<>();
        for (Stopped s : stopped) if (!byThreadOf(blocked).containsKey(s.thread())) inNoCall.add(s);
        return new HangAnalysis(blocked, cycles(blocked), pending.dropped(), views, inNoCall);
    }

    private static Map<ThreadInfo, Blocked> byThreadOf(List<Blocked> blocked) {
        Map<ThreadInfo, Blocked> by = new IdentityHashMap<>();
        for (Blocked b : blocked) by.put(b.thread(), b);
        return by;
    }

    /** The latest lock view of each JVM. */
    private static List<JavaRecord.Locks> latestJavaViews(TraceModel model) {
        Map<Integer, JavaRecord.Locks> latest = new LinkedHashMap<>();
        for (JavaRecord r : model.javaView().records()) {
            if (r instanceof JavaRecord.Locks l) latest.merge(l.pid(), l, (a, b) -> b.ns() >= a.ns() ? b : a);
        }
        return List.copyOf(latest.values());
    }

    /** The JVM's threads joined to their tasks, and for each waiting thread the holder of what it waits for. */
    private static void javaSide(TraceModel model, JavaRecord.Locks view, Map<ThreadInfo, JavaRecord.LockedThread> java,
                                 Map<ThreadInfo, WaitsFor> waits) {
        Map<String, ThreadInfo> holders = new HashMap<>();
        Map<ThreadInfo, JavaRecord.LockedThread> here = new IdentityHashMap<>();
        for (JavaRecord.LockedThread lt : view.threads()) {
            ThreadInfo t = model.thread(lt.tid());
            if (t == null || t.tgid() != view.pid()) continue;
            here.put(t, lt);
            for (JavaRecord.Lock l : lt.held()) holders.putIfAbsent(l.id(), t);
        }
        here.forEach((t, lt) -> {
            java.put(t, lt);
            JavaRecord.LockWait w = lt.waiting();
            if (w == null || w.kind() == JavaRecord.WaitKind.WAIT) return; // Object.wait waits for a notify, not an owner
            ThreadInfo holder = holders.get(w.lock().id());
            if (holder == null || holder == t) return;
            waits.put(t, new WaitsFor(holder, w.kind() == JavaRecord.WaitKind.ENTER ? Via.JAVA_MONITOR : Via.JAVA_SYNCHRONIZER,
                    "<" + w.lock().id() + "> (a " + w.lock().className() + ")"));
        });
    }

    /** A futex_waitv waits on each of its words: it joins the first that is a thread's clear-tid word (then that word is
     * the wait's word), its last wake is the latest on any. */
    private static FutexWait futexWait(TraceModel model, NamespaceTids ids, FutexLog futex, PendingCall c,
                                       Map<FutexWord, List<ThreadInfo>> waitersByWord) {
        ThreadInfo t = c.thread();
        long[] words = c.futexWords();
        long uaddr = words.length == 0 ? c.args()[0] : words[0];
        ThreadInfo joining = null;
        long joinWord = 0;
        List<ThreadInfo> others = new ArrayList<>();
        FutexLog.LastWake last = null;
        List<Long> all = new ArrayList<>();
        for (long w : words) {
            all.add(w);
            ThreadInfo joined = futex.clearTidThread(t.tgid(), w, c.sinceNs());
            if (joining == null && joined != null && joined != t) {
                joining = joined;
                joinWord = w; // the report names the word it joins by, not the vector's first (an unused private word)
            }
            for (ThreadInfo other : waitersByWord.getOrDefault(key(futex, c, w), List.of())) {
                if (other != t && !others.contains(other)) others.add(other);
            }
            FutexLog.LastWake wake = futex.lastWake(key(futex, c, w));
            if (wake != null && (last == null || wake.ns() > last.ns())) last = wake;
        }
        LockOwnerRead.Decided decided = LockOwnerRead.of(model, ids, futex, c, last, uaddr);
        long word = joining != null ? joinWord : uaddr;
        return new FutexWait(t.tgid(), word, decided.owner(), decided.unknown(), decided.atEnd(), joining, others, last, List.copyOf(all));
    }

    /**
     * The futex a pending wait's word {@code w} is, as the kernel keys it (a shared word of a known
     * shared object: the object's; {@link SharedMappings}); a futex_waitv's words are keyed as the
     * futex log records them, by address space and address.
     */
    private static FutexWord key(FutexLog futex, PendingCall c, long w) {
        int tgid = c.thread().tgid();
        return c.nr() == SyscallTable.FUTEX ? futex.key(tgid, w, c.args()[1]).word() : new FutexWord(futex.space(tgid), w);
    }

    /**
     * The owner of the lock a futex wait is for (the PI word exactly, a glibc mutex by inference),
     * else the thread it joins, else the owner of a PI lock the kernel refused it just before.
     */
    private static WaitsFor nativeTarget(TraceModel model, NamespaceTids ids, PendingCall c, FutexWait wait, PendingCall refused) {
        if (wait == null) return childWaitedFor(ids, c);
        String word = "0x" + Long.toHexString(wait.uaddr());
        if (wait.owner() != null) {
            ThreadInfo owner = model.thread(wait.owner().tid()); // a live thread sharing the word, by its kernel tid: LockOwnerRead checked
            if (owner != null) return new WaitsFor(owner, via(wait.owner()), word);
        }
        if (wait.joining() != null) return new WaitsFor(wait.joining(), Via.JOIN, word);
        if (wait.owner() == null && wait.ownerUnknown() == null) {
            ThreadInfo joined = joinedAtAttach(ids, c);
            if (joined != null) return new WaitsFor(joined, Via.JOIN_AT_ATTACH, word);
        }
        FutexOps.LockOwner piOwner = refused == null ? null : FutexOps.owner(refused.args(), refused.captures().bytes(0));
        List<ThreadInfo> owners = piOwner == null ? List.of() : LockOwnerRead.threads(model, ids, c, piOwner.tid(), c.sinceNs());
        return owners.size() != 1 ? null : new WaitsFor(owners.getFirst(), Via.PI_REFUSED, "0x" + Long.toHexString(refused.args()[0]));
    }

    /**
     * At attach a thread's clear-tid word is not known (set at its birth, before the trace), so a
     * pthread_join already waiting is inferred: a plain shared wait whose value is the tid of another live
     * thread of its process that existed at attach (glibc's join waits on the joined thread's tid
     * field while it holds that tid; the kernel clears and wakes it at the thread's exit). Any
     * wait on a word holding a thread's tid waits for that thread to change it. The tid is the one
     * the thread has in its process's PID namespace.
     */
    private static ThreadInfo joinedAtAttach(NamespaceTids ids, PendingCall c) {
        int cmd = FutexOps.command(c.args()[1]);
        if (cmd != FutexOps.FUTEX_WAIT && cmd != FutexOps.FUTEX_WAIT_BITSET) return null;
        // glibc's join waits shared (the kernel's wake at the thread's exit is a shared one); a private
        // wait whose value happens to be a tid (a counter, a generation) joins nothing.
        if ((c.args()[1] & FutexOps.FUTEX_PRIVATE_FLAG) != 0) return null;
        long value = c.args()[2] & 0xffffffffL;
        if (value == 0 || value > Integer.MAX_VALUE) return null;
        for (ThreadInfo t : ids.named((int) value, c.thread(), c.sinceNs())) {
            if (t.existedAtAttach() && t != c.thread() && t.tgid() == c.thread().tgid()) return t;
        }
        return null;
    }

    /**
     * A wait4 or waitid for one child process ({@code pid > 0}; waitid's P_PID) waits for that child
     * to end (or stop or continue, as its options ask; a stopped child's wait for its end lasts until
     * it is continued): its main thread, alive when the wait began. A wait for any child names none.
     * The pid is the child's in the waiter's PID namespace ({@link NamespaceTids#seenBy}: a child
     * in a namespace made inside the waiter's by the id it has at the waiter's level).
     */
    private static WaitsFor childWaitedFor(NamespaceTids ids, PendingCall c) {
        long[] a = c.args();
        long pid = c.nr() == SyscallTable.WAIT4 ? (int) a[0] : c.nr() == SyscallTable.WAITID && a[0] == P_PID ? a[1] : 0;
        if (pid <= 0 || pid > Integer.MAX_VALUE) return null;
        ThreadInfo waiter = c.thread();
        ThreadInfo child = ids.seenBy(waiter, (int) pid, c.sinceNs());
        if (child == null || child.tid() != child.tgid() || child.tgid() == waiter.tgid()) return null;
        // In another namespace, also one the waiter's process made: an id misread would name a task that is no child of it.
        if (waiter.nsTid() != 0 && (child.creatorInfo() == null || child.creatorInfo().tgid() != waiter.tgid())) return null;
        return new WaitsFor(child, Via.CHILD, "pid " + pid);
    }

    private static Via via(FutexOps.LockOwner owner) {
        return switch (owner.from()) {
            case PI -> Via.PI_OWNER;
            case ROBUST -> Via.ROBUST_OWNER;
            case GLIBC -> Via.MUTEX_OWNER;
        };
    }

    /** The cycles among the waits: each thread has one target, so each cycle is found by walking from its threads. */
    private static List<Deadlock> cycles(List<Blocked> blocked) {
        Map<ThreadInfo, Blocked> by = new IdentityHashMap<>();
        for (Blocked b : blocked) by.put(b.thread(), b);
        Map<ThreadInfo, Boolean> done = new IdentityHashMap<>();
        List<Deadlock> out = new ArrayList<>();
        for (Blocked start : blocked) {
            List<Blocked> path = new ArrayList<>();
            Map<ThreadInfo, Integer> onPath = new IdentityHashMap<>();
            Blocked at = start;
            while (at != null && !done.containsKey(at.thread()) && !onPath.containsKey(at.thread())) {
                onPath.put(at.thread(), path.size());
                path.add(at);
                at = at.waitsFor() == null ? null : by.get(at.waitsFor().target());
            }
            if (at != null && onPath.containsKey(at.thread())) out.add(deadlock(path.subList(onPath.get(at.thread()), path.size())));
            for (Blocked b : path) done.put(b.thread(), true);
        }
        return out;
    }

    /** The cycle from its lowest tid, and its kind. */
    private static Deadlock deadlock(List<Blocked> cycle) {
        int first = 0;
        for (int i = 1; i < cycle.size(); i++) if (cycle.get(i).thread().tid() < cycle.get(first).thread().tid()) first = i;
        List<Blocked> ordered = new ArrayList<>(cycle.subList(first, cycle.size()));
        ordered.addAll(cycle.subList(0, first));
        boolean java = ordered.stream().allMatch(b -> b.waitsFor().via().java());
        boolean kernel = ordered.stream().noneMatch(b -> b.waitsFor().via().java());
        return new Deadlock(java ? Kind.JAVA : kernel ? Kind.NATIVE : Kind.MIXED, ordered);
    }
}
