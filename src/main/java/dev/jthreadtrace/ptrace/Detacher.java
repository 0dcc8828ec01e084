package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.event.TraceEvent;

import java.lang.foreign.MemorySegment;

/**
 * The detach protocol of {@code attach}: every task is interrupted and let go at its next stop
 * (a pending signal re-injected, a group-stop kept, a new child detached at its first stop), so no
 * task is left in a ptrace-stop; after {@link #LIMIT_NS} the ptrace thread leaves and the kernel
 * detaches the rest.
 */
final class Detacher {
    static final long LIMIT_NS = 5_000_000_000L;

    private final TaskTable tasks;
    private final MemorySegment eventMessage;
    /** Reports the call a task is inside when it is let go. */
    private final StopHandler stops;
    private boolean detaching;
    private long deadline;
    private int detached;

    Detacher(TaskTable tasks, MemorySegment eventMessage, StopHandler stops) {
        this.tasks = tasks;
        this.eventMessage = eventMessage;
        this.stops = stops;
    }

    boolean detaching() {
        return detaching;
    }

    boolean timedOut(long now) {
        return detaching && now > deadline;
    }

    /** Interrupts every task; each is detached at its next stop (held children at once: they are stopped). */
    void begin() {
        detaching = true;
        deadline = System.nanoTime() + LIMIT_NS;
        for (int child : tasks.held.releaseAll()) detach(child, 0);
        for (int tid : tasks.tids()) {
            if (!Ptrace.interrupt(tid)) tasks.gone(tid);
        }
    }

    /** While detaching: any stop lets the task go, a pending signal re-injected, a group-stop kept. */
    void handle(int tid, WaitStatus status) {
        switch (status) {
            case WaitStatus.SignalDeliveryStop delivery -> detach(tid, delivery.signal());
            case WaitStatus.EventStop event -> {
                if (event.event() == PtraceEvent.CLONE || event.event() == PtraceEvent.FORK || event.event() == PtraceEvent.VFORK) {
                    // The child is attached already and stops once: detach it then.
                    int child = (int) Ptrace.eventMessage(tid, eventMessage);
                    if (child > 0 && !tasks.contains(child)) tasks.add(new Task(child, child));
                }
                detach(tid, 0);
            }
            default -> detach(tid, 0);
        }
    }

    private void detach(int tid, int signal) {
        stops.cut(tid, System.nanoTime(), TraceEvent.Cut.DETACHED);
        tasks.gone(tid);
        if (Ptrace.detach(tid, signal)) detached++;
    }

    /** The record that closes the window; the calls of tasks left to the kernel (the detach timed out) are cut first. */
    TraceEvent.Detached record() {
        long now = System.nanoTime();
        for (int tid : tasks.tids()) stops.cut(tid, now, TraceEvent.Cut.DETACHED);
        return new TraceEvent.Detached(now, detached);
    }
}
