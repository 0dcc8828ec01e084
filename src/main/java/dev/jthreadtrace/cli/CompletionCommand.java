package dev.jthreadtrace.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code jthreadtrace completion}: a bash completion script made from the command model. */
final class CompletionCommand implements Callable<Integer> {
    final CommandSpec spec = Specs.finish(Specs.command("completion", this, true,
            "Prints a bash completion script generated from the command model."), new String[] {
            "  source <(jthreadtrace completion)",
            "  jthreadtrace completion > ~/.local/share/bash-completion/completions/jthreadtrace",
    });

    @Override
    public Integer call() {
        CommandLine top = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("jthreadtrace", top));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
