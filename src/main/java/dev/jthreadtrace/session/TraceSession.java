package dev.jthreadtrace.session;

import dev.jthreadtrace.event.TraceEvent;

import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.ExecArguments;
import dev.jthreadtrace.ptrace.Launch;
import dev.jthreadtrace.ptrace.SeccompStatus;
import dev.jthreadtrace.ptrace.TraceFailure;
import dev.jthreadtrace.ptrace.Tracer;
import dev.jthreadtrace.render.LiveSink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs one trace: starts the ptrace thread, and on the calling thread takes each event off the
 * queue, feeds the model, and hands it to the live sink. Ctrl-C, SIGTERM and SIGHUP end the trace
 * cleanly (the tracees are killed, what was seen is kept); a closed output pipe ends it quietly.
 */
public final class TraceSession {
    private static final int QUEUE_CAPACITY = 16_384;
    private static final int BATCH = 1024;
    private static final long IDLE_SLEEP_NS = 5_000_000;

    /**
     * How the trace ended, for the exit code. {@code outputFailure}: why writing failed (a full
     * disk), after which the command ran on to its end without output; null when it did not.
     * {@code launchNote}: what the command could not be given as it would untraced, or null.
     * {@code privilegeNotes}: what being traced withheld from the command (a set-user-ID program's
     * privileges, its own ptrace calls), one note per program or process.
     */
    public record Outcome(TraceModel model, int interruptedBy, boolean outputClosed, String outputFailure,
                          long outOfMemoryAfter, SeccompStatus seccompStatus, Tracer.Stats stats, String launchNote,
                          List<String> privilegeNotes) {
        /** Whether the model stopped taking events when the heap ran out (after {@link #outOfMemoryAfter} events). */
        public boolean outOfMemory() {
            return outOfMemoryAfter >= 0;
        }
    }

    private TraceSession() {}

    /**
     * @param idle called when the queue has been empty for a moment (the live sink flushes then);
     *             may throw {@link OutputClosedException} or {@link OutputFailedException}
     */
    public static Outcome run(List<String> command, Map<String, String> environment, boolean[] recorded,
                              boolean seccomp, LiveSink live, Runnable idle) throws TraceFailure, InterruptedException {
        return run(command, environment, recorded, CaptureLimits.DEFAULT, seccomp, live, idle);
    }

    /** @param limits whether fd paths are read (-y) and how much of a data buffer is copied (-s) */
    public static Outcome run(List<String> command, Map<String, String> environment, boolean[] recorded, CaptureLimits limits,
                              boolean seccomp, LiveSink live, Runnable idle) throws TraceFailure, InterruptedException {
        return run(command, environment, recorded, limits, FoldPlan.UNBOUNDED, seccomp, live, idle);
    }

    /** @param fold how the model folds ended tasks ({@code --keep-ended} and the assertions' selectors) */
    public static Outcome run(List<String> command, Map<String, String> environment, boolean[] recorded, CaptureLimits limits,
                              FoldPlan fold, boolean seccomp, LiveSink live, Runnable idle) throws TraceFailure, InterruptedException {
        Launch launch = Launch.of(command, environment);
        try {
            return run(queue -> Tracer.start(launch, recorded, limits, ExecArguments.NONE, seccomp, queue), fold, live, idle,
                    Interrupts.DEFAULT);
        } finally {
            StopSignals.uninstall(); // no output of ours follows
        }
    }

    /**
     * @param execArguments what to add to the command lines of programs the command execs (the JVM agent)
     * @param interrupts what SIGINT, SIGTERM and SIGHUP to the tool do while the command runs
     */
    public static Outcome run(List<String> command, Map<String, String> environment, ExecArguments execArguments,
                              boolean[] recorded,
                              boolean seccomp, LiveSink live, Runnable idle, Interrupts interrupts)
            throws TraceFailure, InterruptedException {
        Launch launch = Launch.of(command, environment);
        return run(queue -> Tracer.start(launch, recorded, execArguments, seccomp, queue), live, idle, interrupts);
    }

    /** How the tracer begins: launching a command ({@link Tracer#start}) or attaching ({@link Tracer#attach}). */
    @FunctionalInterface
    public interface TracerStart {
        Tracer start(BlockingQueue<TraceEvent> queue) throws TraceFailure;
    }

    /**
     * The same for a tracer started by {@code start}; in attach mode a signal to the tool detaches
     * (see {@link Interrupts}) and nothing traced is ever killed. After it returns a signal still
     * cuts nothing short ({@link AfterTrace}) until the caller, its output written, calls
     * {@link StopSignals#uninstall}.
     */
    public static Outcome run(TracerStart start, LiveSink live, Runnable idle, Interrupts interrupts)
            throws TraceFailure, InterruptedException {
        return run(start, FoldPlan.UNBOUNDED, live, idle, interrupts);
    }

    /** The same into a model that folds ended tasks as {@code fold} says ({@code --keep-ended}). */
    public static Outcome run(TracerStart start, FoldPlan fold, LiveSink live, Runnable idle, Interrupts interrupts)
            throws TraceFailure, InterruptedException {
        BlockingQueue<TraceEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        Tracer tracer = start.start(queue);
        interrupts.prepare(tracer);
        IntConsumer afterTrace = interrupts.afterTrace(tracer);
        StopSignals.install(interrupts.handlerFor(tracer, afterTrace), tracer::sentByTraced);
        EventConsumer consumer = new EventConsumer(tracer, fold, live, idle);
        CpuBudget.during(tracer);
        try {
            // Drain in batches and sleep briefly when there is nothing: a consumer blocked on the
            // queue would be woken (a futex syscall and a context switch) for every single event,
            // which on two cores slows the traced program down. 5 ms of latency is invisible.
            List<TraceEvent> batch = new ArrayList<>(BATCH);
            while (!consumer.ended()) {
                if (!takeBatch(queue, batch, consumer)) {
                    consumer.idle();
                    LockSupport.parkNanos(IDLE_SLEEP_NS);
                    if (Thread.interrupted()) throw new InterruptedException();
                }
            }
        } finally {
            // From here to the last byte of output a signal cuts nothing short (the caller calls
            // StopSignals.uninstall once its output is written).
            StopSignals.install(afterTrace, tracer::sentByTraced);
            CpuBudget.during(null);
            // Leaving early (an exception, an interrupt): kill what we trace and let the loop drain,
            // so no tracee is left stopped and no ptrace thread keeps calling waitpid.
            if (!consumer.ended()) tracer.consumerGone(0);
            if (!tracer.join(10_000)) tracer.consumerGone(0);
        }
        return consumer.outcome();
    }

    /**
     * The events waiting in the queue (up to a batch) handed to the consumer; false when there were
     * none. A method of its own so that the JVM compiles it after a few calls: the loop around it
     * runs once per trace, and a loop body is compiled only after tens of thousands of turns
     * (on-stack replacement), which on a two-core machine came when the trace was nearly over.
     */
    private static boolean takeBatch(BlockingQueue<TraceEvent> queue, List<TraceEvent> batch, EventConsumer consumer) {
        if (queue.drainTo(batch, BATCH) == 0) return false;
        for (TraceEvent event : batch) {
            if (consumer.take(event)) break;
        }
        batch.clear();
        return true;
    }

    /** Feeds already-recorded events (a saved trace) through the same model. */
    public static TraceModel replay(Iterable<TraceEvent> events) {
        return replay(events, LiveSink.NONE);
    }

    /** The same, handing each event to {@code sink} after the model took it in, as a live run does. */
    public static TraceModel replay(Iterable<TraceEvent> events, LiveSink sink) {
        return replay(events, FoldPlan.UNBOUNDED, sink);
    }

    /** The same into a model that folds as {@code fold} says. */
    public static TraceModel replay(Iterable<TraceEvent> events, FoldPlan fold, LiveSink sink) {
        TraceModel model = fold.newModel();
        for (TraceEvent e : events) {
            model.accept(e);
            sink.event(e, model);
        }
        return model;
    }
}
