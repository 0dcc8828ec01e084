package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Each thread's call that a signal interrupted (a restart code at its exit stop), until the kernel
 * continues it or the thread makes another call. Under ptrace even a signal whose disposition is
 * to ignore it (SIGCHLD, SIGWINCH, SIGURG by default) wakes a blocked call. With no handler run,
 * the kernel continues the call (arch/x86/kernel/signal.c): -ERESTARTSYS, -ERESTARTNOINTR and
 * -ERESTARTNOHAND begin the same call again; -ERESTART_RESTARTBLOCK (a timed futex wait,
 * nanosleep, poll: what is left of the timeout is in the thread's restart block) becomes
 * {@code restart_syscall}, whose return is the call's own result. Only the number changes: the
 * argument registers are still the call's, which is how a restart_syscall is known to continue
 * this call and no other (a nanosleep not recorded, a restart after a handler's EINTR). With a
 * handler the kernel answers EINTR instead (or, for -ERESTARTSYS with SA_RESTART, begins the call
 * again after the handler). Which one, rt_sigreturn says at its exit (recorded whenever
 * restart_syscall is, decode.TraceSelection): it returns the interrupted call's number when the
 * kernel begins it again (the handler's own calls came in between), -EINTR when the call ended at
 * the signal (the same call made again later is another call). With no handler there is no
 * rt_sigreturn: the thread's next call is the continuation. (A call whose recording does not bring
 * rt_sigreturn's, a read, is held until the thread's next call only, as before.)
 *
 * <p>{@link #next} gives each recorded call as the program made it: a restart_syscall as the call
 * it continues, with the time of the first entry and how many signals came in between.
 */
final class Restarts {
    static final int MAX = 4096;
    private static final long ERESTART_RESTARTBLOCK = -516;
    private static final int RT_SIGRETURN = SyscallTable.number("rt_sigreturn").orElseThrow();

    /** A call as the program made it: {@code call} (a restart_syscall given the number, arguments and captures of the call it continues). */
    record Continued(TraceEvent.Syscall call, long sinceNs, int restarts) {}

    private record Held(TraceEvent.Syscall call, long sinceNs, long untilNs, int restarts) {}

    private final Map<ThreadInfo, Held> held = new IdentityHashMap<>();
    /** The call each thread was in at an attach, read before the attach's interrupt, until its first call. */
    private final Map<ThreadInfo, Held> atAttach = new IdentityHashMap<>();

    /**
     * {@code t} was in {@code call} (its futex word in its captures) when the tool attached at
     * {@code ns} (relative): the attach's interrupt makes the kernel continue a timed wait in
     * restart_syscall, which then continues this call if its argument registers are the same.
     */
    void atAttach(ThreadInfo t, TraceEvent.Syscall call, long ns) {
        if (atAttach.size() < MAX) atAttach.put(t, new Held(call, ns, ns, 0));
    }

    /** One recorded call of {@code t}, entered at {@code ns} and returned at {@code exitNs} (relative). */
    Continued next(ThreadInfo t, TraceEvent.Syscall s, long ns, long exitNs) {
        Held seeded = atAttach.isEmpty() ? null : atAttach.remove(t);
        boolean again = seeded != null && (s.nr() == SyscallTable.RESTART_SYSCALL || s.nr() == seeded.call().nr());
        if (again && Arrays.equals(seeded.call().args(), s.args())) {
            // A wait since before the attach, as long as the trace knows: it is the call /proc said, since the attach
            // (continued in restart_syscall, or begun again by the kernel after the attach's interrupt: ERESTARTSYS).
            TraceEvent.Syscall was = seeded.call();
            TraceEvent.Syscall call = s.nr() == was.nr() ? s : new TraceEvent.Syscall(s.ns(), s.exitNs(), s.tid(), was.nr(), was.args(),
                    s.ret(), s.error(), s.returned(), was.captures(), s.cut(), s.finishedAtEntry());
            if (call.returned() && call.error() && SyscallDecoder.isRestart(call.ret()) && held.size() < MAX) {
                held.put(t, new Held(call, seeded.sinceNs(), exitNs, 0));
            }
            return new Continued(call, seeded.sinceNs(), 0);
        }
        Held h = held.isEmpty() ? null : held.remove(t);
        if (h != null && s.nr() == RT_SIGRETURN) {
            // a handler ran: its return value is the call's number if the kernel begins it again, else -EINTR (it ended)
            if (s.returned() && !s.error() && s.ret() == h.call().nr()) held.put(t, h);
            return new Continued(s, ns, 0);
        }
        TraceEvent.Syscall call = s;
        long since = ns;
        int restarts = 0;
        boolean same = h != null && h.untilNs() <= ns && Arrays.equals(h.call().args(), s.args());
        if (h != null && !same && TraceSelection.withSigreturn(h.call().nr())) {
            // a call the handler made: the interrupted one is begun again after it, or ended, as rt_sigreturn will say
            held.put(t, h);
        }
        if (same) {
            TraceEvent.Syscall was = h.call();
            boolean block = was.ret() == ERESTART_RESTARTBLOCK;
            if (block && s.nr() == SyscallTable.RESTART_SYSCALL) {
                call = new TraceEvent.Syscall(s.ns(), s.exitNs(), s.tid(), was.nr(), was.args(), s.ret(), s.error(), s.returned(),
                        was.captures(), s.cut(), s.finishedAtEntry());
            }
            if (!block && s.nr() == was.nr() || call != s) {
                since = h.sinceNs();
                restarts = h.restarts() + 1;
            }
        }
        if (call.returned() && call.error() && SyscallDecoder.isRestart(call.ret()) && held.size() < MAX) {
            held.put(t, new Held(call, since, exitNs, restarts));
        }
        return new Continued(call, since, restarts);
    }

    /** The thread ended: nothing of it is continued any more. */
    void ended(ThreadInfo t) {
        if (!held.isEmpty()) held.remove(t);
        if (!atAttach.isEmpty()) atAttach.remove(t);
    }

    /** The call an existing task was in before the attach's interrupt, as a call interrupted for a restart_syscall. */
    static TraceEvent.Syscall inCall(long ns, TraceEvent.ExistingTask e) {
        Captures c = new Captures();
        if (e.inCall().word() != null) c.put(0, e.inCall().word());
        return new TraceEvent.Syscall(ns, ns, e.tid(), e.inCall().nr(), e.inCall().args(), -516, true, true, c);
    }
}
