package dev.jthreadtrace.cli;

import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.session.SavedTrace;

import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.OutputClosedException;
import dev.jthreadtrace.render.OutputFailedException;
import dev.jthreadtrace.render.Report;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jthreadtrace report [OPTIONS] TRACE.jsonl}. */
final class ReportCommand implements Callable<Integer> {
    final OutputOptions outputOptions = new OutputOptions();
    Path file;
    final CommandSpec spec = Specs.command("report", this, true,
            "Prints the report of a saved trace.",
            "The trace is one written by 'run --format jsonl -o FILE'; the report is the one the live run printed.");

    ReportCommand() {
        spec.addPositional(Specs.parameters(Path.class, Specs.<Path>bind(() -> file, v -> file = v))
                .index("0").paramLabel("TRACE.jsonl").description("A trace written by run --format jsonl.").build());
        outputOptions.addTo(spec);
        Specs.finish(spec, new String[] {
                "  jthreadtrace run --format jsonl -o trace.jsonl -- java Main",
                "  jthreadtrace report trace.jsonl",
                "  jthreadtrace report --report tree,futex trace.jsonl",
        }, "0:report written", ExitCodes.HELP_USAGE, ExitCodes.HELP_TOOL);
    }

    @Override
    public Integer call() {
        var sections = parseSections(spec, outputOptions);
        String clash = OutputFiles.clash(List.of(new OutputFiles.Named("TRACE.jsonl", file)), outputOptions.outputs());
        if (clash != null) throw new CommandLine.ParameterException(spec.commandLine(), clash);
        PrintWriter err = spec.commandLine().getErr();
        return OutputFiles.using(outputOptions.outputs(), err, files -> report(sections, files, err));
    }

    private int report(java.util.Set<dev.jthreadtrace.render.ReportSection> sections, OutputFiles files, PrintWriter err) {
        SavedTrace saved = SavedTrace.load(file, err);
        if (saved == null) return ExitCodes.TOOL_FAILED;
        TraceModel model = saved.model();
        if (saved.truncated()) err.println("jthreadtrace: warning: " + saved.truncationWarning(file) + "; reporting what it holds");
        int code = write(spec, outputOptions, files, out -> {
            if (outputOptions.format == OutputOptions.Format.perfetto) {
                // The picture needs the events as they happened: the trace is read again, into the picture.
                boolean[] every = new boolean[dev.jthreadtrace.decode.SyscallTable.MAX_NR];
                java.util.Arrays.fill(every, true);
                dev.jthreadtrace.jsonl.PerfettoTrace picture = new dev.jthreadtrace.jsonl.PerfettoTrace(out, every, 32);
                SavedTrace again = SavedTrace.load(file, new PrintWriter(java.io.Writer.nullWriter()), picture);
                picture.finish(again == null ? model : again.model());
            } else if (outputOptions.format == OutputOptions.Format.jsonl) JsonLines.finalRecordsTo(out).finalRecords(model, List.of());
            else new Report(model, outputOptions.palette(), outputOptions.width(), out::line).render(sections);
        });
        if (code == ExitCodes.OK && !outputOptions.writeHtml(model, List.of(), err, files)) code = ExitCodes.TOOL_FAILED;
        // A cut-short trace still gives its report, but scripts must notice.
        return code == ExitCodes.OK && saved.truncated() ? ExitCodes.TOOL_FAILED : code;
    }

    static java.util.Set<dev.jthreadtrace.render.ReportSection> parseSections(CommandSpec spec,
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

    /** Opens the output (stdout or -o FILE), runs {@code writing}, maps failures to exit codes. */
    static int write(CommandSpec spec, OutputOptions options, OutputFiles files, Writing writing) {
        OutputStream stream;
        try {
            stream = options.writesToStdout() ? new FileOutputStream(FileDescriptor.out) : files.open(options.output);
        } catch (IOException e) {
            spec.commandLine().getErr().println("jthreadtrace: " + FileProblems.cannotWrite(options.output, e));
            return ExitCodes.TOOL_FAILED;
        }
        try (Output out = new Output(stream, !options.writesToStdout())) {
            writing.to(out);
            out.flush();
        } catch (OutputClosedException e) {
            return ExitCodes.OUTPUT_CLOSED;
        } catch (OutputFailedException e) {
            spec.commandLine().getErr().println("jthreadtrace: cannot write "
                    + (options.writesToStdout() ? "standard output" : options.output) + ": " + e.getMessage());
            return ExitCodes.TOOL_FAILED;
        }
        return ExitCodes.OK;
    }
}
