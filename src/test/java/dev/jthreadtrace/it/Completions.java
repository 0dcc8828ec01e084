package dev.jthreadtrace.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The installed completion files, completing for real: bash's function called as bash calls it, zsh's at a prompt. */
final class Completions {
    private Completions() {}

    /** {@code jthreadtrace ru<TAB>} gives run; {@code jthreadtrace run --he<TAB>} gives --help. */
    static void assertBashCompletes(Path file) {
        String script = "source \"$1\"; complete -p jthreadtrace >/dev/null || exit 3\n"
                + "COMP_WORDS=(jthreadtrace ru); COMP_CWORD=1; COMP_LINE='jthreadtrace ru'; _complete_jthreadtrace; echo \"${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(jthreadtrace run --he); COMP_CWORD=2; COMP_LINE='jthreadtrace run --he'; _complete_jthreadtrace; "
                + "echo \"${COMPREPLY[*]}\"\n";
        Tool.Result r = Tool.run(List.of("bash", "-c", script, "bash", file.toString()), Map.of(), 60);
        assertEquals(0, r.code(), file + ": " + r.err());
        assertEquals("run\n--help\n", r.out(), file + ": " + r.err());
    }

    /**
     * In an interactive zsh (in a pseudo-terminal, zsh's zpty) whose $fpath has {@code fpathDir},
     * after compinit: {@code jthreadtrace ru<TAB>} then {@code --he<TAB>} then Enter runs
     * {@code jthreadtrace run --help} (a shell function standing in for the command, so the words
     * the completion made are what it prints). The first TAB autoloads the file, the second uses
     * what it registered.
     */
    static void assertZshCompletes(Path fpathDir, Path home) throws IOException {
        Files.createDirectories(home);
        Path script = home.resolve("complete.zsh");
        Files.writeString(script, """
                zmodload zsh/zpty || exit 3
                zpty z 'env -i HOME="$1" TERM=dumb PATH=/usr/bin:/bin zsh -f -i'
                zpty -w z "fpath=(${(q)2} \\$fpath); autoload -U compinit; compinit -u -D"
                zpty -w z 'jthreadtrace() { print -r -- "AR""GS[$*]" }; PS1="> "'
                seen=""
                expect() {
                  local chunk i
                  for i in {1..300}; do
                    while zpty -r -t z chunk 2>/dev/null; do seen+=$chunk; done
                    [[ $seen == *$1* ]] && return 0
                    sleep 0.1
                  done
                  print -r -- "no '$1' in: ${(q+)seen}"
                  exit 1
                }
                zpty -w -n z $'jthreadtrace ru\\t'
                expect 'jthreadtrace run '
                zpty -w -n z $'--he\\t'
                sleep 1
                zpty -w -n z $'\\r'
                expect 'ARGS['
                expect ']'
                print -r -- "${${seen##*ARGS\\[}%%\\]*}"
                zpty -d z
                """);
        Tool.Result r = Tool.run(List.of("zsh", "-f", script.toString(), home.toString(), fpathDir.toString()), Map.of(), 90);
        assertEquals(0, r.code(), "zsh (scripts/test installs it) completing from " + fpathDir + ": " + r.out() + r.err());
        assertTrue(r.out().endsWith("run --help\n"), "zsh completed jthreadtrace ru<TAB> --he<TAB> to: " + r.out());
    }
}
