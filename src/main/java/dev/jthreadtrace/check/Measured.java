package dev.jthreadtrace.check;

import java.util.Set;

/**
 * What an assertion's metric measured: a number, the text values of the selected threads, or
 * nothing at all because its selector matched nothing (said in one line, with what there was).
 */
sealed interface Measured {
    /** A count, a time in nanoseconds or a size in bytes. */
    record Number(long value) implements Measured {}

    /** The distinct values the {@code threads} selected threads have (spawned_by, inherits). */
    record Texts(Set<String> values, int threads) implements Measured {}

    /** The selector matched nothing; {@code why} names what it looked for and what the trace has. */
    record Empty(String why) implements Measured {}

    /**
     * The trace cannot answer: what the metric reads is not in it (a trace cut short has no end
     * state). The assertion fails whatever it compares, {@code empty="pass"} or not: a value made up
     * of what is missing would pass a hang by accident.
     */
    record Unknown(String why) implements Measured {}
}
