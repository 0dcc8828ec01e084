package dev.jthreadtrace.cli;

import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.HtmlReport;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.sys.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.jthreadtrace.cli.Specs.bind;

/** Where and how results are written: shared by run, attach, demo and report. */
final class OutputOptions {
    // The option values, set by Picocli through the bindings made in addTo.
    Path output;
    Path html;
    OutputFormat format;
    ColorMode color;
    String report;
    Integer width;

    /** Declares these options on {@code command}, bound to this object's fields, in the order help lists them. */
    void addTo(CommandSpec command) {
        command.addOption(Specs.option(Path.class, Specs.<Path>bind(() -> output, v -> output = v), "-o", "--output")
                .paramLabel("FILE")
                .description("Write trace lines and the report to FILE instead of standard output. No output file may be a file "
                        + "jthreadtrace reads (the saved trace, --assert-file) or another output (exit 2); the traced command's "
                        + "own files are not checked; a FIFO needs a reader within 5 s (else exit 125).").build());
        command.addOption(Specs.option(Path.class, Specs.<Path>bind(() -> html, v -> html = v), "--html")
                .paramLabel("FILE")
                .description("Also write a self-contained HTML report to FILE (no scripts, no network, as wide as the window): "
                        + "the summary, the spawn tree beside the kernel's (folded alike), a timeline with a time axis and a "
                        + "legend (creation lines, setting changes, joins, the longest futex waits), what threads inherited "
                        + "that differs, the assertion results. Whatever --report prints. Checked as -o FILE is.").build());
        command.addOption(Specs.option(OutputFormat.class, Specs.<OutputFormat>bind(() -> format, v -> format = v), "--format")
                .paramLabel("FORMAT").defaultValue(OutputFormat.ALL.getFirst().name())
                .converters(name -> format(OutputFormat.ALL, name)).completionCandidates(OutputFormat.names())
                .description(formatHelp(OutputFormat.ALL) + ". Default: ${DEFAULT-VALUE}.").build());
        command.addOption(Specs.option(ColorMode.class, Specs.<ColorMode>bind(() -> color, v -> color = v), "--color")
                .paramLabel("WHEN").defaultValue("auto")
                .description("Colour: auto (only on a terminal, and not when NO_COLOR is set), always, never. "
                        + "Default: ${DEFAULT-VALUE}.").build());
        // The section names come from the ReportSection table, through Picocli's completion candidates.
        command.addOption(Specs.option(String.class, Specs.<String>bind(() -> report, v -> report = v), "--report")
                .paramLabel("SECTIONS").defaultValue("all").completionCandidates(new ReportSection.Keys())
                .description("Report sections after the trace: any of ${COMPLETION-CANDIDATES} (comma-separated), or all, or none. "
                        + "Default: ${DEFAULT-VALUE}.").build());
        command.addOption(Specs.option(Integer.class, Specs.<Integer>bind(() -> width, v -> width = v), "--width")
                .paramLabel("COLUMNS").converters(OutputOptions::width)
                .description("Width of the report: no line of it is wider (" + Report.MIN_WIDTH + " at least). Default: the terminal's width, else $COLUMNS, else 100.").build());
    }

    /**
     * {@code --width}'s value: a number of columns the report can fit in; a narrower one is refused
     * (exit 2) rather than silently widened, as other bad values are.
     */
    static Integer width(String value) {
        int columns;
        try {
            columns = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number of columns");
        }
        if (columns < Report.MIN_WIDTH) {
            throw new CommandLine.TypeConversionException("the report needs " + Report.MIN_WIDTH + " columns at least, but was " + columns);
        }
        return columns;
    }

    /** {@code --format}'s value among {@code formats}, a wrong one worded as Picocli words it for an enum. */
    static OutputFormat format(List<OutputFormat> formats, String name) {
        return formats.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(() -> new CommandLine.TypeConversionException(
                "expected one of " + formats.stream().map(OutputFormat::name).toList() + " (case-sensitive) but was '" + name + "'"));
    }

    /** {@code text (what it writes), jsonl (...) or perfetto (...)}, from the formats themselves. */
    static String formatHelp(List<OutputFormat> formats) {
        List<String> each = formats.stream().map(f -> f.name() + " (" + f.traits().help() + ")").toList();
        return String.join(", ", each.subList(0, each.size() - 1)) + " or " + each.getLast();
    }

    enum ColorMode { auto, always, never }

    /** The files these options write: -o FILE (not standard output) and --html FILE. */
    List<OutputFiles.Named> outputs() {
        List<OutputFiles.Named> files = new ArrayList<>();
        if (!writesToStdout()) files.add(new OutputFiles.Named("-o", output));
        if (html != null) files.add(new OutputFiles.Named("--html", html));
        return files;
    }

    /** Writes the HTML report to --html's file; false (with one line on err) when that fails. */
    boolean writeHtml(TraceModel model, List<SavedAssertion> results,
                      PrintWriter err, OutputFiles files) {
        if (html == null) return true;
        List<HtmlReport.Assertion> shown = results.stream()
                .map(r -> new HtmlReport.Assertion(r.expr(), r.passed(), r.actual(), r.expected()))
                .toList();
        try (var writer = new BufferedWriter(new OutputStreamWriter(files.open(html),
                StandardCharsets.UTF_8))) {
            IOException[] failed = {null};
            HtmlReport.write(model, shown, line -> {
                try {
                    writer.write(line);
                    writer.newLine();
                } catch (IOException e) {
                    if (failed[0] == null) failed[0] = e;
                }
            });
            if (failed[0] != null) throw failed[0];
            return true;
        } catch (IOException e) {
            err.println("jthreadtrace: " + FileProblems.cannotWrite(html, e));
            return false;
        }
    }

    Set<ReportSection> sections() {
        return ReportSection.parse(report);
    }

    boolean writesToStdout() {
        return toStdout(output);
    }

    /** No -o, or -o -. */
    static boolean toStdout(Path output) {
        return output == null || output.toString().equals("-");
    }

    Palette palette() {
        return palette(color, writesToStdout());
    }

    /** Colour when asked, or (auto) on a terminal without NO_COLOR. */
    static Palette palette(ColorMode color, boolean toStdout) {
        boolean on = switch (color) {
            case always -> true;
            case never -> false;
            case auto -> toStdout && System.getenv("NO_COLOR") == null && Terminal.isTerminal(1);
        };
        return on ? Palette.COLOR : Palette.PLAIN;
    }

    int width() {
        if (width != null) return width;
        int columns = writesToStdout() ? Terminal.columns(1) : 0;
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
