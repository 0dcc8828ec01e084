package dev.jthreadtrace.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A history that keeps its first {@code keep} entries and its latest {@code keep}, and counts the
 * ones between that it let go: a thread renamed a million times costs as much as one renamed
 * {@code 2 * keep} times. The first entries say what a thing started as, the latest what it became;
 * the count says that there was more.
 */
final class BoundedHistory<T> {
    private final int keep;
    private final List<T> first = new ArrayList<>(1);
    /** The latest entries after the first {@link #keep}, oldest first; null until there is one. */
    private ArrayDeque<T> latest;
    private long dropped;

    BoundedHistory(int keep) {
        if (keep < 1) throw new IllegalArgumentException("keep " + keep);
        this.keep = keep;
    }

    void add(T entry) {
        if (first.size() < keep) {
            first.add(entry);
            return;
        }
        if (latest == null) latest = new ArrayDeque<>(4);
        if (latest.size() == keep) {
            latest.removeFirst();
            dropped++;
        }
        latest.addLast(entry);
    }

    /** The entries kept, in order: the first ones, then (after the gap of {@link #dropped}) the latest. */
    List<T> kept() {
        if (latest == null) return List.copyOf(first);
        List<T> out = new ArrayList<>(first.size() + latest.size());
        out.addAll(first);
        out.addAll(latest);
        return List.copyOf(out);
    }

    /** How many entries between the first and the latest ones were let go. */
    long dropped() {
        return dropped;
    }

    /** Takes out the kept entries {@code gone} matches (a folded task's); the count of those let go stays. */
    void removeIf(java.util.function.Predicate<T> gone) {
        first.removeIf(gone);
        if (latest != null) latest.removeIf(gone);
    }

    /** How many entries are kept. */
    int size() {
        return first.size() + (latest == null ? 0 : latest.size());
    }
}
