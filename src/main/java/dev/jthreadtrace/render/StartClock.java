package dev.jthreadtrace.render;

import java.time.Instant;

/**
 * The wall-clock time at which the traced command started, which {@code -t}, {@code -tt} and
 * {@code -ttt} count from: read once from the system clock in a live trace (every sink of one
 * trace that shares the clock prints the same times), taken from the saved trace when one is
 * replayed. Event times are the tracer's CLOCK_MONOTONIC, the clock of {@link System#nanoTime()}.
 */
public final class StartClock {
    private final Long saved;
    private long wallNs;
    private boolean known;

    private StartClock(Long saved) {
        this.saved = saved;
    }

    /** A live trace: the first call reads the system clock, later calls give the same value. */
    public static StartClock live() {
        return new StartClock(null);
    }

    /** A replayed trace: the wall-clock time its writer recorded. */
    public static StartClock saved(long wallNs) {
        return new StartClock(wallNs);
    }

    /**
     * Nanoseconds since the epoch at the start event, which happened at {@code startEventNs} on the
     * monotonic clock.
     */
    public synchronized long wallNsAt(long startEventNs) {
        if (!known) {
            Instant now = Instant.now();
            long elapsed = System.nanoTime() - startEventNs;
            wallNs = saved != null ? saved : now.getEpochSecond() * 1_000_000_000L + now.getNano() - elapsed;
            known = true;
        }
        return wallNs;
    }
}
