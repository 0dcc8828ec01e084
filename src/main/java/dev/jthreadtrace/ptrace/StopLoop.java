package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The ptrace thread's loop: {@code waitpid(-1, __WALL | __WNOTHREAD)} until no tracee is left (or, attached,
 * until every task is let go); every pending stop is handled ({@link StopHandler}) before all are
 * resumed together ({@link ResumeBatch}), so a busy thread cannot starve the others.
 */
final class StopLoop {
    private static final int SIGKILL = 9;
    /**
     * Fault injection for tests only: {@code -Djthreadtrace.fault.loop-after-stops=N} makes the loop
     * thread fail at its N-th stop, to prove such a failure ends in one line and exit 125.
     */
    static final String FAULT_PROPERTY = "jthreadtrace.fault.loop-after-stops";
    /**
     * What {@code waitpid(-1)} waits for: every tracee, clone or not, and of the tool's children only
     * the ptrace thread's own (the start gate, the doorbell: {@code __WNOTHREAD}). Any other child of
     * the tool's process is its caller's: bash forks a process substitution's reader before it execs
     * the tool ({@code run -- CMD 2> >(tee log >&2)}), so the reader is the child of the tool's main
     * thread, untraced. Waited for too, it kept the trace going after the command had ended
     * ({@code true 3> >(sleep 6)}: 6 s instead of 0.3) and for ever when it waited for the end of a
     * pipe the tool held; and it was reaped, which is its parent's business, not a tracer's.
     */
    private static final int TRACEES = Libc.WALL | Libc.WNOTHREAD;

    /** What ends an attach: a detach asked for from another thread, and the doorbell that wakes the loop for it. */
    record Attachment(Doorbell doorbell, Detacher detacher, BooleanSupplier detachRequested) {}

    private final TaskTable tasks;
    private final ResumeBatch batch;
    private final StopHandler stops;
    /** Null when the command was launched. */
    private final Attachment attachment;
    private final BooleanSupplier ending;
    private final ResumeBatch.Resumer resumer;
    private final long faultAfterStops = Long.getLong(FAULT_PROPERTY, -1);
    // Counters for --stats: plain fields, written by the ptrace thread, read after it has ended.
    private long stopCount, busyNs, lostEvents;

    /**
     * @param ending whether the trace is being ended ({@link Tracer#requestStop}): every stop from
     *               then on is answered with SIGKILL, never a resume, so no traced code runs after it
     */
    StopLoop(TaskTable tasks, ResumeBatch batch, StopHandler stops, Attachment attachment, BooleanSupplier ending) {
        this.tasks = tasks;
        this.batch = batch;
        this.stops = stops;
        this.attachment = attachment;
        this.ending = ending;
        this.resumer = (tid, signal) -> {
            if (ending.getAsBoolean()) kill(tid);
            else stops.resume(tid, signal);
        };
    }

    /**
     * Kills the process of {@code tid} (SIGKILL to any of its threads ends them all), then lets the
     * stopped task go: with SIGKILL pending it dies before its next instruction, and no stop of
     * its own exit is left waiting for a resume. The stop is not handled: nothing of it is news.
     */
    private static void kill(int tid) {
        Libc.kill(tid, SIGKILL);
        Ptrace.resume(tid, 0);
    }

    /** Until every tracee is gone (or let go); then the line for the end record about lost events, or null. */
    String run(MemorySegment status) {
        while (round(status)) {
            // each round is a method of its own (see round)
        }
        return lostEvents == 0 ? null : "out of memory: " + lostEvents + " stops dropped";
    }

    /**
     * One round: wait for a stop, handle it and every other pending one, resume them all; false
     * when the trace is over. A method of its own, not the body of {@link #run}'s loop: the JVM
     * compiles a method after a few hundred calls, but a loop inside a method that is called once
     * only through on-stack replacement, after tens of thousands of turns; measured on c-pingchurn
     * (90 000 stops, one round per 1.7 stops), the loop ran in the interpreter until the trace
     * was nearly over.
     */
    private boolean round(MemorySegment status) {
        boolean detaching = attachment != null && attachment.detacher().detaching();
        int tid = tasks.held.anyHeld() || detaching ? waitWhileHolding(status) : Libc.waitpid(-1, status, TRACEES);
        if (tid < 0) { // ECHILD: every tracee is gone
            if (attachment != null && attachment.detacher().detaching()) closeDetach(status);
            return false;
        }
        long busyFrom = System.nanoTime();
        if (tid > 0) handleCounted(tid, status.get(JAVA_INT, 0));
        while ((tid = Libc.waitpid(-1, status, TRACEES | Libc.WNOHANG)) > 0) handleCounted(tid, status.get(JAVA_INT, 0));
        batch.resumeAll(resumer);
        busyNs += System.nanoTime() - busyFrom;
        return attachment == null || !attachedDone(status);
    }

    long stops() {
        return stopCount;
    }

    long busyNs() {
        return busyNs;
    }

    private void handleCounted(int tid, int rawStatus) {
        if (++stopCount == faultAfterStops) {
            throw new IllegalStateException("fault injected at stop " + stopCount + " (" + FAULT_PROPERTY + ")");
        }
        WaitStatus status = WaitStatus.fromRaw(rawStatus);
        try {
            handle(tid, status);
        } catch (OutOfMemoryError e) {
            // The heap is full (the model grew): drop this stop's event, never the tracee. A stopped
            // task is let go at once; the trace ends with a note of how many events were lost.
            lostEvents++;
            if (!(status instanceof WaitStatus.Exited) && !(status instanceof WaitStatus.Killed)) Ptrace.resume(tid, 0);
        }
    }

    private void handle(int tid, WaitStatus status) {
        long now = System.nanoTime();
        if (attachment != null && attachment.doorbell().isRinging(tid)) return; // rung for a detach, or its shell died
        boolean gone = status instanceof WaitStatus.Exited || status instanceof WaitStatus.Killed;
        if (!gone && ending.getAsBoolean()) {
            kill(tid);
            return;
        }
        if (attachment != null && attachment.detacher().detaching() && !gone) {
            attachment.detacher().handle(tid, status);
            return;
        }
        stops.handle(tid, status, now);
    }

    /**
     * Attached, after each batch: the detach begins once it is asked for; true when no task is left
     * (all detached or exited, or the detach took too long), the doorbell then silenced.
     */
    private boolean attachedDone(MemorySegment status) {
        Detacher detacher = attachment.detacher();
        if (attachment.detachRequested().getAsBoolean() && !detacher.detaching()) detacher.begin();
        if (!tasks.isEmpty() && !detacher.timedOut(System.nanoTime())) return false;
        if (detacher.detaching()) closeDetach(status);
        else attachment.doorbell().silence(status);
        return true;
    }

    /**
     * The detach's record, then the doorbell silenced. Also when waitpid says no tracee is left
     * while the table still lists one (a thread of a storm of threads whose end the kernel reported
     * to no one, being let go): the tasks were let go, not ended, and without the record the
     * attach would read as "the processes exited".
     */
    private void closeDetach(MemorySegment status) {
        stops.emitDetached(attachment.detacher().record());
        attachment.doorbell().silence(status);
    }

    /**
     * waitpid while some new task is held for its creator's event. That event normally follows
     * within microseconds; if the creator died before reporting it, nothing would ever release the
     * child and a blocking waitpid would wait for it forever. So poll, and let expired children go.
     * While detaching, poll too: 0 when the detach's time is up, for the loop to give up waiting.
     */
    private int waitWhileHolding(MemorySegment status) {
        while (true) {
            int tid = Libc.waitpid(-1, status, TRACEES | Libc.WNOHANG);
            if (tid != 0) return tid;
            if (attachment != null && attachment.detacher().detaching()) {
                if (attachment.detacher().timedOut(System.nanoTime())) return 0;
            } else {
                for (int child : tasks.held.expired(System.nanoTime())) resumer.resume(child, 0);
                if (!tasks.held.anyHeld()) return Libc.waitpid(-1, status, TRACEES);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** After a failure: reap the killed tracees (bounded), so none is left a zombie or in a ptrace-stop. */
    static void drainAfterFailure() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                int tid = Libc.waitpid(-1, status, TRACEES | Libc.WNOHANG);
                if (tid < 0) return; // ECHILD: all gone
                if (tid == 0) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
                if (!(s instanceof WaitStatus.Exited) && !(s instanceof WaitStatus.Killed)) Ptrace.resume(tid, 0);
            }
        } catch (RuntimeException | Error ignored) {
            // Best effort: EXITKILL still ends every tracee when the tool exits.
        }
    }
}
