package dev.jthreadtrace.check;

import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.model.TraceModel;

import java.util.Set;

/**
 * The metrics that read the state of the trace at its end: the calls still pending then (blocked
 * threads, the deadlocks among them) and the end's time. A trace cut short (the tool was
 * SIGKILLed, the disk filled up; {@code check --allow-truncated}) has no end record and none of
 * the pending calls, which are written only at the end: those metrics would read 0, "no hang",
 * exactly when the program hung. Metrics counted from the records present are answered.
 */
final class EndState {
    static final Set<Metric> METRICS = Set.of(Metric.DEADLOCKS, Metric.THREADS_BLOCKED, Metric.DURATION);

    private EndState() {}

    /** Why {@code metric} cannot be read from {@code model}, or null when it can. */
    static String missing(Metric metric, TraceModel model) {
        if (!METRICS.contains(metric) || model.ended()) return null;
        return "the trace has no end record (cut short), and " + metric.key() + " is read from the trace's end";
    }
}
