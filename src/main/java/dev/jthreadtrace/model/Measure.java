package dev.jthreadtrace.model;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What an assertion can compare: a metric of one trace ({@link Metric}) or of what changed between
 * two ({@code diff.DiffMetric}). Each is a row of its table: key, kind, description, the selector
 * keys it takes.
 */
public interface Measure {
    String key();

    Metric.Kind kind();

    String description();

    Set<String> selectorKeys();

    /**
     * Whether a selection that matches nothing is an answer (a count of the selected threads) rather
     * than a mistake that would pass by accident.
     */
    boolean countsSelection();

    /** The row of a table with this key, or null. */
    static <M extends Measure> M byKey(M[] table, String key) {
        for (M m : table) if (m.key().equals(key)) return m;
        return null;
    }

    /** A table's keys, in its order. */
    static List<String> keys(Measure[] table) {
        return Arrays.stream(table).map(Measure::key).toList();
    }
}
