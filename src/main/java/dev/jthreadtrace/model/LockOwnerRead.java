package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Who holds the lock a pending futex wait waits for, and whether that can be trusted. Two reads may
 * say it: the lock's word (a glibc mutex's head) read at the wait, and the same read again in the
 * last look before the end ({@link TraceEvent.EndLook}), while the thread was still in that wait. A
 * read is trusted only while no wake on the word came after it (a wake may hand the lock on: the
 * owner read is then stale, and trusting it would make a false cycle); so the end's read, made
 * after the hand-offs, names the owner of a lock passed on while the thread waited, where the
 * wait's read can only say "unknown". The end's read is not trusted when the traced calls
 * unmapped or replaced the word's page after the wait began (munmap, mmap MAP_FIXED, mremap:
 * {@link AddressChanges}): the bytes there may be another object's. The tid a word holds is the
 * locker's in its own PID namespace ({@link NamespaceTids}): the owner is the task that id names
 * where the word's sharers live, and the owner given is that task's kernel tid.
 */
final class LockOwnerRead {
    /** The owner (null: unknown), why it is unknown (null: it is known, or nothing names one), and whether it was read at the end. */
    record Decided(FutexOps.LockOwner owner, String unknown, boolean atEnd) {}

    private LockOwnerRead() {}

    /** {@code last}: the latest wake on the wait's words; {@code uaddr}: its word. */
    static Decided of(TraceModel model, NamespaceTids ids, FutexLog futex, PendingCall c, FutexLog.LastWake last, long uaddr) {
        FutexOps.LockOwner atWait = c.nr() == SyscallTable.FUTEX_WAITV ? null : FutexOps.owner(c.args(), c.captures().bytes(0));
        Decided end = atTheEnd(model, ids, futex, c, last, uaddr, model.endLook(), atWait);
        // The trace went on after an earlier look (a kill after the first signal): an owner that ended
        // since was alive and holding the lock then, with no wake after (a cycle the signal broke).
        for (TraceEvent.EndLook earlier : model.earlierLooks()) {
            if (end == null || end.owner() != null || !end.unknown().contains(NO_THREAD) && !end.unknown().contains(ENDED)) break;
            Decided before = atTheEnd(model, ids, futex, c, last, uaddr, earlier, atWait);
            if (before != null && before.owner() != null) end = before;
        }
        // The end's read names a thread that had ended by then: if it held the lock at the wait's read, with no
        // wake since, it ended holding it, and the wait's read names it (kept, or among the latest folded).
        // Only the same tid: a wait's read naming another thread was handed on since (stale).
        if (end != null && end.owner() == null && end.unknown().contains(ENDED) && atWait != null
                && end.unknown().startsWith("tid " + atWait.tid() + " ")) {
            Decided wait = trusted(model, ids, futex, c, atWait, last, uaddr, c.sinceNs(), false);
            if (wait.owner() != null) return wait;
        }
        if (end != null) return end;
        return atWait == null ? new Decided(null, null, false) : trusted(model, ids, futex, c, atWait, last, uaddr, c.sinceNs(), false);
    }

    private static final String NO_THREAD = "is no thread of a process sharing the word";
    private static final String ENDED = "is a thread that ended holding the lock";

    /** What {@code look} read of {@code c}'s word, or null when it says nothing (not in that wait, no read, the page changed with no wait's read). */
    private static Decided atTheEnd(TraceModel model, NamespaceTids ids, FutexLog futex, PendingCall c, FutexLog.LastWake last, long uaddr,
                                    TraceEvent.EndLook look, FutexOps.LockOwner atWait) {
        TraceEvent.LookedTask seen = seenInTheSameWait(look, c);
        if (seen == null) return null;
        AddressChanges.Change moved = model.mmap().changed(c.thread().tgid(), c.args()[0], c.sinceNs(), look.ns());
        if (moved != null) {
            // The page changed: the end's read may be another object's bytes; the wait's read, made before, may still say.
            return atWait != null ? null : new Decided(null, "its page was changed by " + moved.call()
                    + " after the wait began: the word read at the end may be other memory", true);
        }
        long[] now = c.args().clone();
        // The word as it is now: a robust mutex handed on holds its new owner's tid | FUTEX_WAITERS.
        now[2] = java.nio.ByteBuffer.wrap(seen.word()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL;
        FutexOps.LockOwner owner = FutexOps.owner(now, seen.word());
        if (owner != null) return trusted(model, ids, futex, c, owner, last, uaddr, look.ns(), true);
        // Not a lock's word (then the wait's read named none either), or a lock free or being handed on.
        return atWait == null ? null : new Decided(null, "the lock's word read at the end names no owner: it was free or being handed on", true);
    }

    /**
     * The end's look at {@code c}'s thread when it was still in the same futex wait (same call, word
     * and op, begun before the look) and its word could be read; else null.
     */
    private static TraceEvent.LookedTask seenInTheSameWait(TraceEvent.EndLook look, PendingCall c) {
        if (look == null || c.nr() != SyscallTable.FUTEX || c.sinceNs() > look.ns()) return null;
        for (TraceEvent.LookedTask t : look.tasks()) {
            if (t.tid() != c.thread().tid()) continue;
            // restart_syscall (a timed wait a signal or an attach interrupted) keeps the wait's argument registers.
            boolean same = (t.nr() == c.nr() || t.nr() == SyscallTable.RESTART_SYSCALL) && t.args()[0] == c.args()[0]
                    && t.args()[1] == c.args()[1];
            return same && t.word() != null && t.word().length >= 4 ? t : null;
        }
        return null;
    }

    /** The owner read at {@code readNs}, unless a wake after that read may have handed the lock on, or it names no live thread. */
    private static Decided trusted(TraceModel model, NamespaceTids ids, FutexLog futex, PendingCall c, FutexOps.LockOwner owner,
                                   FutexLog.LastWake last, long uaddr, long readNs, boolean atEnd) {
        ThreadInfo t = c.thread();
        List<ThreadInfo> named = threads(model, ids, c, owner.tid(), readNs);
        ThreadInfo holder = named.size() == 1 ? named.getFirst() : null;
        // A holder alive at the read that folded since (it ended holding the lock): the latest folded tasks are
        // named by their tid (in the tool's PID namespace: the folded look-up is for a waiter in it).
        FoldedTasks.Gone folded = named.isEmpty() ? folded(model, c, owner.tid(), readNs, false) : null;
        int holderTgid = holder != null ? holder.tgid() : folded != null ? folded.tgid() : -1;
        int holderTid = holder != null ? holder.tid() : folded != null ? folded.tid() : -1;
        boolean shared = (c.args()[1] & FutexOps.FUTEX_PRIVATE_FLAG) == 0;
        // A shared word of a known object: its wakes from every process are on its key (last); another
        // known object's wake cannot reach it, only one on memory the trace did not see mapped.
        boolean known = shared && c.nr() == SyscallTable.FUTEX && futex.key(t.tgid(), uaddr, c.args()[1]).known();
        // Else a shared word's wake may come from the owner's process, at the same address where the mapping was inherited.
        FutexLog.LastWake there = known || holderTgid < 0 || futex.space(holderTgid) == futex.space(t.tgid()) ? null
                : futex.lastWake(holderTgid, uaddr);
        FutexLog.LastWake later = last != null && last.ns() >= readNs ? last : there != null && there.ns() >= readNs ? there : null;
        long sharedWakeNs = known ? futex.lastUnknownSharedWakeNs() : futex.lastSharedWakeNs();
        String when = atEnd ? "read at the end" : "read at the wait";
        String unknown = null;
        if (named.isEmpty() && folded == null) unknown = "tid " + owner.tid() + " " + when + " " + endedBefore(model, c, owner.tid(), readNs);
        else if (holder == null && folded == null) {
            unknown = "tid " + owner.tid() + " " + when + " names a thread in each of " + named.size() + " PID namespaces sharing the word: "
                    + named.stream().map(n -> Integer.toString(n.tid())).collect(Collectors.joining(", "));
        } else if (later != null) {
            unknown = "woken by " + later.waker() + " after the " + (atEnd ? "end's read" : "wait began") + ": the lock may have passed on";
        } else if (shared && sharedWakeNs >= readNs) {
            unknown = "a shared wake after the " + (atEnd ? "end's read" : "wait began")
                    + ", on a word that may map the same memory: the lock may have passed on";
        } else if (owner.from() == FutexOps.LockOwner.Source.ROBUST && (holder != null ? holder.calledExitItself() : folded.calledExitItself())) {
            unknown = "its owner " + holderTid + " ended holding it: the kernel hands a robust mutex to a waiter";
        }
        return unknown != null ? new Decided(null, unknown, atEnd) : new Decided(new FutexOps.LockOwner(holderTid, owner.from()), null, atEnd);
    }

    /**
     * The threads {@code tid} (read from {@code c}'s word, or the word of a lock the kernel refused it)
     * names, alive at {@code atNs}: in the waiter's address space (its process, or the parent a
     * CLONE_VM child process runs on: model.AddressSpaces) or, for a shared (not FUTEX_PRIVATE) wait,
     * in any traced process (a process-shared mutex in shared memory); none for a private lock's word
     * copied by fork (it names a thread of the parent). It may be the waiter itself: a normal mutex
     * locked again by its holder waits forever. The id is the locker's in its own PID namespace: a
     * private word's in the waiter's process's namespace (a task of that process, where one has it);
     * a shared word's in the namespace of any process sharing it, so more than one thread when tasks
     * of different namespaces have that id (the caller then names none).
     */
    static List<ThreadInfo> threads(TraceModel model, NamespaceTids ids, PendingCall c, int tid, long atNs) {
        ThreadInfo waiter = c.thread();
        boolean shared = (c.args()[1] & FutexOps.FUTEX_PRIVATE_FLAG) == 0;
        List<ThreadInfo> named = new ArrayList<>();
        for (ThreadInfo t : ids.named(tid, waiter, atNs)) {
            if (shared || model.futex().space(t.tgid()) == model.futex().space(waiter.tgid())) named.add(t);
        }
        List<ThreadInfo> ownProcess = named.stream().filter(t -> t.tgid() == waiter.tgid()).toList();
        return !shared && !ownProcess.isEmpty() ? ownProcess : named;
    }

    /**
     * What tid {@code tid}, which no thread alive at {@code readNs} sharing the word has, was: a thread
     * that had ended by then holding the lock (kept, or among the latest folded: said so), or none.
     */
    private static String endedBefore(TraceModel model, PendingCall c, int tid, long readNs) {
        if (c.thread().nsTid() != 0) return NO_THREAD; // an id in another PID namespace names no kernel tid
        ThreadInfo kept = model.thread(tid);
        if (kept != null && kept.end() != null && kept.end() < readNs && sameSpace(model, c, kept.tgid())) return ENDED;
        return folded(model, c, tid, readNs, true) != null ? ENDED + " (folded past --keep-ended)" : NO_THREAD;
    }

    /** The folded task with tid {@code tid} in the wait's address space (any, for a shared wait) that was alive at {@code atNs}, or had ended by then ({@code ended}); else null. */
    private static FoldedTasks.Gone folded(TraceModel model, PendingCall c, int tid, long atNs, boolean ended) {
        if (c.thread().nsTid() != 0) return null; // folded tasks are known by kernel tid
        FoldedTasks.Gone g = model.folded().gone(tid);
        if (g == null || g.start() > atNs || (ended ? g.end() >= atNs : g.end() < atNs)) return null;
        return sameSpace(model, c, g.tgid()) ? g : null;
    }

    private static boolean sameSpace(TraceModel model, PendingCall c, int tgid) {
        return (c.args()[1] & FutexOps.FUTEX_PRIVATE_FLAG) == 0 || model.futex().space(tgid) == model.futex().space(c.thread().tgid());
    }
}
