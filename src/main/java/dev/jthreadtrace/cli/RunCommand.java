package dev.jthreadtrace.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

import static dev.jthreadtrace.cli.Specs.bind;

/** {@code jthreadtrace run [OPTIONS] -- COMMAND [ARGS...]}. */
final class RunCommand implements Callable<Integer> {
    final TraceOptions traceOptions = new TraceOptions();
    final OutputOptions outputOptions = new OutputOptions();
    final AssertOptions assertOptions = new AssertOptions();
    List<String> command;
    final CommandSpec spec = Specs.command("run", this, false,
            "Traces COMMAND and every thread and process it creates.",
            "Prints a line per traced syscall and thread event, then a report: the threads by creator beside the "
                    + "kernel's tree, the settings each thread inherited from its creator, futex and mmap analyses.");

    RunCommand() {
        spec.addPositional(Specs.parameters(List.class, bind(() -> command, v -> command = v))
                .index("0..*").arity("1..*").paramLabel("COMMAND")
                .description("The command to trace and its arguments (put -- before it).").build());
        traceOptions.addTo(spec, TraceOptions.DEFAULT_TRACE, false);
        outputOptions.addTo(spec);
        assertOptions.addTo(spec, true);
        Specs.finish(spec, new String[] {
                "  jthreadtrace run -- java -jar app.jar",
                "  jthreadtrace run -e clone3,prctl --report tree -- ./server",
                "  jthreadtrace run -- java Main | grep -E '^ *[^ ]* \\[[0-9]+ inner-1\\]'",
                "  jthreadtrace run --format jsonl -o trace.jsonl -- java Main",
                "  jthreadtrace run --no-live --assert 'threads.peak <= 40' --junit-xml t.xml -- java -jar app.jar",
        }, ExitCodes.HELP_0, ExitCodes.HELP_N, ExitCodes.HELP_SIGNAL, ExitCodes.HELP_USAGE, ExitCodes.HELP_ASSERT,
                ExitCodes.HELP_TOOL, ExitCodes.HELP_126, ExitCodes.HELP_127);
    }

    @Override
    public Integer call() {
        return Runner.trace(spec, Inherited.launch(command), traceOptions, outputOptions, assertOptions);
    }
}
