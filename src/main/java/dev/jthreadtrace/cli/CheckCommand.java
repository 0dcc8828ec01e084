package dev.jthreadtrace.cli;

import dev.jthreadtrace.check.AssertionEvaluator;
import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.session.SavedTrace;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.jthreadtrace.cli.Specs.bind;

/** {@code jthreadtrace check [OPTIONS] TRACE.jsonl}. */
final class CheckCommand implements Callable<Integer> {
    final AssertOptions assertOptions = new AssertOptions();
    Path file;
    boolean allowTruncated;
    final KeepEndedOption keep = new KeepEndedOption();
    final CommandSpec spec = Specs.command("check", this, true,
            "Checks assertions against a saved trace.", "The trace is one written by 'run --format jsonl -o FILE'.");

    CheckCommand() {
        spec.addPositional(Specs.parameters(Path.class, Specs.<Path>bind(() -> file, v -> file = v))
                .index("0").paramLabel("TRACE.jsonl").description("A trace written by run --format jsonl.").build());
        assertOptions.addTo(spec, false);
        spec.addOption(Specs.flag(bind(() -> allowTruncated, v -> allowTruncated = v), "--allow-truncated")
                .description("Check a trace that was cut short (the run was killed, the disk filled up) on the records it "
                        + "holds, with a warning; without it such a trace is refused (exit 125).").build());
        keep.addTo(spec, true);
        Specs.finish(spec, new String[] {
                "  jthreadtrace check --assert 'threads.peak <= 40' trace.jsonl",
                "  jthreadtrace check --assert-file thread-budget.txt --junit-xml threads.xml trace.jsonl",
        }, "0:every assertion passed", ExitCodes.HELP_USAGE, ExitCodes.HELP_ASSERT, ExitCodes.HELP_TOOL);
    }

    @Override
    public Integer call() {
        AssertOptions.Checks checks;
        try {
            checks = assertOptions.parse();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (checks.assertions().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "check needs at least one --assert or --assert-file");
        }
        List<OutputFiles.Named> inputs = new ArrayList<>(assertOptions.inputs());
        inputs.add(new OutputFiles.Named("TRACE.jsonl", file));
        String clash = OutputFiles.clash(inputs, assertOptions.outputs());
        if (clash != null) throw new CommandLine.ParameterException(spec.commandLine(), clash);
        Integer keepEnded = keep.forReplay(spec);
        ErrorLines err = new ErrorLines(spec.commandLine().getErr());
        return OutputFiles.using(assertOptions.outputs(), assertOptions.junitXml, "jthreadtrace check", err,
                files -> check(checks, keepEnded, files, err));
    }

    private int check(AssertOptions.Checks checks, Integer keepEnded, OutputFiles files, PrintWriter err) {
        // The assertions' selectors go into the model before the trace is read: a task that folds is counted in them.
        SavedTrace saved = SavedTrace.load(file, keepEnded, AssertionEvaluator.foldSelectors(checks.assertions()), err);
        if (saved == null) return ExitCodes.TOOL_FAILED;
        if (saved.truncated() && !allowTruncated) {
            err.println("jthreadtrace: " + saved.truncationWarning() + "; --allow-truncated checks what it holds");
            return ExitCodes.TOOL_FAILED;
        }
        if (saved.truncated()) err.println("jthreadtrace: warning: " + saved.truncationWarning() + "; checking what it holds");
        TraceModel model = saved.model();
        List<AssertionResult> results = checks.evaluate(model);
        PrintWriter out = spec.commandLine().getOut();
        checks.printTable(results, out::println);
        out.flush();
        if (!checks.writeJunit(results, err, files)) return ExitCodes.TOOL_FAILED;
        return results.stream().allMatch(AssertionResult::passed) ? ExitCodes.OK : ExitCodes.ASSERTION_FAILED;
    }
}
