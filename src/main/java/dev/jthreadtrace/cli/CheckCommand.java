package dev.jthreadtrace.cli;

import dev.jthreadtrace.session.SavedTrace;

import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.model.TraceModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {"Checks assertions against a saved trace.",
                "The trace is one written by 'run --format jsonl -o FILE'."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  jthreadtrace check --assert 'threads.peak <= 40' trace.jsonl",
                "  jthreadtrace check --assert-file thread-budget.txt --junit-xml threads.xml trace.jsonl",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every assertion passed", ExitCodes.HELP_USAGE, ExitCodes.HELP_ASSERT, ExitCodes.HELP_TOOL})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AssertOptions assertOptions;

    @Parameters(index = "0", paramLabel = "TRACE.jsonl", description = "A trace written by run --format jsonl.")
    Path file;

    @Option(names = "--allow-truncated", description = "Check a trace that was cut short (the run was killed, the disk "
            + "filled up) on the records it holds, with a warning; without it such a trace is refused (exit 125).")
    boolean allowTruncated;

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
        PrintWriter err = spec.commandLine().getErr();
        SavedTrace saved = SavedTrace.load(file, err);
        if (saved == null) return ExitCodes.TOOL_FAILED;
        if (saved.truncated() && !allowTruncated) {
            err.println("jthreadtrace: " + saved.truncationWarning(file) + "; --allow-truncated checks what it holds");
            return ExitCodes.TOOL_FAILED;
        }
        if (saved.truncated()) err.println("jthreadtrace: warning: " + saved.truncationWarning(file) + "; checking what it holds");
        TraceModel model = saved.model();
        List<AssertionResult> results = checks.evaluate(model);
        PrintWriter out = spec.commandLine().getOut();
        checks.printTable(results, out::println);
        out.flush();
        if (!checks.writeJunit(results, err)) return ExitCodes.TOOL_FAILED;
        return results.stream().allMatch(AssertionResult::passed) ? ExitCodes.OK : ExitCodes.ASSERTION_FAILED;
    }
}
