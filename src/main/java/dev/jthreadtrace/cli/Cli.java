package dev.jthreadtrace.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Builds the Picocli command tree with our streams and our error handling. */
public final class Cli {
    private Cli() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TopCommand());
        // Everything after the command name belongs to the command: run -- java -version, or run java -version.
        cli.setStopAtPositional(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // A bug, not a user error: one line, the tool-failure code, and the trace only on request.
            commandLine.getErr().println("jthreadtrace: internal error: " + ex);
            if (System.getenv("JTHREADTRACE_DEBUG") != null) ex.printStackTrace(commandLine.getErr());
            return ExitCodes.TOOL_FAILED;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("jthreadtrace: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        return cli;
    }
}
