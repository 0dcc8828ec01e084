package dev.jthreadtrace.check;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.model.HangAnalysis;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.model.PendingCall;
import dev.jthreadtrace.model.TraceModel;

import java.util.Set;

/**
 * When a trace cannot answer a metric, and why: a value made of what is missing would read "no
 * hang" exactly when the program hung. The end-state metrics read the calls still pending at the
 * trace's end and the end's time; a trace cut short (the tool was SIGKILLed, the disk filled up;
 * {@code check --allow-truncated}) has no end record, and the pending calls are written only at
 * the end. Deadlocks also need, for each pending futex wait on a lock, the lock word read at the
 * wait ({@code captures}): a hand-edited trace, or one an older jthreadtrace wrote, may lack it,
 * and a wait on a lock of unknown owner closes no cycle. Leaks are decided when main returns or
 * the JVM shuts down, which a cut trace may not hold; the command's exit status is unknown until
 * it ends (an attach may detach first). The futex waits and their time count the waits still
 * pending at the end, so they too (a cut trace would answer a lower bound, which "< N" takes, as
 * diff says of the same trace). Metrics counted from the records present are answered.
 */
final class Unanswered {
    static final Set<Metric> END_STATE = Set.of(Metric.DEADLOCKS, Metric.THREADS_BLOCKED, Metric.DURATION, Metric.THREADS_LEAKED,
            Metric.EXIT_CODE, Metric.FUTEX_WAITS, Metric.FUTEX_WAIT_TIME);

    private Unanswered() {}

    /** Why {@code metric} cannot be read from {@code model}, or null when it can. */
    static String why(Metric metric, TraceModel model) {
        if (metric == Metric.JAVA_CREATION_SITES) return JavaUnanswered.creationSites(model);
        if (!END_STATE.contains(metric)) return null;
        if (!model.ended()) return "the trace has no end record (cut short), and " + metric.key() + " is read from the trace's end";
        // An attach that detached from a command still running: it has no exit status yet (it read -1, which "< 1" took).
        if (metric == Metric.EXIT_CODE && model.targetExit() == null) return "the command did not end during the trace";
        if (metric == Metric.THREADS_LEAKED) return JavaUnanswered.leaks(model);
        if (metric != Metric.DEADLOCKS) return null;
        String java = JavaUnanswered.deadlocks(model);
        if (java != null) return java;
        int missing = 0, first = 0;
        for (HangAnalysis.Blocked b : model.hang().blocked()) {
            PendingCall c = b.call();
            // (A call the trace did not record, seen by the end's look, never had a read at its wait.)
            if (c != null && c.isFutexWait() && c.ending() != PendingCall.Ending.UNRECORDED && FutexOps.ownerBytes(c.args()) > 0
                    && c.captures().bytes(0) == null) {
                if (missing++ == 0) first = b.thread().tid();
            }
        }
        return missing == 0 ? null : missing + " pending futex wait" + (missing == 1 ? "" : "s") + " (first: thread " + first
                + ") without the lock word read at the wait (its \"captures\"; a hand-edited trace, or an older jthreadtrace's):"
                + " who holds the lock is unknown";
    }
}
