package dev.jthreadtrace.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Builds the Picocli command tree with our streams and our error handling. */
public final class Cli {
    private Cli() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return configure(new TopCommand().commandLine(), out, err);
    }

    /**
     * The command line for these arguments. For {@code run}, {@code attach}, {@code demo},
     * {@code report}, {@code check} and {@code diff} only that subcommand's model is built (each costs a few
     * milliseconds of start-up).
     */
    public static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine.Model.CommandSpec single = args.length == 0 ? null : switch (args[0]) {
            case "run" -> new RunCommand().spec;
            case "attach" -> new AttachCommand().spec;
            case "demo" -> new DemoCommand().spec;
            case "report" -> new ReportCommand().spec;
            case "check" -> new CheckCommand().spec;
            case "diff" -> new DiffCommand().spec;
            default -> null;
        };
        if (single == null) return commandLine(out, err);
        CommandLine cli = new CommandLine(single);
        cli.setCommandName("jthreadtrace " + args[0]);
        return configure(cli, out, err);
    }

    private static CommandLine configure(CommandLine cli, PrintWriter out, PrintWriter err) {
        // Everything after the command name belongs to the command: run -- java -version, or run java -version.
        cli.setStopAtPositional(true);
        // An @file is the command's own argument (java @argfile), never ours to expand; the tool needs none.
        cli.setExpandAtFiles(false);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof Inherited.LauncherStateException) {
                commandLine.getErr().println("jthreadtrace: " + ex.getMessage());
                return ExitCodes.TOOL_FAILED;
            }
            // A bug, not a user error: one line, the tool-failure code, and the trace only on request.
            commandLine.getErr().println("jthreadtrace: internal error: " + ex);
            if (System.getenv("JTHREADTRACE_DEBUG") != null) ex.printStackTrace(commandLine.getErr());
            return ExitCodes.TOOL_FAILED;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            // An strace flag jthreadtrace does not have: one line saying what to use instead.
            for (String unmatched : c.getUnmatchedArguments()) {
                var answer = StraceFlags.answer(unmatched);
                if (answer.isPresent()) {
                    c.getErr().println("jthreadtrace: " + answer.get());
                    return ExitCodes.USAGE;
                }
            }
            // "run --bogus" fails on the missing COMMAND, but the unknown option is the real mistake.
            String message = ex instanceof CommandLine.MissingParameterException && !c.getUnmatchedArguments().isEmpty()
                    && c.getUnmatchedArguments().getFirst().startsWith("-")
                    ? "Unknown option: '" + c.getUnmatchedArguments().getFirst() + "'" : ex.getMessage();
            c.getErr().println("jthreadtrace: " + message);
            if (ex.getCause() instanceof StraceFlags.Answer) return ExitCodes.USAGE;
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        return cli;
    }
}
