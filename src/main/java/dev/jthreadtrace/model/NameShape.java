package dev.jthreadtrace.model;

/**
 * A thread name with every run of digits folded to one {@code #} ({@code pool-1-thread-3} is
 * {@code pool-#-thread-#}): the report's tree folds siblings of the same shape into one row, and
 * {@code diff} matches the threads of two runs by it (pool-1-thread-3 in one run is pool-2-thread-1
 * in the next).
 */
public final class NameShape {
    private NameShape() {}

    public static String of(String name) {
        return name.replaceAll("[0-9]+", "#");
    }
}
