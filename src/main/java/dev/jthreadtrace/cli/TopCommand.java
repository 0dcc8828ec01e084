package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.Syscalls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "jthreadtrace",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = "Shows which thread created which thread, what each new thread inherited from its creator, "
                + "and what the threads did with futexes and memory mappings, read from the kernel with ptrace. "
                + "Above all for JVMs.",
        subcommands = {RunCommand.class, AttachCommand.class, DemoCommand.class, ReportCommand.class, CheckCommand.class,
                CompletionCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  jthreadtrace run -- java -jar app.jar",
                "  jthreadtrace run -e clone3,futex -- ./server | grep worker-",
                "  jthreadtrace attach --duration 30s 4242",
                "  jthreadtrace run --format jsonl -o trace.jsonl -- java Main && jthreadtrace report trace.jsonl",
                "  jthreadtrace run --assert 'threads.peak <= 40' --junit-xml threads.xml -- java -jar app.jar",
                "  jthreadtrace demo",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {ExitCodes.HELP_0, ExitCodes.HELP_N, ExitCodes.HELP_SIGNAL, ExitCodes.HELP_USAGE,
                ExitCodes.HELP_ASSERT, ExitCodes.HELP_TOOL, ExitCodes.HELP_126, ExitCodes.HELP_127})
public final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** For scripts (scripts/bench gives strace the same set): the default -e set as plain syscall names. */
    @Option(names = "--print-default-set", hidden = true)
    boolean printDefaultSet;

    @Override
    public Integer call() {
        if (printDefaultSet) {
            spec.commandLine().getOut().println(String.join(",", Syscalls.defaultSet()));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
