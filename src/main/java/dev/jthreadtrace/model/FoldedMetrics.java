package dev.jthreadtrace.model;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * How each metric reads folded tasks, as data: its value over the kept records combined with the
 * folded sums (a sum adds, a maximum takes the larger), or no part at all (the metric reads no task
 * record: the peak, the end, the settings' count, the deadlocks an ended task is in none of), or
 * not answerable once a task it would read has folded. An unanswerable metric FAILs with
 * "unknown: N threads folded" rather than give the kept tasks' value as the trace's.
 */
public final class FoldedMetrics {
    private FoldedMetrics() {}

    /** How the kept value and the folded figure make the trace's value. */
    enum Combine { SUM, MAX }

    /** {@code javaFacts}: the value reads Java facts, which a folded task of a JVM never had joined (they come at the end). */
    private record Rule(Combine combine, ToLongFunction<FoldedFigures> figure, boolean javaFacts) {}

    private static final Map<Metric, Rule> FOLDED = new EnumMap<>(Metric.class);
    /** Metrics whose value reads no task record that can fold. */
    private static final Set<Metric> NOT_PER_TASK = EnumSet.of(Metric.THREADS_PEAK, Metric.DEADLOCKS, Metric.HOOKS_CHANGES,
            Metric.DURATION, Metric.EXIT_CODE);

    static {
        sum(Metric.THREADS_TOTAL, FoldedFigures::tasks);
        sum(Metric.THREADS_COUNT, FoldedFigures::tasks);
        sum(Metric.PROCESSES_TOTAL, FoldedFigures::processes);
        FOLDED.put(Metric.SPAWN_DEPTH, new Rule(Combine.MAX, FoldedFigures::depthMax, false));
        sum(Metric.FUTEX_CALLS, FoldedFigures::futexCalls);
        // An ended task has no wait pending at the end: its waits and their time are all returned calls.
        sum(Metric.FUTEX_WAITS, FoldedFigures::futexWaits);
        sum(Metric.FUTEX_WAIT_TIME, FoldedFigures::futexBlockedNs);
        sum(Metric.FUTEX_WAKES, FoldedFigures::futexWakes);
        sum(Metric.FUTEX_TIMEOUTS, FoldedFigures::futexTimeouts);
        sum(Metric.FUTEX_JOINS, FoldedFigures::joined);
        sum(Metric.MMAP_CALLS, FoldedFigures::mmapCalls);
        sum(Metric.MMAP_BYTES, FoldedFigures::mmapBytes);
        sum(Metric.MUNMAP_BYTES, FoldedFigures::munmapBytes);
        // An ended task is blocked in nothing at the end.
        sum(Metric.THREADS_BLOCKED, f -> 0);
        // FoldRule keeps a task that ended after its process's scope ended; a JVM's scope end (main's
        // return) is known only from the agent's records, at the end: once a JVM's task folded, unknown.
        FOLDED.put(Metric.THREADS_LEAKED, new Rule(Combine.SUM, f -> 0, true));
        // Creation sites are the Java view's: exact while no task of a JVM folded.
        FOLDED.put(Metric.JAVA_CREATION_SITES, new Rule(Combine.SUM, f -> 0, true));
    }

    private static void sum(Metric m, ToLongFunction<FoldedFigures> figure) {
        FOLDED.put(m, new Rule(Combine.SUM, figure, false));
    }

    /** The answer: a value, or why there is none. */
    public sealed interface Answer {
        record Value(long value) implements Answer {}

        record Unknown(String why) implements Answer {}
    }

    /**
     * The trace's value of {@code metric}, given its value over the kept records and the folded
     * tasks' figures (the whole trace's, or a selector's). {@code byJavaFacts}: the selector reads
     * Java facts (created_at), which a folded task of a JVM never had joined.
     */
    public static Answer answer(Metric metric, long keptValue, FoldedFigures folded, boolean byJavaFacts) {
        if (NOT_PER_TASK.contains(metric) || folded.tasks() == 0) return new Answer.Value(keptValue);
        Rule rule = FOLDED.get(metric);
        if (rule == null || (byJavaFacts || rule.javaFacts()) && folded.jvmTasks() > 0) return unknown(folded);
        long f = rule.figure().applyAsLong(folded);
        return new Answer.Value(rule.combine() == Combine.SUM ? Sums.add(keptValue, f) : Math.max(keptValue, f));
    }

    /** Whether {@code metric} stays exact whatever folds, JVM tasks included (the help and the man page list the others). */
    public static boolean exactWhenFolded(Metric metric) {
        return NOT_PER_TASK.contains(metric) || FOLDED.containsKey(metric) && !FOLDED.get(metric).javaFacts();
    }

    private static Answer unknown(FoldedFigures folded) {
        long n = folded.tasks();
        return new Answer.Unknown("unknown: " + n + " thread" + (n == 1 ? "" : "s") + " folded");
    }
}
