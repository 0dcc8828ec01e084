package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.Syscalls;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

import static dev.jthreadtrace.cli.Specs.bind;

/** {@code jthreadtrace}: the subcommands, and usage when none is given. */
public final class TopCommand implements Callable<Integer> {
    /** For scripts (scripts/bench gives strace the same set): the default -e set as plain syscall names. */
    boolean printDefaultSet;
    final CommandSpec spec = Specs.command("jthreadtrace", this, true,
            "Shows which thread created which thread, what each new thread inherited from its creator, "
                    + "and what the threads did with futexes and memory mappings, read from the kernel with ptrace. "
                    + "Above all for JVMs.");

    TopCommand() {
        spec.addOption(Specs.flag(bind(() -> printDefaultSet, v -> printDefaultSet = v), "--print-default-set").hidden(true).build());
        Specs.finish(spec, new String[] {
                "  jthreadtrace run -- java -jar app.jar",
                "  jthreadtrace run -e clone3,futex -- ./server | grep worker-",
                "  jthreadtrace attach --duration 30s 4242",
                "  jthreadtrace run --format jsonl -o trace.jsonl -- java Main && jthreadtrace report trace.jsonl",
                "  jthreadtrace run --assert 'threads.peak <= 40' --junit-xml threads.xml -- java -jar app.jar",
                "  jthreadtrace diff --assert 'diff.new_sites == 0' base.jsonl new.jsonl",
                "  jthreadtrace demo",
        }, ExitCodes.HELP_0, ExitCodes.HELP_N, ExitCodes.HELP_SIGNAL, ExitCodes.HELP_USAGE, ExitCodes.HELP_ASSERT,
                ExitCodes.HELP_TOOL, ExitCodes.HELP_126, ExitCodes.HELP_127);
    }

    /** The whole command tree: this command and every subcommand. */
    CommandLine commandLine() {
        CommandLine top = new CommandLine(spec);
        top.addSubcommand(new RunCommand().spec);
        top.addSubcommand(new AttachCommand().spec);
        top.addSubcommand(new DemoCommand().spec);
        top.addSubcommand(new ReportCommand().spec);
        top.addSubcommand(new CheckCommand().spec);
        top.addSubcommand(new DiffCommand().spec);
        top.addSubcommand(new CompletionCommand().spec);
        return top;
    }

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
