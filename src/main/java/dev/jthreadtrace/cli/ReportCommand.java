package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.jsonl.TraceFileException;
import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.jvm.LiveJavaNames;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.OutputClosedException;
import dev.jthreadtrace.render.OutputFailedException;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.render.StartClock;
import dev.jthreadtrace.render.SyscallSummary;
import dev.jthreadtrace.render.TextLines;
import dev.jthreadtrace.session.SavedTrace;
import dev.jthreadtrace.sys.FdOutputStream;
import dev.jthreadtrace.text.Escape;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code jthreadtrace report [OPTIONS] TRACE.jsonl}: a saved trace does what the live run did. The
 * file is read once into the model (and checked), then, for the live lines, a JSONL copy or a
 * picture, read again into that output as the events come: nothing is kept but the model.
 */
final class ReportCommand implements Callable<Integer> {
    final DisplayOptions display = new DisplayOptions();
    final OutputOptions outputOptions = new OutputOptions();
    final KeepEndedOption keep = new KeepEndedOption();
    Path file;
    final CommandSpec spec = Specs.command("report", this, true,
            "Prints a saved trace as the live run printed it: the live lines, the report, the -c table.",
            "The trace is one written by 'run --format jsonl -o FILE'. The lines show what the run showed unless -e says "
                    + "otherwise (only calls it showed: those it recorded unshown, only where its report needed them, are left out with a note); -t, -z, -c and the other options do what they do in run. "
                    + "--format jsonl writes the trace again, record for record; --no-live prints only the report.");

    ReportCommand() {
        spec.addPositional(Specs.parameters(Path.class, Specs.<Path>bind(() -> file, v -> file = v))
                .index("0").paramLabel("TRACE.jsonl").description("A trace written by run --format jsonl.").build());
        display.addTo(spec, null);
        outputOptions.addTo(spec);
        keep.addTo(spec, true);
        Specs.finish(spec, new String[] {
                "  jthreadtrace run --format jsonl -o trace.jsonl -- java Main",
                "  jthreadtrace report trace.jsonl",
                "  jthreadtrace report --no-live --report tree,futex trace.jsonl",
                "  jthreadtrace report -tt -e futex -z trace.jsonl | grep worker-",
                "  jthreadtrace report -c -S calls trace.jsonl",
                "  jthreadtrace report --format jsonl -o copy.jsonl trace.jsonl",
        }, "0:report written", ExitCodes.HELP_USAGE, ExitCodes.HELP_TOOL);
    }

    @Override
    public Integer call() {
        var sections = display.summaryOnly ? EnumSet.noneOf(ReportSection.class)
                : parseSections(spec, outputOptions);
        TracePlan.checkSummaryTable(spec, display, outputOptions.format);
        LineOptions lineOptions;
        Optional<TraceSelection> chosen;
        SyscallSummary.Sort sort;
        try {
            lineOptions = display.lineOptions();
            chosen = display.selection();
            sort = display.summarySort();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (display.stringLimit < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--string-limit must be 0 or more");
        String clash = OutputFiles.clash(List.of(new OutputFiles.Named("TRACE.jsonl", file)), outputOptions.outputs());
        if (clash != null) throw new CommandLine.ParameterException(spec.commandLine(), clash);
        Integer keepEnded = keep.forReplay(spec);
        PrintWriter err = spec.commandLine().getErr();
        return OutputFiles.using(outputOptions.outputs(), err, files -> report(sections, lineOptions, chosen, sort, keepEnded, files, err));
    }

    private int report(Set<ReportSection> sections, LineOptions lineOptions, Optional<TraceSelection> chosen, SyscallSummary.Sort sort,
                       Integer keepEnded, OutputFiles files, PrintWriter err) {
        // The call lines read the trace a second time: a pipe or FIFO has nothing left then (a FIFO's
        // second open waits for a writer for ever).
        if (!display.noLive && !display.summaryOnly && Files.exists(file) && !Files.isRegularFile(file)) {
            err.println("jthreadtrace: " + Escape.text(file.toString()) + (Files.isDirectory(file) ? ": a directory, not a saved trace"
                    : ": not a regular file (a pipe?): report reads a trace twice for its call lines; save it to a file, or add --no-live"));
            return ExitCodes.TOOL_FAILED;
        }
        SavedTrace saved = SavedTrace.load(file, keepEnded, Map.of(), err);
        if (saved == null) return ExitCodes.TOOL_FAILED;
        if (saved.truncated()) err.println("jthreadtrace: warning: " + saved.truncationWarning() + "; reporting what it holds");
        TraceReader.Header header = saved.header();
        if (header.wallNs() == null && lineOptions.time().wallClock()) {
            err.println("jthreadtrace: note: " + Escape.text(file.toString()) + " does not say when the run started (written before jthreadtrace recorded it):"
                    + " times are seconds since the command's exec");
            lineOptions = lineOptions.withTime(LineOptions.TimeFormat.START);
        }
        // -s as the run chose it, unless given here: the JSONL text fields and the lines come out as they were.
        int stringLimit = spec.commandLine().getParseResult().hasMatchedOption("-s") || header.stringLimit() == null
                ? display.stringLimit : header.stringLimit();
        boolean[] shown = chosen.map(asked -> ReplayedCalls.shown(asked.shown(), header, err)).orElse(header.shown());
        LineOptions lines = lineOptions.withStringMax(stringLimit);
        int[] code = {ExitCodes.OK};
        int written = write(spec, outputOptions.output, files, out -> {
            TraceOutput output = output(out, saved, shown, lines, sections, sort, stringLimit);
            if (output.live() != LiveSink.NONE) {
                try {
                    saved.replay(output.live());
                } catch (TraceFileException e) {
                    err.println("jthreadtrace: " + e.getMessage() + " (the file changed while it was read)");
                    code[0] = ExitCodes.TOOL_FAILED;
                    return;
                }
            }
            output.finish(saved.model(), saved.assertions());
        });
        if (written != ExitCodes.OK) return written;
        if (code[0] != ExitCodes.OK) return code[0];
        if (!outputOptions.writeHtml(saved.model(), saved.assertions(), err, files)) return ExitCodes.TOOL_FAILED;
        // A cut-short trace still gives its report, but scripts must notice.
        return saved.truncated() ? ExitCodes.TOOL_FAILED : ExitCodes.OK;
    }

    /** The chosen format, fed from the saved trace: its token, start time and Java names where it had them. */
    private TraceOutput output(Output out, SavedTrace saved, boolean[] shown, LineOptions lines,
                               Set<ReportSection> sections, SyscallSummary.Sort sort,
                               int stringLimit) {
        TraceReader.Header header = saved.header();
        Palette palette = outputOptions.palette();
        Function<Output, LiveSink> textLines = display.noLive || display.summaryOnly ? null : o -> {
            StartClock clock = header.wallNs() == null ? StartClock.live() : StartClock.saved(header.wallNs());
            LiveJavaNames names = LiveJavaNames.replaying(saved.javaRecords());
            return names.then(new TextLines(o, palette, shown, lines, names, clock));
        };
        return outputOptions.format.open(new OutputContext(out, spec.commandLine().getErr(), shown, stringLimit, textLines,
                display.summaryOnly ? null : new TraceOutput.ReportLayout(sections, palette, outputOptions.width()),
                display.summaryTable() ? new TraceOutput.SummaryTable(shown, sort, display.summaryByThread()) : null, header));
    }

    static Set<ReportSection> parseSections(CommandSpec spec,
                                                                                OutputOptions options) {
        try {
            return options.sections();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    interface Writing {
        void to(Output out);
    }

    /** Opens the output (standard output, or {@code output} as {@code files} prepared it), runs {@code writing}, maps failures to exit codes. */
    static int write(CommandSpec spec, Path output, OutputFiles files, Writing writing) {
        boolean toStdout = OutputOptions.toStdout(output);
        OutputStream stream;
        try {
            stream = toStdout ? new FdOutputStream(1) : files.open(output);
        } catch (IOException e) {
            spec.commandLine().getErr().println("jthreadtrace: " + FileProblems.cannotWrite(output, e));
            return ExitCodes.TOOL_FAILED;
        }
        try (Output out = new Output(stream, !toStdout)) {
            writing.to(out);
            out.flush();
        } catch (OutputClosedException e) {
            return ExitCodes.OUTPUT_CLOSED;
        } catch (OutputFailedException e) {
            spec.commandLine().getErr().println("jthreadtrace: cannot write " + (toStdout ? "standard output" : output) + ": "
                    + e.getMessage());
            return ExitCodes.TOOL_FAILED;
        }
        return ExitCodes.OK;
    }
}
