package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.ProcStatus;

/**
 * The signal mask a handler runs under. At a signal's delivery the kernel adds the handler's
 * {@code sa_mask} and the signal itself to the thread's mask, with no call the tracer sees, and
 * rt_sigreturn puts the old one back; a thread created or a process forked inside the handler
 * inherits the handler's mask (glibc's fork makes no mask call of its own). So a task that had a
 * signal delivered since its last rt_sigreturn has its mask read from {@code /proc} at each clone,
 * fork or vfork it makes: one read, only there (a signal without a handler, never followed by an
 * rt_sigreturn, costs a read at the task's later spawns, no more).
 */
final class HandlerMasks {
    private static final int RT_SIGRETURN = SyscallTable.number("rt_sigreturn").orElseThrow();
    /** Far more nested handlers than any stack holds: the count only says "some may run". */
    private static final int MOST = 1 << 20;

    private HandlerMasks() {}

    /** A signal is delivered to {@code task}: a handler of it may run from now on. */
    static void delivered(Task task) {
        if (task.handlersRunning < MOST) task.handlersRunning++;
    }

    /** {@code task} entered call {@code nr}: an rt_sigreturn ends the innermost handler. */
    static void entered(Task task, int nr) {
        if (nr == RT_SIGRETURN && task.handlersRunning > 0) task.handlersRunning--;
    }

    /**
     * At {@code creator}'s clone, fork or vfork event (it is stopped, its mask is the one the child
     * got): its mask as the kernel holds it, to {@code events}, when a handler may be running.
     */
    static void atSpawn(Task creator, long now, Events events) {
        if (creator.handlersRunning == 0) return;
        ProcStatus status = ProcStatus.of(creator.tid);
        if (status == null || status.text("SigBlk").isEmpty()) return; // gone
        events.emit(new TraceEvent.MaskSeen(now, creator.tid, status.hex("SigBlk", 0)));
    }
}
