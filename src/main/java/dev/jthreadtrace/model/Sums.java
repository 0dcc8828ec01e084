package dev.jthreadtrace.model;

/**
 * Sums of times and counts that stop at {@link Long#MAX_VALUE} instead of wrapping to a negative
 * number: a figure summed over a trace read back from a file (which may hold absurd values the
 * reader could not bound, a trace cut short has no end to bound them by) must never read small.
 */
public final class Sums {
    private Sums() {}

    /** {@code a + b} for non-negative figures, {@link Long#MAX_VALUE} when that would overflow. */
    public static long add(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
