package dev.jthreadtrace.check;

import dev.jthreadtrace.diff.DiffMetric;
import dev.jthreadtrace.model.Measure;
import dev.jthreadtrace.model.Metric;

import java.util.ArrayList;
import java.util.List;

/**
 * The metrics an assertion may name where it is made: a trace's ({@code run}, {@code check}), or
 * also what changed between two ({@code diff}, where a trace metric is the new run's).
 */
public enum Vocabulary {
    TRACE, DIFF;

    /** The metric with this key here, or null. */
    Measure byKey(String key) {
        Measure m = this == DIFF ? DiffMetric.byKey(key) : null;
        return m != null ? m : Metric.byKey(key);
    }

    /** Why a key is not a metric here, naming those that are. */
    String unknown(String key) {
        if (this == TRACE && DiffMetric.byKey(key) != null) {
            return key + " compares two traces: use it with jthreadtrace diff BASE.jsonl NEW.jsonl";
        }
        List<String> keys = new ArrayList<>(this == DIFF ? DiffMetric.keys() : List.of());
        keys.addAll(Metric.keys());
        return "unknown metric '" + key + "' (known: " + String.join(", ", keys) + ")";
    }
}
