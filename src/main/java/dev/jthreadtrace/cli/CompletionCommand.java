package dev.jthreadtrace.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "completion",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Prints a bash completion script generated from the command model.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  source <(jthreadtrace completion)",
                "  jthreadtrace completion > ~/.local/share/bash-completion/completions/jthreadtrace",
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine top = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("jthreadtrace", top));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
