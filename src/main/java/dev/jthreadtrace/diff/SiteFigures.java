package dev.jthreadtrace.diff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one run's threads of one site add up to: how many, most alive at once, time blocked in
 * futex waits, a few of their names, where the first was created, and the values each inherited
 * setting had among them. Bounded: a site of a million threads keeps a few names, a few values per
 * setting, and two times per thread for the peak.
 */
public final class SiteFigures {
    static final int NAMES_KEPT = 3;
    static final int VALUES_KEPT = 8;
    /** Stands for the values past {@link #VALUES_KEPT}. */
    static final String MORE = "…";

    private int count;
    private long futexWaitNs;
    private final Set<String> names = new LinkedHashSet<>();
    private final Set<String> shapes = new LinkedHashSet<>();
    private String createdAt;
    private final Map<String, Set<String>> inherited = new LinkedHashMap<>();
    private final List<long[]> lives = new ArrayList<>();
    private int peak = -1;

    void add(String name, String createdAt, long start, Long end, long futexWaitNs, Map<String, String> inheritedValues) {
        count++;
        this.futexWaitNs += futexWaitNs;
        if (names.size() < NAMES_KEPT) names.add(name);
        if (shapes.size() < VALUES_KEPT) shapes.add(Folding.name(name));
        if (this.createdAt == null) this.createdAt = createdAt;
        lives.add(new long[] {start, end == null ? Long.MAX_VALUE : end});
        peak = -1;
        inheritedValues.forEach((hook, value) -> {
            Set<String> values = inherited.computeIfAbsent(hook, k -> new TreeSet<>());
            if (values.size() < VALUES_KEPT) values.add(Folding.value(hook, value));
            else if (!values.contains(Folding.value(hook, value))) values.add(MORE);
        });
    }

    public int count() {
        return count;
    }

    /** Most of this site's threads alive at once. */
    public int peak() {
        if (peak < 0) {
            List<long[]> edges = new ArrayList<>();
            for (long[] life : lives) {
                edges.add(new long[] {life[0], 1});
                edges.add(new long[] {life[1], -1});
            }
            // An end and a start at the same moment: the end first, or two threads one after the other would overlap.
            edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            int alive = 0, most = 0;
            for (long[] e : edges) most = Math.max(most, alive += (int) e[1]);
            peak = most;
        }
        return peak;
    }

    public long futexWaitNs() {
        return futexWaitNs;
    }

    /** A few of the threads' names, in creation order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(names);
    }

    /** The shapes of the threads' names ({@code pool-#-thread-#}), a few. */
    public Set<String> shapes() {
        return Collections.unmodifiableSet(shapes);
    }

    /** The first thread's creation site, {@code com.acme.Cache.<init>(Cache.java:42)}; null for a native site. */
    public String createdAt() {
        return createdAt;
    }

    /** By hook key, the values the threads started with, folded ({@link Folding}), sorted; {@value #MORE} for more than a few. */
    public Map<String, Set<String>> inherited() {
        return Collections.unmodifiableMap(inherited);
    }
}
