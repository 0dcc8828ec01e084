package dev.jthreadtrace.model;

/**
 * A thread name with every run of digits folded to one {@code #} ({@code pool-1-thread-3} is
 * {@code pool-#-thread-#}): the report's tree folds siblings of the same shape into one row, and
 * {@code diff} matches the threads of two runs by it (pool-1-thread-3 in one run is pool-2-thread-1
 * in the next).
 */
public final class NameShape {
    private NameShape() {}

    /**
     * A loop, not {@code replaceAll("[0-9]+", "#")}: the report asks twice for every sibling it may
     * fold, in each section, and a regex compiled at each call (interpreted, in a report that runs
     * once) was a large part of a 2 000-thread report. Only ASCII digits fold, as {@code [0-9]} did.
     */
    public static String of(String name) {
        int first = firstDigit(name);
        if (first < 0) return name;
        StringBuilder shape = new StringBuilder(name.length()).append(name, 0, first);
        boolean inDigits = false;
        for (int i = first; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            if (!digit) shape.append(c);
            else if (!inDigits) shape.append('#');
            inDigits = digit;
        }
        return shape.toString();
    }

    private static int firstDigit(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= '0' && c <= '9') return i;
        }
        return -1;
    }
}
