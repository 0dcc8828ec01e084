package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Args;
import dev.jthreadtrace.decode.CpuSet;
import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.Prctl;
import dev.jthreadtrace.decode.Signals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows each task's inheritable settings ({@link Hook}s) through the calls that change them,
 * and keeps every change: the raw material of the hook-inheritance timeline.
 */
final class SettingsTracker {
    private static final long UNBLOCKABLE = Signals.UNBLOCKABLE;
    private static final long LIBC_RESERVED = Signals.LIBC_RESERVED, MUSL_APP_SIGNALS = Signals.MUSL_APP_SIGNALS;
    /** glibc's block at a thread's exit: every signal but SIGSETXID (33), the old mask not saved. */
    private static final long GLIBC_THREAD_EXIT_BLOCK = ~(1L << (33 - 1));
    private static final int TASK_COMM_LEN = 15;
    private static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    private static final int SECCOMP_MODE_FILTER = 2;
    private static final long SECCOMP_FILTER_FLAG_TSYNC = 1, SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16;

    /**
     * How many of the changes made under one tid are kept, first and latest each: a thread that sets
     * its mask or name in a loop must not grow the tool's memory. Those between are only counted.
     */
    static final int CHANGES_KEPT = 64;

    /** A change and its place in the order of all changes (the per-tid histories are merged back by it). */
    private record Numbered(long seq, HookChange change) {}

    private final Map<Integer, BoundedHistory<Numbered>> changesByTid = new HashMap<>();
    private long changeCount;
    /** The real mask of each task, glibc's transient block around clone included. */
    private final Map<Integer, Long> realMask = new HashMap<>();
    /** Changes let go with the tasks that made them when those folded (kept ones, and the uncounted middles of their runs). */
    private long forgotten;
    /**
     * The processes that ran a JVM: one of their tasks was named "VM Thread" (HotSpot names it so).
     * A folded task of one is counted as a JVM's: its Java facts come with the agent's records at the end.
     */
    private final java.util.Set<Integer> jvmTgids = new java.util.HashSet<>();
    /**
     * The tasks born inside their creator's transient block that have made no mask call yet: the
     * library's first call in the new task (glibc's start_thread and posix_spawn's child, musl's
     * start, Go's minit: SIG_SETMASK, no old mask saved) sets the mask it runs with from its first
     * instruction of the program's code, which is what it inherited.
     */
    private final java.util.Set<Integer> bornInBlock = new java.util.HashSet<>();

    /** Every change kept, in the order they were made (see {@link #CHANGES_KEPT}). */
    List<HookChange> changes() {
        List<Numbered> all = new ArrayList<>();
        for (BoundedHistory<Numbered> h : changesByTid.values()) all.addAll(h.kept());
        all.sort(Comparator.comparingLong(Numbered::seq));
        return all.stream().map(Numbered::change).toList();
    }

    /** The changes kept that were made under {@code tid}, in order. */
    List<HookChange> changes(int tid) {
        BoundedHistory<Numbered> h = changesByTid.get(tid);
        return h == null ? List.of() : h.kept().stream().map(Numbered::change).toList();
    }

    /** The changes one task made, in order ({@code TraceModel.hookChanges(ThreadInfo)} says which). */
    List<HookChange> changesOf(ThreadInfo t) {
        List<HookChange> out = new ArrayList<>();
        long from = t.start();
        if (t.formerTid() != 0) {
            for (HookChange h : changes(t.formerTid())) if (h.ns() >= t.start() && h.ns() < t.tookLeaderTidAt()) out.add(h);
            from = t.tookLeaderTidAt();
        }
        boolean superseded = t.exit() instanceof Exit.ReplacedByExec r && r.leader();
        for (HookChange h : changes(t.tid())) {
            if (h.ns() >= from && (t.end() == null || h.ns() < t.end() || !superseded && h.ns() == t.end())) out.add(h);
        }
        return out;
    }

    /** How many changes were made, the ones not kept included. */
    long changeCount() {
        return changeCount;
    }

    /** How many changes were counted but not kept (the middle of a long run under one tid, those of folded tasks). */
    long changesDropped() {
        long dropped = forgotten;
        for (BoundedHistory<Numbered> h : changesByTid.values()) dropped += h.dropped();
        return dropped;
    }

    void started(ThreadInfo root) {
        realMask.put(root.tid(), root.hooks().sigmask());
        if (LeakAnalysis.VM_THREAD.equals(root.name())) jvmTgids.add(root.tgid());
    }

    /** Whether {@code t}'s process ran a JVM, as far as the trace has seen. */
    boolean inJvm(ThreadInfo t) {
        return jvmTgids.contains(t.tgid());
    }

    /**
     * {@code t} folded: the changes it made (under its tid in its lifetime; an exec'd thread's under
     * its former tid too) go, counted in {@link #changesDropped}; a tid left with none goes too.
     */
    void forget(ThreadInfo t) {
        forget(t.tid(), t);
        if (t.formerTid() != 0) forget(t.formerTid(), t);
    }

    private void forget(int tid, ThreadInfo t) {
        BoundedHistory<Numbered> h = changesByTid.get(tid);
        if (h == null) return;
        long end = t.end() == null ? Long.MAX_VALUE : t.end();
        int before = h.size();
        h.removeIf(n -> n.change().ns() >= t.start() && n.change().ns() <= end);
        forgotten += before - h.size();
        if (h.size() == 0) {
            forgotten += h.dropped();
            changesByTid.remove(tid);
        }
    }

    /** A child's real mask is its creator's real mask at the clone. */
    void spawned(ThreadInfo creator, ThreadInfo child) {
        long real = realMask.getOrDefault(creator.tid(), creator.hooks().sigmask());
        realMask.put(child.tid(), real);
        if (Signals.transientBlock(real)) bornInBlock.add(child.tid());
    }

    void set(ThreadInfo t, long ns, Hooks next) {
        set(t, t.tid(), ns, next);
    }

    /** {@code t}'s settings become {@code next} by a call of task {@code actor} (t itself or another). */
    private void set(ThreadInfo t, int actor, long ns, Hooks next) {
        Hooks before = t.hooks();
        if (before.equals(next)) return;
        for (Hook hook : Hook.all()) {
            String a = before.value(hook), b = next.value(hook);
            if (!a.equals(b)) {
                HookChange change = new HookChange(ns, t.tid(), hook, a, b, actor);
                changesByTid.computeIfAbsent(t.tid(), k -> new BoundedHistory<>(CHANGES_KEPT)).add(new Numbered(changeCount++, change));
            }
        }
        t.hooks(next, ns);
        if (LeakAnalysis.VM_THREAD.equals(next.name())) jvmTgids.add(t.tgid());
    }

    /** The task ended: its real mask goes (a later task with its tid gets its own at its birth). */
    void ended(ThreadInfo t) {
        realMask.remove(t.tid());
        bornInBlock.remove(t.tid());
    }

    /**
     * A thread's exec gave it its leader's tid: its real mask follows it (the old leader's ended).
     * Its changes stay under the tid it made them with ({@code TraceModel.hookChanges(ThreadInfo)}
     * puts the two together).
     */
    void renumbered(int formerTid, int tid) {
        Long mask = realMask.remove(formerTid);
        if (mask != null) realMask.put(tid, mask);
        bornInBlock.remove(formerTid);
    }

    /** An exec named the process {@code comm} (the kernel's, read at the exec; null: unknown, the path's base name then). */
    void exec(ThreadInfo leader, long ns, String path, String comm) {
        set(leader, ns, leader.hooks().withName(comm != null ? truncate(comm) : comm(path)));
    }

    void prctl(ThreadInfo t, long ns, long[] a, String name, Collection<ThreadInfo> live) {
        switch ((int) a[0]) {
            case Prctl.PR_SET_NAME -> {
                if (name != null) set(t, ns, t.hooks().withName(truncate(name)));
            }
            case Prctl.PR_SET_NO_NEW_PRIVS -> {
                if (a[1] == 1) set(t, ns, t.hooks().withNoNewPrivs(true));
            }
            case Prctl.PR_SET_PDEATHSIG -> set(t, ns, t.hooks().withPdeathsig((int) a[1]));
            case Prctl.PR_SET_SECCOMP -> {
                if (a[1] == SECCOMP_MODE_FILTER) seccompFilter(t, ns, 0, 0, live);
            }
            default -> { }
        }
    }

    /** A name written to the task's /proc comm file by task {@code actor} (itself or another thread of its process). */
    void named(ThreadInfo t, int actor, long ns, String name) {
        set(t, actor, ns, t.hooks().withName(truncate(name)));
    }

    /**
     * A filter installed that returned {@code ret}: one more filter on the task. With SECCOMP_FILTER_FLAG_TSYNC
     * the kernel then gives every other thread of its process the caller's filters, and its no_new_privs when
     * the caller has it (seccomp_sync_threads): changes made by the caller. A TSYNC that found a thread it could
     * not synchronise returns that thread's tid and installs nothing (unless TSYNC_ESRCH asked for an error).
     */
    void seccompFilter(ThreadInfo t, long ns, long flags, long ret, Collection<ThreadInfo> live) {
        boolean tsync = (flags & SECCOMP_FILTER_FLAG_TSYNC) != 0;
        if (tsync && (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) == 0 && ret > 0) return;
        set(t, ns, t.hooks().withSeccomp(t.hooks().seccomp() + 1));
        if (!tsync) return;
        Hooks caller = t.hooks();
        for (ThreadInfo other : List.copyOf(live)) {
            if (other == t || other.tgid() != t.tgid()) continue;
            Hooks next = other.hooks().withSeccomp(caller.seccomp());
            set(other, t.tid(), ns, caller.noNewPrivs() ? next.withNoNewPrivs(true) : next);
        }
    }

    /**
     * Tracks the real mask, but records as a setting only masks that are not the C library's transient
     * "block everything" (see {@link #LIBC_RESERVED}): a new thread inherits its creator's mask from before it.
     * A program's call made inside such a block applies to the setting, not to the block.
     */
    void sigprocmask(ThreadInfo t, long ns, long how, byte[] setBytes, boolean savesOld) {
        if (setBytes == null || setBytes.length < 8) return;
        long set = Args.le(setBytes).getLong(0);
        long real = realMask.getOrDefault(t.tid(), t.hooks().sigmask());
        realMask.put(t.tid(), applied(how, set, real));
        if (!bornInBlock.isEmpty() && bornInBlock.remove(t.tid()) && how == SIG_SETMASK && !savesOld) {
            // The library's mask for the new task (pthread_attr_setsigmask_np's, else its creator's): no change the task made.
            t.startedWithSigmask(applied(how, set, real));
            return;
        }
        if (libraryBlock(how, set, savesOld)) return;
        long base = Signals.transientBlock(real) ? t.hooks().sigmask() : real;
        set(t, ns, t.hooks().withSigmask(applied(how, set, base)));
    }

    /**
     * {@code t}'s mask as the kernel held it at a clone or fork it made inside a signal handler
     * ({@link dev.jthreadtrace.event.TraceEvent.MaskSeen}): the handler's mask, set at the signal's
     * delivery by no call, is the thread's from its delivery (timed here, where it was seen) and the
     * child's. A library's transient block around the clone is only the real mask: the child's first
     * call sets what it runs with, as for any clone.
     */
    void maskSeen(ThreadInfo t, long ns, long mask) {
        realMask.put(t.tid(), mask);
        if (!Signals.transientBlock(mask)) set(t, ns, t.hooks().withSigmask(mask));
    }

    /**
     * rt_sigreturn put back {@code restored}, the mask from before the handler (read from the
     * signal frame at its entry): what the handler's delivery and its own calls changed ends here.
     */
    void sigreturn(ThreadInfo t, long ns, byte[] restored) {
        if (restored == null || restored.length < 8) return;
        long mask = Args.le(restored).getLong(0);
        realMask.put(t.tid(), mask);
        if (!Signals.transientBlock(mask)) set(t, ns, t.hooks().withSigmask(mask));
    }

    /**
     * A successful mask change whose new set could not be read (a process that made itself
     * non-dumpable, traced without CAP_SYS_PTRACE): the mask is unknown from now on, never the value
     * before it (a library's transient block cannot be told from the program's own either).
     */
    void sigmaskUnknown(ThreadInfo t, long ns) {
        realMask.put(t.tid(), Hooks.UNKNOWN_SIGMASK);
        if (!bornInBlock.isEmpty() && bornInBlock.remove(t.tid())) {
            t.startedWithSigmask(Hooks.UNKNOWN_SIGMASK); // the library's mask for the new task, unread
            return;
        }
        if (t.hooks().sigmask() != Hooks.UNKNOWN_SIGMASK) set(t, ns, t.hooks().withSigmask(Hooks.UNKNOWN_SIGMASK));
    }

    /**
     * Whether a mask call is the C library's own transient "block everything" ({@link #LIBC_RESERVED},
     * {@link #MUSL_APP_SIGNALS}). A transient saves the mask it is to restore (glibc around clone and
     * posix_spawn, Go's runtime, musl); the one block that does not is glibc's at a thread's exit, of
     * every signal but SIGSETXID, never restored. Any other block without the old mask saved is the
     * program's, for good: a raw rt_sigprocmask of all 64 signals (a hostile tester's: its threads were
     * told they inherited none).
     */
    static boolean libraryBlock(long how, long set, boolean savesOld) {
        if (how == SIG_UNBLOCK) return false;
        if (how == SIG_BLOCK && set == GLIBC_THREAD_EXIT_BLOCK) return true;
        if (!savesOld) return false;
        return (set & LIBC_RESERVED) != 0 || how == SIG_BLOCK && set == MUSL_APP_SIGNALS;
    }

    private static long applied(long how, long set, long mask) {
        // Signals added to or taken from a mask nobody could read leave it unknown; a whole new set does not.
        if (mask == Hooks.UNKNOWN_SIGMASK && how != SIG_SETMASK) return Hooks.UNKNOWN_SIGMASK;
        return switch ((int) how) {
            case SIG_BLOCK -> mask | set;
            case SIG_UNBLOCK -> mask & ~set;
            case SIG_SETMASK -> set;
            default -> mask;
        } & ~UNBLOCKABLE;
    }

    /** sched_setaffinity by task {@code actor} of {@code target} (itself, or another task named by its tid). */
    void affinity(ThreadInfo target, int actor, long ns, byte[] mask) {
        set(target, actor, ns, target.hooks().withAffinity(CpuSet.compact(CpuSet.cpus(mask))));
    }

    /** comm as the kernel sets it on exec: the file's base name, 15 bytes at most. */
    static String comm(String path) {
        if (path == null) return "?";
        int slash = path.lastIndexOf('/');
        return truncate(slash >= 0 ? path.substring(slash + 1) : path);
    }

    /** The first 15 bytes, as the kernel keeps them (a character may be cut: its bytes stay, as {@code \xNN}). */
    private static String truncate(String name) {
        if (name.length() <= TASK_COMM_LEN / 3) return name;
        byte[] bytes = KernelBytes.encode(name);
        return bytes.length > TASK_COMM_LEN ? KernelBytes.decode(bytes, 0, TASK_COMM_LEN) : name;
    }
}
