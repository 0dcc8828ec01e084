package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.render.SyscallSummary;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything run, attach and demo decided from their options, checked before the target starts:
 * what to record and show, how, which report sections and assertions. A mistake is a usage error
 * (exit 2) now, never after a run of minutes.
 *
 * @param selection what is shown, and recorded (for the lines, the sections, the assertions)
 */
record TracePlan(TraceSelection selection, Set<ReportSection> sections, AssertOptions.Checks checks, Duration killAfter,
                 SyscallSummary.Sort sort, LineOptions lineOptions, boolean byThread) {
    static TracePlan of(CommandSpec spec, boolean attach, TraceOptions trace, OutputOptions output, AssertOptions assertions) {
        DisplayOptions display = trace.display;
        TracePlan parsed;
        try {
            // -c: strace's table alone, as strace -c prints nothing else.
            Set<ReportSection> sections = display.summaryOnly ? EnumSet.noneOf(ReportSection.class) : output.sections();
            parsed = new TracePlan(trace.selection(), sections, assertions.parse(), trace.killAfter(), display.summarySort(),
                    trace.lineOptions(), display.summaryByThread());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        checkSummaryTable(spec, display, output.format);
        refuseWhatMeansNothing(spec, attach, trace, output, assertions);
        boolean streams = output.format.traits().streamsEvents();
        // The -c table and the syscalls.* metrics count the shown calls: those must be traced, lines or not.
        boolean countsShownCalls = display.summaryOnly || parsed.checks().assertions().stream()
                .anyMatch(a -> a.metric() instanceof Metric m && m.bySyscall());
        List<String> needed = neededFamilies(parsed.sections(), parsed.checks());
        TraceSelection selection = display.noLive && !streams && !countsShownCalls ? parsed.selection().modelOnly(needed)
                : parsed.selection().alsoRecording(needed);
        return new TracePlan(selection, parsed.sections(), parsed.checks(), parsed.killAfter(), parsed.sort(), parsed.lineOptions(),
                parsed.byThread());
    }

    private static void refuseWhatMeansNothing(CommandSpec spec, boolean attach, TraceOptions trace, OutputOptions output,
                                               AssertOptions assertions) {
        if (trace.display.stringLimit < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--string-limit must be 0 or more");
        if (trace.javaStack < 0 || trace.javaStack > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--java-stack takes 0 to 256 frames");
        }
        if (attach && (trace.killAfter != null || trace.noSeccomp || assertions.ignoreExit)) {
            throw new CommandLine.ParameterException(spec.commandLine(), (trace.killAfter != null ? "--kill-after"
                    : trace.noSeccomp ? "--no-seccomp" : "--ignore-exit") + " applies to run: attach never kills"
                    + " or filters what it attached to, and exits 0 unless an assertion fails");
        }
        if (output.format.traits().sharedStdout() instanceof OutputFormat.SharedStdout.Refused(String reason)
                && output.writesToStdout() && !attach) {
            throw new CommandLine.ParameterException(spec.commandLine(), reason);
        }
    }

    /** -c/-C are strace's text table, and --summary-by splits it: both refused where they mean nothing. */
    static void checkSummaryTable(CommandSpec spec, DisplayOptions display, OutputFormat format) {
        boolean byThread;
        try {
            byThread = display.summaryByThread();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (byThread && !display.summaryTable()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--summary-by thread splits the -c/-C table: add -c or -C");
        }
        if (!format.traits().holdsSummaryTable() && display.summaryTable()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-c/-C print strace's table, a text format:"
                    + " use them with --format text (the JSONL has every syscall record to count, and its summary the table's figures)");
        }
    }

    /** The syscalls the chosen report sections and assertions need recorded even when -e does not show them. */
    static List<String> neededFamilies(Set<ReportSection> sections, AssertOptions.Checks checks) {
        Set<String> out = new LinkedHashSet<>();
        for (ReportSection section : sections) out.addAll(section.needs());
        for (var a : checks.assertions()) if (a.metric() instanceof Metric m) out.addAll(m.needs());
        return List.copyOf(out);
    }
}
