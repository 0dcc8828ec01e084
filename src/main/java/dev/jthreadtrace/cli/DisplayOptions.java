package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.SyscallClass;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.render.LineOptions.TimeFormat;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.SyscallSummary;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.jthreadtrace.cli.Specs.bind;

/**
 * What the lines and the -c table show and how: -e, -z/-Z, the time column, durations, -y, -s,
 * --no-live, -c/-C/-S/--summary-by. Shared by run, attach and demo (through {@link TraceOptions})
 * and by report, which prints a saved trace's lines again with the same choices.
 */
final class DisplayOptions {
    // The option values, set by Picocli through the bindings made in addTo.
    List<String> trace;
    boolean successfulOnly;
    boolean failedOnly;
    boolean[] wallTime;
    boolean deltaTime;
    TimeFormat timeFormat;
    boolean durations;
    boolean noDurations;
    boolean[] fdPaths;
    boolean noLive;
    int stringLimit;
    boolean absoluteTime;
    boolean summaryOnly;
    boolean summary;
    SyscallSummary.Sort summarySort;
    SummaryBy summaryBy;
    boolean wallClock;

    /**
     * Declares these options on {@code command}, bound to this object's fields, in the order help
     * lists them; {@code defaultTrace} is what -e shows when it is not given (null: report's, what the
     * saved trace showed).
     */
    /** --time's values: the time column each names. */
    private static final Map<String, TimeFormat> TIME_COLUMNS = new LinkedHashMap<>();

    static {
        TIME_COLUMNS.put("start", TimeFormat.START);
        TIME_COLUMNS.put("delta", TimeFormat.DELTA);
        TIME_COLUMNS.put("wall", TimeFormat.WALL);
        TIME_COLUMNS.put("wall-us", TimeFormat.WALL_MICROS);
        TIME_COLUMNS.put("epoch", TimeFormat.EPOCH);
    }

    void addTo(CommandSpec command, String defaultTrace) {
        command.addOption(Specs.list(bind(() -> trace, v -> trace = v), "-e", "--trace")
                .paramLabel("EXPR").defaultValue(defaultTrace)
                .description("Syscalls to show, strace style: comma-separated names and classes (" + classes()
                        + "), /regex, 'all', or !SET for all but SET; or a qualifier: trace=SET, "
                        + "status=successful|failed|unfinished (which results are shown), signal=SIG,... (which signal "
                        + "lines), decode-fds=path (as -y). Repeatable. The calls the thread model needs are recorded "
                        + "whatever is shown. Default: " + (defaultTrace == null ? "what the traced run showed" : "${DEFAULT-VALUE}") + ".").build());
        command.addOption(Specs.flag(bind(() -> successfulOnly, v -> successfulOnly = v), "-z", "--successful-only")
                .description("Show only calls that succeeded (strace -z; -e status=successful).").build());
        command.addOption(Specs.flag(bind(() -> failedOnly, v -> failedOnly = v), "-Z", "--failed-only")
                .description("Show only calls that failed (strace -Z; -e status=failed).").build());
        command.addOption(Specs.repeatableFlag(bind(() -> wallTime, v -> wallTime = v), "-t")
                .description("Wall-clock time: -t HH:MM:SS, -tt HH:MM:SS.microseconds, -ttt seconds since the "
                        + "epoch, as strace. (In 0.1, -t meant -tt.)").build());
        command.addOption(Specs.flag(bind(() -> deltaTime, v -> deltaTime = v), "-r", "--relative-timestamps")
                .description("Seconds since the previous line, as strace -r.").build());
        command.addOption(Specs.option(TimeFormat.class, Specs.<TimeFormat>bind(() -> timeFormat, v -> timeFormat = v), "--time")
                .paramLabel("FORMAT").defaultValue("start").converters(Specs.choices(TIME_COLUMNS))
                .completionCandidates(TIME_COLUMNS.keySet())
                .description("The time column: start (seconds since the command's exec, the default), delta (-r), "
                        + "wall (-t), wall-us (-tt) or epoch (-ttt).").build());
        command.addOption(Specs.flag(bind(() -> durations, v -> durations = v), "-T", "--syscall-times")
                .description("Show the time spent in each call, <0.000061> (the default; "
                        + "strace shows it only with -T).").build());
        command.addOption(Specs.flag(bind(() -> noDurations, v -> noDurations = v), "--no-durations")
                .description("Do not show the time spent in each call.").build());
        command.addOption(Specs.repeatableFlag(bind(() -> fdPaths, v -> fdPaths = v), "-y", "--decode-fds")
                .description("Print an fd argument with its path, 3</usr/lib/libc.so.6>, "
                        + "as strace -y: every fd argument of a decoded call, the fd a call returns, AT_FDCWD's directory.").build());
        command.addOption(Specs.flag(bind(() -> noLive, v -> noLive = v), "--no-live")
                .description("Do not print a line per syscall, only the report; syscalls that would "
                        + "only have been shown are then not traced at all, and a call stops the program at its exit only where "
                        + "the report reads it (see SECCOMP FILTER in the man page). (With --format jsonl the events are always "
                        + "written: a saved trace is read back from them.)").build());
        command.addOption(Specs.option(int.class, Specs.<Integer>bind(() -> stringLimit, v -> stringLimit = v),
                        "-s", "--string-limit")
                .paramLabel("SIZE").defaultValue("32")
                .description("Print at most SIZE characters of a string argument (as strace -s). Default: ${DEFAULT-VALUE}.").build());
        command.addOption(Specs.flag(bind(() -> absoluteTime, v -> absoluteTime = v), "--absolute-time")
                .description("Print wall-clock time (HH:MM:SS.microseconds) instead of seconds since the command started (as -tt).").build());
        command.addOption(Specs.flag(bind(() -> summaryOnly, v -> summaryOnly = v), "-c", "--summary-only")
                .description("Count calls, errors and time per shown syscall and print strace -c's table at the end, "
                        + "instead of live lines and the report.").build());
        command.addOption(Specs.flag(bind(() -> summary, v -> summary = v), "-C", "--summary")
                .description("Print strace -c's table at the end as well as the live lines and the report (strace -C).").build());
        command.addOption(Specs.option(SyscallSummary.Sort.class,
                        Specs.<SyscallSummary.Sort>bind(() -> summarySort, v -> summarySort = v), "-S", "--summary-sort")
                .paramLabel("KEY").defaultValue("time").converters(DisplayOptions::sort)
                .completionCandidates(List.of("time", "calls", "errors", "name", "nothing"))
                .description("Sort the -c/-C table by time (default), calls, errors, name, or nothing (syscall-number "
                        + "order), as strace -S.").build());
        command.addOption(Specs.option(SummaryBy.class, Specs.<SummaryBy>bind(() -> summaryBy, v -> summaryBy = v), "--summary-by")
                .paramLabel("thread").converters(Specs.choices(Map.of("thread", SummaryBy.THREAD))).completionCandidates(List.of("thread"))
                .description("With -c/-C: a table per thread (headed by its tid and name) before the whole trace's.").build());
        command.addOption(Specs.flag(bind(() -> wallClock, v -> wallClock = v), "-w")
                .description("Accepted for strace users: the -c/-C time is always the wall-clock time "
                        + "inside the call, as strace -w (a tracer sees a call's entry and exit, not the kernel's CPU time).").build());
    }

    /** Every -e class, the tool's own and strace's, as the help lists them ({@code %%} is picocli's {@code %}). */
    private static String classes() {
        return Arrays.stream(SyscallClass.values())
                .map(c -> c.spelling().replace("%", "%%")).collect(Collectors.joining(", "));
    }

    /** The -e expressions; throws with what is wrong (or what to use instead) in one line. */
    Qualifiers qualifiers() {
        return Qualifiers.parse(trace == null ? List.of() : trace);
    }

    /** The live lines' format from -t/-r/--time, -T/--no-durations, -z/-Z/-e status=, -e signal=, -y, -s. */
    LineOptions lineOptions() {
        Qualifiers q = qualifiers();
        EnumSet<LineOptions.Status> statuses = EnumSet.noneOf(LineOptions.Status.class);
        statuses.addAll(q.statuses());
        if (successfulOnly && failedOnly) throw new IllegalArgumentException("-z and -Z together would show nothing: pick one");
        if (successfulOnly) statuses.retainAll(Set.of(LineOptions.Status.SUCCESSFUL));
        if (failedOnly) statuses.retainAll(Set.of(LineOptions.Status.FAILED));
        int yCount = fdPaths == null ? 0 : fdPaths.length;
        if (yCount > 1) throw StraceFlags.answered("-yy");
        boolean paths = q.fdPaths() != null ? q.fdPaths() : yCount == 1;
        if (durations && noDurations) throw new IllegalArgumentException("-T and --no-durations contradict each other");
        return new LineOptions(timeFormat(), !noDurations, statuses, q.signals(), paths, stringLimit);
    }

    private TimeFormat timeFormat() {
        int t = wallTime == null ? 0 : wallTime.length;
        if (t > 3) throw new IllegalArgumentException("-t can be given at most three times (-ttt)");
        boolean chosen = timeFormat != TimeFormat.START;
        if ((t > 0 ? 1 : 0) + (deltaTime ? 1 : 0) + (absoluteTime ? 1 : 0) + (chosen ? 1 : 0) > 1) {
            throw new IllegalArgumentException("choose one time column: -t/-tt/-ttt, -r, --absolute-time or --time");
        }
        if (t == 1) return TimeFormat.WALL;
        if (t == 2 || absoluteTime) return TimeFormat.WALL_MICROS;
        if (t == 3) return TimeFormat.EPOCH;
        if (deltaTime) return TimeFormat.DELTA;
        return timeFormat;
    }

    /** --summary-by's one value. */
    enum SummaryBy { THREAD }

    /** --summary-by thread. */
    boolean summaryByThread() {
        return summaryBy == SummaryBy.THREAD;
    }

    /** -c/-C's sort key. */
    SyscallSummary.Sort summarySort() {
        return summarySort;
    }

    /** -S's key, any case, as strace takes it. */
    private static SyscallSummary.Sort sort(String key) {
        try {
            return SyscallSummary.Sort.parse(key);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The -e set when given (or defaulted); empty for report without -e, which shows what the saved trace showed. */
    Optional<TraceSelection> selection() {
        String set = qualifiers().trace();
        if (set == null && trace == null) return Optional.empty();
        if (set == null) set = Syscalls.defaultSpec();
        if (set.isBlank() || set.replace(",", "").isBlank()) {
            throw new IllegalArgumentException("-e/--trace needs syscall names or classes, 'all' or 'none' (it was empty)");
        }
        return Optional.of(TraceSelection.parse(set));
    }

    /** Whether -c or -C asked for strace's table. */
    boolean summaryTable() {
        return summaryOnly || summary;
    }
}
