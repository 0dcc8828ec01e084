package dev.jthreadtrace.cli;

/**
 * Every exit status the tool can return, in one place (the {@code timeout(1)}/{@code env(1)}
 * convention). The same table is printed by {@code --help} and written in the man page and README.
 */
public final class ExitCodes {
    /** Success, or the traced command's own status passed through. */
    public static final int OK = 0;
    /** Picocli's code for a usage error: unknown option, bad value, malformed --assert expression. */
    public static final int USAGE = 2;
    /** At least one --assert failed (the target's own status is not used then). */
    public static final int ASSERTION_FAILED = 90;
    /** The tool itself failed: ptrace refused, not Linux x86-64, unreadable or truncated saved trace. */
    public static final int TOOL_FAILED = 125;
    /** The command was found but is not executable. */
    public static final int NOT_EXECUTABLE = 126;
    /** The command was not found. */
    public static final int NOT_FOUND = 127;
    /** Killed by signal N (target or tool): 128+N, e.g. 130 for Ctrl-C, 143 for SIGTERM, 141 when the reader of stdout went away. */
    public static final int SIGNAL_BASE = 128;
    /** The reader of our output went away (what a shell reports for SIGPIPE). */
    public static final int OUTPUT_CLOSED = SIGNAL_BASE + 13;

    /** The exit-status table of {@code --help} (Picocli "code:description" entries), shared by every command. */
    static final String HELP_0 = "0:the command exited 0 (otherwise its status is passed through)",
            HELP_N = "N:the command's own exit status N",
            HELP_SIGNAL = "128+N:the command was killed by signal N (the first SIGINT, SIGTERM or SIGHUP to jthreadtrace"
                    + " is passed to it); or a second one (or --kill-after) killed it: 130, 143, 129; or the output pipe"
                    + " closed (141)",
            HELP_USAGE = "2:usage error: unknown option, bad value, malformed --assert, an output file that is an input or"
                    + " another output",
            HELP_ASSERT = "90:an --assert failed (run, attach, check, diff)",
            HELP_TOOL = "125:jthreadtrace failed: ptrace not permitted, not Linux x86-64, unreadable or truncated saved trace",
            HELP_126 = "126:the command is not executable",
            HELP_127 = "127:the command was not found";

    private ExitCodes() {}
}
