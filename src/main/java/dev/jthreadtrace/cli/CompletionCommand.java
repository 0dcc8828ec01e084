package dev.jthreadtrace.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * {@code jthreadtrace completion [--shell bash|zsh]}: a completion script made from the command
 * model. Picocli writes bash's; zsh's is the same script as a completion function, run by zsh's
 * {@code bashcompinit} (which Picocli's script sets up itself), so both complete the same way.
 */
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    private Shell shell = Shell.bash;
    final CommandSpec spec = Specs.command("completion", this, true,
            "Prints a completion script generated from the command model: bash's, or with --shell zsh a zsh "
                    + "completion function (installed as _jthreadtrace in a directory of $fpath).");

    CompletionCommand() {
        spec.addOption(Specs.option(Shell.class, Specs.<Shell>bind(() -> shell, v -> shell = v), "--shell")
                .paramLabel("bash|zsh").defaultValue("bash")
                .description("The shell to complete for. Default: ${DEFAULT-VALUE}.").build());
        Specs.finish(spec, new String[] {
                "  source <(jthreadtrace completion)",
                "  jthreadtrace completion > ~/.local/share/bash-completion/completions/jthreadtrace",
                "  jthreadtrace completion --shell zsh > ~/.zfunc/_jthreadtrace   # with fpath=(~/.zfunc $fpath) before compinit",
        });
    }

    @Override
    public Integer call() {
        CommandLine top = spec.root().commandLine();
        String bash = AutoComplete.bash("jthreadtrace", top);
        spec.commandLine().getOut().print(shell == Shell.zsh ? zsh(bash) : bash);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /**
     * The bash script as the file compinit autoloads for {@code jthreadtrace}, whose whole text
     * becomes the body of the function {@code _jthreadtrace}, run at the first TAB. Run so, the
     * script would be parsed at once, before its own {@code alias compopt=complete} is made, and
     * its functions would call a compopt that does not exist; so the function sources the file
     * instead (read command by command, as when a user sources it), which defines the functions and
     * registers them for the later TABs through bashcompinit's {@code complete}, then answers this
     * first TAB. The completion system turns aliases off (its {@code _comp_options}); the source
     * runs with zsh's defaults, as at a prompt. Sourced by a user, the file only defines and
     * registers.
     */
    static String zsh(String bash) {
        String body = bash.startsWith("#!") ? bash.substring(bash.indexOf('\n') + 1) : bash;
        return "#compdef jthreadtrace\n"
                + "# zsh completion for jthreadtrace: the bash completion generated from its command model (below), run\n"
                + "# by zsh's bashcompinit. Install as _jthreadtrace in a directory of $fpath.\n"
                + "if [[ ${funcstack[1]-} == _jthreadtrace ]]; then\n"
                + "  # Autoloaded at the first TAB: read the file as a script, then answer this TAB.\n"
                + "  emulate -L zsh\n"
                + "  source \"${functions_source[_jthreadtrace]}\" && _bash_complete -o default -F _complete_jthreadtrace\n"
                + "  return\n"
                + "fi\n"
                + body;
    }
}
