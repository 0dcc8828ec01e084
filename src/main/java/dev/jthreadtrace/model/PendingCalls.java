package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each thread's last recorded call when that call did not end normally: cut by the task's end or
 * a detach, or interrupted by a signal (a restart code). A later call of the same thread forgets
 * it. At most {@link #MAX} threads are kept (a count of the others is), so memory stays flat
 * however many threads a program churns through.
 */
final class PendingCalls {
    static final int MAX = 4096;
    private static final int EDEADLK = 35, ESRCH = 3;

    private final Map<ThreadInfo, PendingCall> last = new IdentityHashMap<>();
    /**
     * A PI lock the kernel refused with EDEADLK (taking it would close a cycle) or ESRCH (the word's
     * tid is no task in the waiter's PID namespace: a lock held across namespaces), kept while the
     * thread's later calls stay pending: glibc then parks the thread for good in a futex wait on
     * a word of its own stack, so that wait is really a wait for the PI lock's owner.
     */
    private final Map<ThreadInfo, PendingCall> refusedPi = new IdentityHashMap<>();
    private long dropped;
    /** When each thread's latest recorded call returned (relative): a call seen by the end's look and left since is no block. */
    private final Map<ThreadInfo, Long> returned = new IdentityHashMap<>();

    /**
     * One recorded call of {@code t}, as {@link Restarts} gave it (a restart_syscall as the call it
     * continues, since that call's first entry), entered at {@code ns}, returned or cut at
     * {@code endNs} (relative). A restart_syscall that continues no recorded call (a nanosleep
     * the trace does not record, a timed wait the thread was in when the tool attached: the
     * attach's interrupt made the kernel continue it so) is pending only when the trace ended or
     * the thread died inside it (then it is all the trace knows of what the thread is blocked
     * in); a signal interrupting it only forgets the thread's last call.
     */
    void syscall(ThreadInfo t, Restarts.Continued c, long ns, long endNs) {
        TraceEvent.Syscall s = c.call();
        boolean unknownRestart = s.nr() == SyscallTable.RESTART_SYSCALL && s.cut() == TraceEvent.Cut.NONE;
        PendingCall.Ending ending = unknownRestart ? null : switch (s.cut()) {
            case ENDED -> PendingCall.Ending.ENDED;
            case DETACHED -> PendingCall.Ending.DETACHED;
            case NONE -> s.returned() && s.error() && SyscallDecoder.isRestart(s.ret()) ? PendingCall.Ending.INTERRUPTED : null;
        };
        if (ending == null) {
            returned.put(t, endNs);
            if (!last.isEmpty()) last.remove(t);
            if (!refusedPi.isEmpty()) refusedPi.remove(t);
            if (refusedByTheKernel(s) && refusedPi.size() < MAX) {
                refusedPi.put(t, new PendingCall(t, s.nr(), s.args(), s.captures(), ns, endNs, null, s.ret(), 0, ns));
            }
            return;
        }
        if (!last.containsKey(t) && last.size() >= MAX) {
            dropped++;
            return;
        }
        last.put(t, new PendingCall(t, s.nr(), s.args(), s.captures(), c.sinceNs(), endNs, ending, s.ret(), c.restarts(), ns));
    }

    /** Whether {@code t}'s last call is kept as pending (cut by its end, interrupted): the task is still read. */
    boolean holds(ThreadInfo t) {
        return !last.isEmpty() && last.containsKey(t) || !refusedPi.isEmpty() && refusedPi.containsKey(t);
    }

    /** {@code t} folded (never while {@link #holds} it): its return time goes. */
    void forget(ThreadInfo t) {
        returned.remove(t);
    }

    /**
     * The calls pending at the end, in the order they began. An interrupted call counts only when
     * the thread did not go on to end by its own exit (then it ran on after the signal).
     */
    List<PendingCall> atEnd() {
        List<PendingCall> out = new ArrayList<>();
        for (PendingCall c : last.values()) {
            Exit exit = c.thread().exit();
            boolean ranOn = exit instanceof Exit.Exited || exit instanceof Exit.GroupExit g && !g.tornDown();
            if (c.ending() != PendingCall.Ending.INTERRUPTED || !ranOn) out.add(c);
        }
        out.sort((a, b) -> a.sinceNs() != b.sinceNs() ? Long.compare(a.sinceNs(), b.sinceNs())
                : Integer.compare(a.thread().tid(), b.thread().tid()));
        return out;
    }

    /** A FUTEX_LOCK_PI that failed with EDEADLK (the wait would deadlock) or ESRCH (no owner it can see): glibc parks either. */
    private static boolean refusedByTheKernel(TraceEvent.Syscall s) {
        if (s.nr() != SyscallTable.FUTEX || !s.returned() || !s.error() || s.ret() != -EDEADLK && s.ret() != -ESRCH) return false;
        int cmd = FutexOps.command(s.args()[1]);
        return cmd == FutexOps.FUTEX_LOCK_PI || cmd == FutexOps.FUTEX_LOCK_PI2;
    }

    /** The PI lock the kernel refused {@code t} (EDEADLK, ESRCH) before its pending call, or null. */
    PendingCall refusedPi(ThreadInfo t) {
        return refusedPi.get(t);
    }

    /** When {@code t}'s latest recorded call that returned did (relative), or {@link Long#MIN_VALUE}. */
    long lastReturnNs(ThreadInfo t) {
        return returned.getOrDefault(t, Long.MIN_VALUE);
    }

    /** Threads whose pending call was not kept (beyond {@link #MAX}). */
    long dropped() {
        return dropped;
    }
}
