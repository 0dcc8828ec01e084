package dev.jthreadtrace.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Traces COMMAND and every thread and process it creates.",
                "Prints a line per traced syscall and thread event, then a report: the threads by creator beside the "
                        + "kernel's tree, the settings each thread inherited from its creator, futex and mmap analyses.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  jthreadtrace run -- java -jar app.jar",
                "  jthreadtrace run -e clone3,prctl --report tree -- ./server",
                "  jthreadtrace run -- java Main | grep inner-1",
                "  jthreadtrace run --format jsonl -o trace.jsonl -- java Main",
                "  jthreadtrace run --no-live --assert 'threads.peak <= 40' --junit-xml t.xml -- java -jar app.jar",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {ExitCodes.HELP_0, ExitCodes.HELP_N, ExitCodes.HELP_SIGNAL, ExitCodes.HELP_USAGE,
                ExitCodes.HELP_ASSERT, ExitCodes.HELP_TOOL, ExitCodes.HELP_126, ExitCodes.HELP_127})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TraceOptions traceOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    AssertOptions assertOptions;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "COMMAND",
            description = "The command to trace and its arguments (put -- before it).")
    List<String> command;

    @Override
    public Integer call() {
        return Runner.trace(spec, command, TargetEnvironment.of(System.getenv()), traceOptions, outputOptions, assertOptions);
    }
}
