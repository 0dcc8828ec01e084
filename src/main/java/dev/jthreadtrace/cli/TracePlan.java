package dev.jthreadtrace.cli;

import dev.jthreadtrace.check.AssertionEvaluator;
import dev.jthreadtrace.decode.ExitPolicy;
import dev.jthreadtrace.decode.ExitUse;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.render.HtmlReport;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.render.SyscallSummary;
import dev.jthreadtrace.session.FoldPlan;
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
 * @param exits     which recorded calls the tracer follows to their exit: all when anything prints or counts calls
 * @param fold      how the model folds ended tasks: --keep-ended, and the assertions' thread selectors counted at a fold
 */
record TracePlan(TraceSelection selection, Set<ReportSection> sections, AssertOptions.Checks checks, Duration killAfter,
                 SyscallSummary.Sort sort, LineOptions lineOptions, boolean byThread, ExitPolicy exits, FoldPlan fold) {
    /**
     * For tests only: {@code -Djthreadtrace.every-exit=true} follows every recorded call to its exit
     * even when nothing prints or counts calls, as before exits were skipped, to show the report
     * is the same either way.
     */
    static final String EVERY_EXIT_PROPERTY = "jthreadtrace.every-exit";

    static TracePlan of(CommandSpec spec, boolean attach, TraceOptions trace, OutputOptions output, AssertOptions assertions) {
        DisplayOptions display = trace.display;
        TracePlan parsed;
        try {
            // -c: strace's table alone, as strace -c prints nothing else.
            Set<ReportSection> sections = display.summaryOnly ? EnumSet.noneOf(ReportSection.class) : output.sections();
            parsed = new TracePlan(trace.selection(), sections, assertions.parse(), trace.killAfter(), display.summarySort(),
                    trace.lineOptions(), display.summaryByThread(), ExitPolicy.EVERY, FoldPlan.UNBOUNDED);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        checkSummaryTable(spec, display, output.format);
        refuseWhatMeansNothing(spec, attach, trace, output, assertions);
        boolean streams = output.format.traits().streamsEvents();
        // The -c table and the syscalls.* metrics count the shown calls: those must be traced, lines or not.
        boolean countsShownCalls = display.summaryOnly || parsed.checks().assertions().stream()
                .anyMatch(a -> a.metric() instanceof Metric m && m.bySyscall());
        List<String> needed = neededFamilies(parsed.sections(), parsed.checks(), output.html != null);
        boolean modelOnly = display.noLive && !streams && !countsShownCalls;
        TraceSelection selection = modelOnly ? parsed.selection().modelOnly(needed) : parsed.selection().alsoRecording(needed);
        // Nothing prints or counts a call: the tracer waits only for the exits the model and these consumers read.
        ExitPolicy exits = modelOnly && !Boolean.getBoolean(EVERY_EXIT_PROPERTY)
                ? ExitPolicy.modelOnly(exitUses(parsed.sections(), output.html != null)) : ExitPolicy.EVERY;
        // The assertions are parsed before the trace: their selectors go into the model, so a folded task is counted in them.
        FoldPlan fold = new FoldPlan(trace.keep.forTrace(spec), AssertionEvaluator.foldSelectors(parsed.checks().assertions()));
        return new TracePlan(selection, parsed.sections(), parsed.checks(), parsed.killAfter(), parsed.sort(), parsed.lineOptions(),
                parsed.byThread(), exits, fold);
    }

    /** What the chosen report sections and the HTML page read from calls' exits (the metrics read nothing more). */
    static Set<ExitUse> exitUses(Set<ReportSection> sections, boolean html) {
        Set<ExitUse> out = EnumSet.noneOf(ExitUse.class);
        if (html) out.addAll(HtmlReport.EXIT_USES);
        for (ReportSection section : sections) out.addAll(section.exitUses());
        return out;
    }

    private static void refuseWhatMeansNothing(CommandSpec spec, boolean attach, TraceOptions trace, OutputOptions output,
                                               AssertOptions assertions) {
        if (trace.display.stringLimit < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--string-limit must be 0 or more");
        if (trace.javaStack < 0 || trace.javaStack > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--java-stack takes 0 to 256 frames");
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

    /**
     * The syscalls the chosen report sections, assertions and the HTML page need recorded even when
     * -e does not show them: the page's futex waits and joins do not depend on what --report prints.
     */
    static List<String> neededFamilies(Set<ReportSection> sections, AssertOptions.Checks checks, boolean html) {
        Set<String> out = new LinkedHashSet<>();
        if (html) out.addAll(HtmlReport.NEEDS);
        for (ReportSection section : sections) out.addAll(section.needs());
        for (var a : checks.assertions()) if (a.metric() instanceof Metric m) out.addAll(m.needs());
        return List.copyOf(out);
    }
}
