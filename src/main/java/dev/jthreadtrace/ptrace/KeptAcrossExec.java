package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.CpuTimeLimit;

import java.util.List;

/**
 * What execve(2) keeps that the tool's own start (its fork of the start gate) would drop, taken
 * over from whoever exec'd the tool so the command gets it: the interval timers still armed
 * (alarm, setitimer), which the tool disarms in itself at its start ({@code alarm 3; exec cmd}, a
 * test harness's watchdog, killed the tool's JVM instead of the command), and the signals that were
 * pending, blocked, when the tool started. And the CPU time limit ({@code ulimit -t}), which the tool
 * raised in itself at its start (its CPU per stop of the command would have spent the command's).
 *
 * @param timers          the armed timers, as they were when the tool took them over
 * @param takenAtNanos    when ({@link System#nanoTime}): a real-time timer has run on since
 * @param processSignals  signals pending for the whole process (bit n-1: signal n), or already due from a timer
 * @param threadSignals   signals pending for the thread that exec'd the tool
 * @param cpuLimit        the RLIMIT_CPU the tool was started with, when it has changed its own since; null: the tool's
 */
public record KeptAcrossExec(List<IntervalTimer> timers, long takenAtNanos, long processSignals, long threadSignals,
                             CpuTimeLimit cpuLimit) {
    /** Nothing to hand on: no timer armed, no signal pending, the tool's limits. */
    public static final KeptAcrossExec NONE = new KeptAcrossExec(List.of(), 0, 0, 0, null);

    public KeptAcrossExec {
        timers = List.copyOf(timers);
    }

    /**
     * One armed timer ({@code ITIMER_REAL} 0, {@code ITIMER_VIRTUAL} 1, {@code ITIMER_PROF} 2), in microseconds.
     *
     * @param valueMicros    until the next expiry
     * @param intervalMicros the period after it; 0: one shot
     */
    public record IntervalTimer(int which, long valueMicros, long intervalMicros) {
        public static final int REAL = 0;

        /**
         * The timer as the command gets it {@code elapsedMicros} after it was taken over: a
         * real-time one has run on meanwhile (the CPU-time ones count the command's CPU, which it has
         * not used yet). Null when it expired meanwhile and does not repeat; an expired periodic one
         * goes on at its next period.
         */
        IntervalTimer after(long elapsedMicros) {
            if (which != REAL || elapsedMicros < valueMicros) {
                return which != REAL ? this : new IntervalTimer(which, valueMicros - elapsedMicros, intervalMicros);
            }
            if (intervalMicros == 0) return null;
            long late = elapsedMicros - valueMicros;
            return new IntervalTimer(which, intervalMicros - late % intervalMicros, intervalMicros);
        }

        /** Whether it expired within {@code elapsedMicros} of being taken over: its signal is due. */
        boolean expiredWithin(long elapsedMicros) {
            return which == REAL && elapsedMicros >= valueMicros;
        }

        /** The signal its expiry sends: SIGALRM, SIGVTALRM, SIGPROF. */
        int signal() {
            return switch (which) {
                case REAL -> 14;
                case 1 -> 26;
                default -> 27;
            };
        }
    }
}
