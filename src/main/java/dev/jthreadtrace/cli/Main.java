package dev.jthreadtrace.cli;

import dev.jthreadtrace.session.StopSignals;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Entry point: platform check, then Picocli. Every path out of here is an exit code, never a stack trace. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // A Ctrl-C or kill from now on is kept for the trace (or ends the tool with one line before
        // it begins), instead of the JVM's default exit 130 with nothing said.
        if (tracing(args)) StopSignals.installEarly();
        warmUpInBackground(args);
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        StopSignals.close();
        System.exit(code);
    }

    /**
     * Binding the libc functions (the FFM downcall stubs: ~130 ms of spun method handles, which no
     * cache keeps), loading the syscall table and digesting the agent jar for its cache key would
     * each wait in line on the main thread; on a second
     * core they happen while it builds the command model and checks the options. Nothing
     * observable runs here, and nothing is lost if the command turns out to be --help.
     */
    private static void warmUpInBackground(String[] args) {
        if (!tracing(args)) return;
        Thread.ofPlatform().daemon().name("jthreadtrace-warmup").start(() -> {
            try {
                ClassLoader loader = Main.class.getClassLoader();
                // The longest first: libc's syscall stub, needed as the trace starts (the main thread
                // meanwhile builds the syscall registry for -e's default and the options). Then the
                // agent jar's key, the posix_spawn stub and the decoder, in the order it needs them.
                for (String name : new String[] {"dev.jthreadtrace.sys.Libc", "dev.jthreadtrace.decode.SyscallTable",
                        "dev.jthreadtrace.decode.Syscalls"}) {
                    Class.forName(name, true, loader);
                }
                for (String name : new String[] {"dev.jthreadtrace.sys.Libc$Spawn", "dev.jthreadtrace.decode.SyscallDecoder"}) {
                    Class.forName(name, true, loader);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // The main thread will hit the same problem and report it properly.
            }
        });
    }

    /** Whether the command traces (run, attach, demo). */
    private static boolean tracing(String[] args) {
        return args.length > 0 && (args[0].equals("run") || args[0].equals("attach") || args[0].equals("demo"));
    }

    /** Runs the tool with injected streams (tests call this); returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        String platformProblem = platformProblem(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (platformProblem != null && !isHelpOrVersion(args)) {
            err.println("jthreadtrace: " + platformProblem);
            err.flush();
            return ExitCodes.TOOL_FAILED;
        }
        if (args.length == 2 && args[0].equals(AOT_TRAINING)) return aotTraining(args[1], err);
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // Answered before Picocli builds a command model: that alone costs several times the JVM's start.
            for (String line : new VersionProvider().getVersion()) out.println(line);
            out.flush();
            return ExitCodes.OK;
        }
        String[] rest = args;
        CommandLine cli = Cli.commandLine(args, out, err);
        if (!cli.getCommandName().equals("jthreadtrace")) rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return cli.execute(rest);
        } catch (OutOfMemoryError e) {
            // Picocli hands on Errors: one line, never a stack trace.
            err.println("jthreadtrace: out of memory (more heap: JTHREADTRACE_JAVA_OPTS=-Xmx4g)");
            err.flush();
            return ExitCodes.TOOL_FAILED;
        }
    }

    /** The launchers' AOT training run (hidden): {@code --aot-training trace|read|all}. */
    static final String AOT_TRAINING = "--aot-training";

    /**
     * The JDK's AOT cache is made from one training run of one JVM, and a JVM started from it loads
     * every class it holds: so the checkout's launcher keeps two, one per kind of command.
     * {@code trace} (run, attach, demo, help) traces /bin/true; {@code read} (report, check, diff)
     * writes a JSONL trace of it and then reports, checks and compares that file (Jackson, the
     * reader, the report); {@code all}, both, for the one cache a release ships (scripts/package:
     * measured, run starts as fast from it as from the trace cache). Output is discarded.
     */
    private static int aotTraining(String kind, PrintWriter err) {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        if (kind.equals("trace")) return run(new String[] {"run", "--no-live", "-o", "/dev/null", "--", "/bin/true"}, discard, err);
        if (kind.equals("all")) {
            int code = aotTraining("trace", err);
            return code == ExitCodes.OK ? aotTraining("read", err) : code;
        }
        try {
            Path trace = Files.createTempFile("jthreadtrace-training", ".jsonl");
            try {
                int code = run(new String[] {"run", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/true"}, discard, err);
                if (code == ExitCodes.OK) code = run(new String[] {"report", trace.toString()}, discard, err);
                if (code == ExitCodes.OK) code = run(new String[] {"check", "--assert", "threads.total >= 1", trace.toString()}, discard, err);
                if (code == ExitCodes.OK) {
                    code = run(new String[] {"diff", "-o", "/dev/null", "--assert", "diff.changes == 0", trace.toString(), trace.toString()},
                            discard, err);
                }
                return code;
            } finally {
                Files.deleteIfExists(trace);
            }
        } catch (IOException e) {
            err.println("jthreadtrace: AOT training: " + e.getMessage());
            return ExitCodes.TOOL_FAILED;
        }
    }

    /** Null on Linux x86-64; otherwise what is wrong, in one line. */
    static String platformProblem(String osName, String osArch) {
        boolean linux = osName.toLowerCase(Locale.ROOT).startsWith("linux");
        boolean x8664 = osArch.equals("amd64") || osArch.equals("x86_64");
        if (linux && x8664) return null;
        return "Linux x86-64 only (this is " + osName + " " + osArch + "): the syscall tables and ptrace layouts are x86-64's";
    }

    private static boolean isHelpOrVersion(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V")) return true;
        }
        return false;
    }
}
