package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.event.TraceEvent;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * How the live lines are written, as strace's flags choose it: the time column, durations,
 * which results and which signals are shown, whether an fd shows its path, and string length.
 *
 * @param signals by signal number, which {@code --- SIG ---} lines are shown
 */
public record LineOptions(TimeFormat time, boolean durations, Set<Status> statuses, boolean[] signals, boolean fdPaths,
                          int stringMax) {
    /** The time column: strace's default has none; ours is seconds since the command's exec. */
    public enum TimeFormat {
        /** {@code   0.004512}: seconds since the command's exec (the default). */
        START,
        /** {@code -r}: seconds since the previous line. */
        DELTA,
        /** {@code -t}: {@code 14:03:07}. */
        WALL,
        /** {@code -tt}: {@code 14:03:07.123456}. */
        WALL_MICROS,
        /** {@code -ttt}: {@code 1795907170.027368}, seconds since the epoch. */
        EPOCH;

        /** Whether it needs the wall-clock time of the start. */
        public boolean wallClock() {
            return this == WALL || this == WALL_MICROS || this == EPOCH;
        }
    }

    public LineOptions withTime(TimeFormat format) {
        return new LineOptions(format, durations, statuses, signals, fdPaths, stringMax);
    }

    public LineOptions withStringMax(int max) {
        return new LineOptions(time, durations, statuses, signals, fdPaths, max);
    }

    /** strace's {@code -e status=}: how a shown call ended. */
    public enum Status {
        SUCCESSFUL, FAILED,
        /** Never returned: exit, exit_group, a call cut short by the task's death. */
        UNFINISHED;

        /** A call a signal interrupted (a restart code, strace's {@code = ? ERESTARTSYS}) did not finish either. */
        static Status of(TraceEvent.Syscall s) {
            return !s.returned() || s.error() && SyscallDecoder.isRestart(s.ret()) ? UNFINISHED : s.error() ? FAILED : SUCCESSFUL;
        }
    }

    public LineOptions {
        statuses = statuses.isEmpty() ? EnumSet.noneOf(Status.class) : EnumSet.copyOf(statuses);
        signals = signals.clone();
    }

    /** Every status and signal shown, durations on, fd paths off (as strace without -y). */
    public static LineOptions defaults(int stringMax) {
        boolean[] allSignals = new boolean[65];
        Arrays.fill(allSignals, true);
        return new LineOptions(TimeFormat.START, true, EnumSet.allOf(Status.class), allSignals, false, stringMax);
    }

    /** Whether every status is shown: then calls are printed when they begin (strace prints them whole at their end otherwise). */
    public boolean allStatuses() {
        return statuses.size() == Status.values().length;
    }

    boolean shows(TraceEvent.Syscall s) {
        return statuses.contains(Status.of(s));
    }

    boolean showsSignal(int signal) {
        return signal < 0 || signal >= signals.length || signals[signal];
    }
}
