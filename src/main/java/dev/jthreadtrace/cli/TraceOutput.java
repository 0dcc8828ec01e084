package dev.jthreadtrace.cli;

import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.perfetto.PerfettoTrace;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.render.SyscallSummary;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One output format of a trace, live ({@code run}, {@code attach}, {@code demo}) or replayed from
 * a saved trace ({@code report}): what it writes as the events come, and what it writes once the
 * trace is over, with the assertion results (a live run's, or those a saved trace was written
 * with). Each {@link OutputFormat} opens one; the commands never branch on the format.
 */
interface TraceOutput {
    /** What is written as each event comes (after the model took it in). */
    LiveSink live();

    /** What is written after the trace: the report and tables, the final records, the picture's end. */
    void finish(TraceModel model, List<SavedAssertion> results);

    /**
     * strace's -c table, when -c or -C asked for it.
     *
     * @param shown by syscall number, the calls it counts (those the lines show)
     */
    record SummaryTable(boolean[] shown, SyscallSummary.Sort sort, boolean byThread) {
        void render(TraceModel model, Consumer<String> out) {
            if (byThread) SyscallSummary.renderByThread(model, shown, sort, out);
            else SyscallSummary.render(model, shown, sort, out);
        }
    }

    /**
     * Text: the live lines (or none: --no-live, -c), then the report (null: none, -c prints strace's
     * table alone), the -c table (null: none) and the assertion results.
     */
    record Text(Output out, LiveSink lines, ReportLayout report, SummaryTable table)
            implements TraceOutput {
        @Override
        public LiveSink live() {
            return lines;
        }

        @Override
        public void finish(TraceModel model, List<SavedAssertion> results) {
            if (report != null) report.render(model, out::line);
            if (table != null) table.render(model, out::line);
            AssertOptions.Checks.printResults(results, out::line);
        }
    }

    /** The report's sections at a width, in a palette. */
    record ReportLayout(Set<ReportSection> sections, Palette palette, int width) {
        void render(TraceModel model, Consumer<String> out) {
            new Report(model, palette, width, out).render(sections);
        }
    }

    /** JSONL: every event as it comes, then the final records. */
    record Jsonl(JsonLines lines) implements TraceOutput {
        @Override
        public LiveSink live() {
            return lines;
        }

        @Override
        public void finish(TraceModel model, List<SavedAssertion> results) {
            lines.finalRecordsWith(model, results);
        }
    }

    /** The Perfetto picture: written as the events come, closed at the end; assertion results go to stderr. */
    record Perfetto(PerfettoTrace picture, PrintWriter err) implements TraceOutput {
        @Override
        public LiveSink live() {
            return picture;
        }

        @Override
        public void finish(TraceModel model, List<SavedAssertion> results) {
            picture.finish(model);
            AssertOptions.Checks.printResults(results, err::println);
        }
    }
}
