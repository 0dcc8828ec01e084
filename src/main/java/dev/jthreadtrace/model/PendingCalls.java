package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Arrays;
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
    private static final int EDEADLK = 35;

    private final Map<ThreadInfo, PendingCall> last = new IdentityHashMap<>();
    /**
     * A PI lock the kernel refused with EDEADLK (taking it would close a cycle), kept while the
     * thread's later calls stay pending: glibc then parks the thread for good in a futex wait on
     * a word of its own stack, so that wait is really a wait for the PI lock's owner.
     */
    private final Map<ThreadInfo, PendingCall> refusedPi = new IdentityHashMap<>();
    private long dropped;

    /** One recorded call of {@code t}, entered at {@code ns}, returned or cut at {@code endNs} (relative). */
    void syscall(ThreadInfo t, TraceEvent.Syscall s, long ns, long endNs) {
        PendingCall.Ending ending = switch (s.cut()) {
            case ENDED -> PendingCall.Ending.ENDED;
            case DETACHED -> PendingCall.Ending.DETACHED;
            case NONE -> s.returned() && s.error() && SyscallDecoder.isRestart(s.ret()) ? PendingCall.Ending.INTERRUPTED : null;
        };
        if (ending == null) {
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
        // The same call begun again after a signal interrupted it: the wait began at the first entry.
        PendingCall interrupted = last.get(t);
        boolean again = interrupted != null && interrupted.ending() == PendingCall.Ending.INTERRUPTED && interrupted.nr() == s.nr()
                && interrupted.untilNs() <= ns && Arrays.equals(interrupted.args(), s.args());
        last.put(t, new PendingCall(t, s.nr(), s.args(), s.captures(), again ? interrupted.sinceNs() : ns, endNs, ending, s.ret(),
                again ? interrupted.restarts() + 1 : 0, ns));
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

    /** A FUTEX_LOCK_PI that failed with EDEADLK: the kernel found that the wait would deadlock. */
    private static boolean refusedByTheKernel(TraceEvent.Syscall s) {
        if (s.nr() != SyscallTable.FUTEX || !s.returned() || !s.error() || s.ret() != -EDEADLK) return false;
        int cmd = FutexOps.command(s.args()[1]);
        return cmd == FutexOps.FUTEX_LOCK_PI || cmd == FutexOps.FUTEX_LOCK_PI2;
    }

    /** The PI lock the kernel refused {@code t} (EDEADLK) before its pending call, or null. */
    PendingCall refusedPi(ThreadInfo t) {
        return refusedPi.get(t);
    }

    /** Threads whose pending call was not kept (beyond {@link #MAX}). */
    long dropped() {
        return dropped;
    }
}
