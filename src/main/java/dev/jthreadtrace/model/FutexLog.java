package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.FutexWord;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The futex side of the trace as aggregates, made while the trace runs, so memory does not grow
 * with its length: each thread's figures; per futex word (up to {@link #MAX_WORDS} words) its
 * totals, a few of its waiters and wakers, and the recent waits and wakes that say who woke whom
 * (the {@link #MAX_RELEASES} longest waits kept); and joins, which are waits on a thread's
 * CLONE_CHILD_CLEARTID word (the kernel clears and wakes it when the thread exits). A futex_waitv
 * is a wait on each of its words; a wait a signal interrupted and the kernel continued
 * ({@link Restarts}) is one wait in stretches, matched with a wake of its last stretch.
 *
 * <p>Ops on two words are taken as the kernel does them (futex(2), kernel/futex/requeue.c,
 * waitwake.c): a FUTEX_WAKE_OP wakes on both its words (its return counts both); a requeue wakes up
 * to val waiters of its first word and moves up to val2 others to its second, where a later wake
 * releases them. A wait a requeue with a moved count began in is matched with a wake of the second
 * word after that requeue; when a wake of its own word could have released it as well, the trace
 * cannot tell whether it was one of the moved, and the wait is counted as not attributed.
 */
public final class FutexLog {
    /** The syscalls that feed it: recorded whenever a report section or an assertion needs the log. */
    public static final List<String> SYSCALLS = List.of("futex", "futex_waitv");
    /**
     * What feeds it when its words must be keyed as the kernel keys them, across processes (who woke
     * whom, the waiters and last wake of a blocked wait): the futex calls and the mappings
     * ({@link SharedMappings}: a shared word of a MAP_SHARED mapping is its memory object's).
     */
    public static final List<String> SYSCALLS_KEYED = List.of("futex", "futex_waitv", "mmap", "munmap", "mremap");
    static final int MAX_WORDS = 4096, RECENT = 16, MAX_MEMBERS = 8, MAX_RELEASES = 64;

    /** A requeue onto a word, and the recent waits of the word its waiters came from. */
    private record MovedIn(MatchedWait.Requeue requeue, ArrayDeque<MatchedWait> fromWaits) {}

    private static final class Word {
        /** The process and address it was first seen at (a shared object's word is one futex at several). */
        final int tgid;
        final long uaddr;
        long waits, wakes, blocked, timeouts, eagain, movedOff;
        /** The latest wake call on the word: its thread, when it began, how many it woke. */
        int lastWaker;
        long lastWakeNs = Long.MIN_VALUE, lastWoken;
        final Set<Integer> waiters = new LinkedHashSet<>(), wakers = new LinkedHashSet<>();
        final ArrayDeque<MatchedWait> recentWaits = new ArrayDeque<>();
        final ArrayDeque<MatchedWait.Wake> recentWakes = new ArrayDeque<>();
        /** The recent requeues off this word, and onto it. */
        final ArrayDeque<MatchedWait.Requeue> requeuesOff = new ArrayDeque<>();
        final ArrayDeque<MovedIn> requeuesOn = new ArrayDeque<>();

        Word(int tgid, long uaddr) {
            this.tgid = tgid;
            this.uaddr = uaddr;
        }
    }

    private final Map<ThreadInfo, FutexCounters> byThread = new IdentityHashMap<>();
    private final Map<FutexWord, Word> words = new LinkedHashMap<>();
    private long untrackedCalls;
    private long seq;
    /** Waits a wake was matched to and that left the recent ones: all of them, where {@link #longest} keeps a few. */
    private long releasesFinished;
    /** Waits that left the recent ones released by a wake the trace cannot name ({@link MatchedWait#unattributed}). */
    private long unattributedFinished;
    /** The longest finished releases: a min-heap on the wait's length. */
    private final PriorityQueue<FutexAnalysis.Release> longest = new PriorityQueue<>(
            Comparator.comparingLong(FutexAnalysis.Release::waitedNs).thenComparing(r -> -r.order()));
    /** Threads by their clear-tid word, in start order (glibc reuses a descriptor, so a word can name several). */
    private final Map<FutexWord, List<ThreadInfo>> clearTid = new HashMap<>();
    /** The joins seen, and what a join of a folded thread still finds. */
    private final Joins joins = new Joins();
    private long lastSharedWakeNs = Long.MIN_VALUE, lastUnknownSharedWakeNs = Long.MIN_VALUE;
    private final SharedMappings shared;

    FutexLog(SharedMappings shared) {
        this.shared = shared;
    }

    /**
     * A futex call of {@code t} (a stretch of it, entered at {@code entryNs}, returned at
     * {@code exitNs}), as {@link Restarts} gave it: a wait a signal interrupted and the kernel
     * continued is one wait from its first entry.
     */
    void record(ThreadInfo t, Restarts.Continued c, long entryNs, long exitNs) {
        TraceEvent.Syscall s = c.call();
        if (!s.returned()) return;
        long op = s.args()[1];
        FutexCall call = new FutexCall(t.tid(), t.tgid(), s.args()[0], FutexOps.command(op), FutexOps.isWait(op),
                FutexOps.isWake(op), entryNs, exitNs, s.ret(), s.error(), s.finishedAtEntry(), c.sinceNs(), c.restarts() > 0,
                moved(s));
        byThread.computeIfAbsent(t, k -> new FutexCounters()).add(call);
        SharedMappings.Key key = shared.key(call.tgid(), call.uaddr(), op);
        Word word = word(key.word(), call.tgid(), call.uaddr());
        if (word != null) account(word, call, FutexOps.isPrivatePlainWait(op), true);
        if (FutexOps.hasSecondWord(op)) secondWord(word, key.word(), call, op, s.args()[4]);
        if (call.isWait()) joinCheck(new FutexWord(shared.space(call.tgid()), call.uaddr()), call);
        if (call.isWake() && (op & FutexOps.FUTEX_PRIVATE_FLAG) == 0) {
            lastSharedWakeNs = Math.max(lastSharedWakeNs, entryNs);
            if (!key.known()) lastUnknownSharedWakeNs = Math.max(lastUnknownSharedWakeNs, entryNs);
        }
    }

    /**
     * Of the waiters a requeue returned, those it moved: it woke the first val (kernel/futex/requeue.c:
     * {@code ++task_count <= nr_wake} wakes, the rest up to val2 are requeued); 0 for other calls.
     */
    private static long moved(TraceEvent.Syscall s) {
        if (!FutexOps.isRequeue(s.args()[1]) || s.error() || s.finishedAtEntry() || s.ret() <= 0) return 0;
        return s.ret() - Math.min(s.ret(), Math.max(0, (int) s.args()[2]));
    }

    /**
     * The second word of a FUTEX_WAKE_OP (woken too, when the op's comparison on its old value held:
     * the return value counts both words, so the wake is offered to the waits of each) or of a
     * requeue that moved waiters there.
     */
    private void secondWord(Word first, FutexWord firstKey, FutexCall call, long op, long uaddr2) {
        FutexWord key = shared.key(call.tgid(), uaddr2, op).word();
        if (key.equals(firstKey)) return; // the same futex: the first word's account has it
        if (call.command() == FutexOps.FUTEX_WAKE_OP) {
            Word second = word(key, call.tgid(), uaddr2);
            if (second != null) account(second, call, false, true);
        } else if (call.moved() > 0 && first != null) {
            Word second = word(key, call.tgid(), uaddr2);
            if (second != null) requeue(first, second, call, uaddr2);
        }
    }

    /**
     * {@code call} moved waiters off {@code from} to {@code to}: a wait on {@code from} it began in
     * is offered the wakes of {@code to} after it, now and as they come.
     */
    private void requeue(Word from, Word to, FutexCall call, long toUaddr) {
        from.movedOff += call.moved();
        MatchedWait.Requeue r = new MatchedWait.Requeue(call.tid(), call.entryNs(), toUaddr, to.recentWakes);
        from.requeuesOff.addLast(r);
        if (from.requeuesOff.size() > RECENT) from.requeuesOff.removeFirst();
        to.requeuesOn.addLast(new MovedIn(r, from.recentWaits));
        if (to.requeuesOn.size() > RECENT) to.requeuesOn.removeFirst();
        for (MatchedWait wait : from.recentWaits) wait.requeuedBy(r);
    }

    /**
     * When the latest shared (not FUTEX_PRIVATE) wake call began, in any process, on any word (relative
     * ns; Long.MIN_VALUE: none). The kernel keys a shared futex by its page, not its address: a wake
     * through another mapping of the same memory (a second mmap of a memfd, shm_open in another
     * process) releases a wait on a word whose address the wake does not name.
     */
    public long lastSharedWakeNs() {
        return lastSharedWakeNs;
    }

    /**
     * When the latest shared wake began on a word of no known object ({@link SharedMappings}: memory the
     * trace did not see mapped, a memfd); Long.MIN_VALUE: none. A wait on a known object's word is
     * reached by a wake on that object's key, or by one of these; not by a wake on another known object.
     */
    long lastUnknownSharedWakeNs() {
        return lastUnknownSharedWakeNs;
    }

    /** The address space process {@code tgid} runs in ({@link AddressSpaces}): a private word is {@code (space, address)}. */
    int space(int tgid) {
        return shared.space(tgid);
    }

    /** The key of {@code tgid}'s futex op {@code op} on {@code uaddr} as the kernel keys it, as far as the trace knows. */
    SharedMappings.Key key(int tgid, long uaddr, long op) {
        return shared.key(tgid, uaddr, op);
    }

    /**
     * A futex_waitv of {@code t}: one wait on each of its words (the array read at entry), the
     * thread's one call. It returns the index of the word whose wake released it: only that word
     * matches the wait with a wake. A waitv entry is never taken as a private plain wait: the
     * tracer follows every wake on its words to its exit while it is blocked (ptrace.ExitChoice).
     */
    void recordWaitv(ThreadInfo t, Restarts.Continued c, long entryNs, long exitNs) {
        TraceEvent.Syscall s = c.call();
        if (!s.returned()) return;
        long[] uaddrs = FutexOps.waitvWords(s.captures().bytes(0));
        boolean continued = c.restarts() > 0;
        FutexCall call = new FutexCall(t.tid(), t.tgid(), uaddrs.length == 0 ? 0 : uaddrs[0], FutexOps.FUTEX_WAIT, true, false,
                entryNs, exitNs, s.ret(), s.error(), false, c.sinceNs(), continued);
        byThread.computeIfAbsent(t, k -> new FutexCounters()).add(call);
        // The index it returns names one entry; a word listed twice is still one wait on it, released if either entry was woken.
        long released = !s.error() && s.ret() >= 0 && s.ret() < uaddrs.length ? uaddrs[(int) s.ret()] : 0;
        boolean anyReleased = !s.error() && s.ret() >= 0 && s.ret() < uaddrs.length;
        for (int i = 0; i < uaddrs.length; i++) {
            if (listedBefore(uaddrs, i)) continue;
            Word word = word(new FutexWord(shared.space(t.tgid()), uaddrs[i]), t.tgid(), uaddrs[i]);
            if (word == null) continue;
            account(word, new FutexCall(t.tid(), t.tgid(), uaddrs[i], FutexOps.FUTEX_WAIT, true, false, entryNs, exitNs, s.ret(),
                    s.error(), false, c.sinceNs(), continued), false, anyReleased && uaddrs[i] == released);
        }
    }

    private static boolean listedBefore(long[] uaddrs, int i) {
        for (int j = 0; j < i; j++) if (uaddrs[j] == uaddrs[i]) return true;
        return false;
    }

    /** The word's aggregate, made on first sight while there are fewer than {@link #MAX_WORDS}; null (and counted) beyond. */
    private Word word(FutexWord key, int tgid, long uaddr) {
        Word word = words.get(key);
        if (word == null && words.size() < MAX_WORDS) words.put(key, word = new Word(tgid, uaddr));
        if (word == null) untrackedCalls++;
        return word;
    }

    /** {@code released}: a wait that returned 0 here was released by a wake on this word (false for a waitv's other words). */
    private void account(Word w, FutexCall c, boolean privatePlain, boolean released) {
        if (c.isWait()) {
            if (!c.continued()) w.waits++;
            w.blocked += c.exitNs() - c.entryNs();
            if (w.waiters.size() < MAX_MEMBERS) w.waiters.add(c.tid());
            if (c.timedOut()) w.timeouts++;
            if (c.wouldBlock()) w.eagain++;
            if (!c.error() && released) {
                MatchedWait wait = new MatchedWait(++seq, c.tid(), c.entryNs(), c.exitNs(), c.sinceNs(), privatePlain, c.uaddr());
                for (MatchedWait.Wake wake : w.recentWakes) wait.offer(wake);
                for (MatchedWait.Requeue r : w.requeuesOff) wait.requeuedBy(r);
                w.recentWaits.addLast(wait);
                if (w.recentWaits.size() > RECENT) finish(w.recentWaits.removeFirst());
            }
        }
        if (c.isWake()) {
            w.wakes++;
            // The latest by when it began, whatever order the calls come in (a wake taken as
            // finished at its entry comes before a wake that began earlier and returned later).
            if (c.entryNs() >= w.lastWakeNs) {
                w.lastWaker = c.tid();
                w.lastWakeNs = c.entryNs();
                w.lastWoken = c.woken();
            }
            if (w.wakers.size() < MAX_MEMBERS) w.wakers.add(c.tid());
            if (c.mayHaveWoken()) {
                MatchedWait.Wake wake = new MatchedWait.Wake(c.tid(), c.entryNs(), c.atEntry());
                for (MatchedWait wait : w.recentWaits) wait.offer(wake);
                for (MovedIn m : w.requeuesOn) for (MatchedWait wait : m.fromWaits()) wait.offerMoved(m.requeue(), wake);
                w.recentWakes.addLast(wake);
                if (w.recentWakes.size() > RECENT) w.recentWakes.removeFirst();
            }
        }
    }

    private void finish(MatchedWait wait) {
        if (wait.unattributed()) unattributedFinished++;
        if (!wait.matched()) return;
        releasesFinished++;
        longest.add(wait.release());
        if (longest.size() > MAX_RELEASES) longest.poll();
    }

    /**
     * A wait on a thread's clear-tid word waits for that thread's exit (the latest one of the process
     * started by then), but it is a join only when it ended because the thread exited: it returned 0
     * (woken) or EAGAIN (the word no longer held the tid), and the thread had already called exit.
     * A wait ended by a signal (ERESTARTSYS, EINTR: a Ctrl-C while main is in pthread_join on a
     * deadlocked thread), by a timeout, or woken while the thread still runs, is no join.
     *
     * <p>The thread's exit is known here in time: exit's event is made at its entry, and the kernel
     * clears and wakes the word only after the tracer resumed it from there, so that event is
     * always before the waiter's return. A thread in the same process can end no other way while
     * its joiner lives (a group exit or a fatal signal ends the joiner too).
     */
    private void joinCheck(FutexWord key, FutexCall c) {
        if (c.error() && !c.wouldBlock()) return;
        joins.joined(key, joinCandidate(clearTid.get(key), c), c.tid(), c.sinceNs(), c.exitNs());
    }

    /** The thread a wait on a clear-tid word waits for: the latest of the word's threads started by then, not the waiter. */
    private static ThreadInfo joinCandidate(List<ThreadInfo> candidates, FutexCall c) {
        if (candidates == null) return null;
        for (int i = FutexAnalysis.lastAtOrBefore(candidates, c.sinceNs(), ThreadInfo::start); i >= 0; i--) {
            ThreadInfo t = candidates.get(i);
            if (t.tid() != c.tid()) return t;
        }
        return null;
    }

    /**
     * The model set (or changed) a thread's clear-tid word: its record holds it (no map of every
     * thread ever seen to its word), and the word's list of candidates has it.
     */
    void clearTid(ThreadInfo t, long address) {
        long before = t.clearTidAddress();
        t.clearTidAddress(address);
        if (before != 0) {
            List<ThreadInfo> old = clearTid.get(new FutexWord(shared.space(t.tgid()), before));
            if (old != null) old.remove(t);
        }
        if (address == 0) return;
        List<ThreadInfo> list = clearTid.computeIfAbsent(new FutexWord(shared.space(t.tgid()), address), k -> new ArrayList<>());
        int at = list.size();
        while (at > 0 && list.get(at - 1).start() > t.start()) at--;
        list.add(at, t);
    }

    /** The latest wake call on a word: who, when (relative ns), how many it woke (0 when its exit was not waited for). */
    public record LastWake(int waker, long ns, long woken) {}

    /** The latest wake call on the word {@code uaddr} of process {@code tgid} (a private word, of its address space); null when none was seen (or the word was not tracked). */
    public LastWake lastWake(int tgid, long uaddr) {
        return lastWake(new FutexWord(shared.space(tgid), uaddr));
    }

    /** The latest wake call on the futex {@code key} ({@link #key}); null when none was seen (or the word was not tracked). */
    LastWake lastWake(FutexWord key) {
        Word w = words.get(key);
        return w == null || w.lastWakeNs == Long.MIN_VALUE ? null : new LastWake(w.lastWaker, w.lastWakeNs, w.lastWoken);
    }

    /**
     * The thread whose CLONE_CHILD_CLEARTID word {@code uaddr} is in process {@code tgid}'s address space at
     * {@code ns}: the latest one started by then (a wait on it waits for that thread's exit); null for none.
     */
    ThreadInfo clearTidThread(int tgid, long uaddr, long ns) {
        List<ThreadInfo> candidates = clearTid.get(new FutexWord(shared.space(tgid), uaddr));
        if (candidates == null) return null;
        int i = FutexAnalysis.lastAtOrBefore(candidates, ns, ThreadInfo::start);
        return i < 0 ? null : candidates.get(i);
    }

    /**
     * An ended task folded: the log forgets it (its figures, its join, its place among its clear-tid
     * word's candidates: the kernel cleared that word at its exit, so no later wait joins it).
     * Returns whether a join of it was seen, for the fold's count.
     */
    boolean forget(ThreadInfo t) {
        byThread.remove(t);
        if (t.clearTidAddress() != 0) {
            FutexWord key = new FutexWord(shared.space(t.tgid()), t.clearTidAddress());
            List<ThreadInfo> list = clearTid.get(key);
            if (list != null && list.remove(t) && list.isEmpty()) clearTid.remove(key);
        }
        return joins.forget(t);
    }

    /** {@code t} folded unjoined: a join of it that returns later is still counted ({@link Joins#foldedUnjoined}). */
    void foldedUnjoined(ThreadInfo t, Runnable credit) {
        if (t.clearTidAddress() != 0) joins.foldedUnjoined(new FutexWord(shared.space(t.tgid()), t.clearTidAddress()), t, credit);
    }

    /** Why some shared words are keyed by address, not as the kernel keys them (past the shared mappings' caps), or null. */
    public String sharedMappingsNote() {
        return shared.note();
    }

    /** A thread's figures (all zero for a thread that made no futex call). */
    public FutexCounters of(ThreadInfo t) {
        return byThread.getOrDefault(t, FutexCounters.NONE);
    }

    /** Calls (a futex_waitv: per word) on futex words beyond the first {@link #MAX_WORDS}: in the per-thread figures, not in the per-word ones. */
    public long untrackedCalls() {
        return untrackedCalls;
    }

    /** The analysis as it stands: per word, the longest releases (waits still recent included), joins. */
    FutexAnalysis analysis() {
        List<FutexAnalysis.AddressStats> stats = new ArrayList<>();
        PriorityQueue<FutexAnalysis.Release> releases = new PriorityQueue<>(longest.comparator());
        releases.addAll(longest);
        long[] matched = {releasesFinished, unattributedFinished};
        words.forEach((k, w) -> {
            stats.add(new FutexAnalysis.AddressStats(w.tgid, w.uaddr, w.waits, w.wakes, w.blocked, w.timeouts, w.eagain, w.movedOff,
                    Collections.unmodifiableSet(new LinkedHashSet<>(w.waiters)),
                    Collections.unmodifiableSet(new LinkedHashSet<>(w.wakers))));
            for (MatchedWait wait : w.recentWaits) {
                if (wait.unattributed()) matched[1]++;
                if (!wait.matched()) continue;
                matched[0]++;
                releases.add(wait.release());
                if (releases.size() > MAX_RELEASES) releases.poll();
            }
        });
        stats.sort(Comparator.comparingLong(FutexAnalysis.AddressStats::blockedNs).reversed());
        List<FutexAnalysis.Release> inOrder = new ArrayList<>(releases);
        inOrder.sort(Comparator.comparingLong(FutexAnalysis.Release::order));
        return new FutexAnalysis(stats, inOrder, matched[0], matched[1], joins.inOrder(), joins.marks());
    }
}
