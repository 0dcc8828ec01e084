package dev.jthreadtrace.cli;

import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.sys.Libc;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Set;

/** Where and how results are written: shared by run, demo and report. */
final class OutputOptions {
    enum Format { text, jsonl, perfetto }

    enum ColorMode { auto, always, never }

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write trace lines and the report to FILE instead of standard output.")
    Path output;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write a self-contained HTML report to FILE (no scripts, no network): the spawn tree beside "
                    + "the kernel's, a timeline with creation arrows, setting changes and the longest futex waits, the "
                    + "inherited-at-creation table and the assertion results.")
    Path html;

    /** Writes the HTML report to --html's file; false (with one line on err) when that fails. */
    boolean writeHtml(dev.jthreadtrace.model.TraceModel model, java.util.List<dev.jthreadtrace.check.AssertionResult> results,
                      java.io.PrintWriter err) {
        if (html == null) return true;
        java.util.List<dev.jthreadtrace.render.HtmlReport.Assertion> shown = results.stream()
                .map(r -> new dev.jthreadtrace.render.HtmlReport.Assertion(r.assertion().text(), r.passed(), r.actual(), r.expected()))
                .toList();
        try (var writer = java.nio.file.Files.newBufferedWriter(html)) {
            java.io.IOException[] failed = {null};
            dev.jthreadtrace.render.HtmlReport.write(model, shown, line -> {
                try {
                    writer.write(line);
                    writer.newLine();
                } catch (java.io.IOException e) {
                    if (failed[0] == null) failed[0] = e;
                }
            });
            if (failed[0] != null) throw failed[0];
            return true;
        } catch (java.io.IOException e) {
            err.println("jthreadtrace: " + FileProblems.cannotWrite(html, e));
            return false;
        }
    }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (strace-style lines and a report), jsonl (one JSON object per line: every event, "
                    + "then thread, process and summary records) or perfetto (a Trace Event Format JSON file that "
                    + "ui.perfetto.dev and chrome://tracing open: a track per thread, syscall slices, creation and wake "
                    + "flows, setting changes). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour: auto (only on a terminal, and not when NO_COLOR is set), always, never. "
                    + "Default: ${DEFAULT-VALUE}.")
    ColorMode color;

    // The section names come from the ReportSection table, through Picocli's completion candidates.
    @Option(names = "--report", paramLabel = "SECTIONS", defaultValue = "all", completionCandidates = ReportSection.Keys.class,
            description = "Report sections after the trace: any of ${COMPLETION-CANDIDATES} (comma-separated), or all, or none. "
                    + "Default: ${DEFAULT-VALUE}.")
    String report;

    @Option(names = "--width", paramLabel = "COLUMNS",
            description = "Width of the report's timeline. Default: the terminal's width, else $COLUMNS, else 100.")
    Integer width;

    Set<ReportSection> sections() {
        return ReportSection.parse(report);
    }

    boolean writesToStdout() {
        return output == null || output.toString().equals("-");
    }

    Palette palette() {
        boolean terminal = writesToStdout() && Libc.isatty(1);
        boolean on = switch (color) {
            case always -> true;
            case never -> false;
            case auto -> terminal && System.getenv("NO_COLOR") == null;
        };
        return on ? Palette.COLOR : Palette.PLAIN;
    }

    int width() {
        if (width != null) return width;
        int columns = writesToStdout() ? Libc.terminalColumns(1) : 0;
        if (columns > 0) return columns;
        try {
            String env = System.getenv("COLUMNS");
            if (env != null) return Integer.parseInt(env.trim());
        } catch (NumberFormatException ignored) {
            // fall through to the default
        }
        return 100;
    }
}
