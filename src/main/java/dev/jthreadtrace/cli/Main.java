package dev.jthreadtrace.cli;

import dev.jthreadtrace.session.CpuBudget;
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
        if (tracing(args)) {
            StopSignals.installEarly();
            // ulimit -t: the tool's CPU time is not the command's (the command gets its limit in the start gate).
            CpuBudget.takeOver();
        }
        warmUpInBackground(args);
        PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
        int rc = run(args, out, err);
        out.flush();
        err.flush();
        exit(rc);
    }

    /**
     * Ends the tool's JVM. The tool registers no shutdown hook and leaves nothing to flush, so
     * {@code System.exit} would only add its exit log: it looks up a System.Logger, which detects
     * the logging backend by scanning the class path for providers (the jar opened for that alone:
     * ~10% of a report's main thread at start). Runtime.halt skips that. With
     * JTHREADTRACE_JAVA_OPTS the JVM exits the usual way: options there may have registered hooks
     * of their own (a JFR recording dumped at exit). Either way the JVM's exit waits up to 300 ms
     * for threads in native code to block (HotSpot's VM_Exit): the thread that takes the held
     * signals, in sigtimedwait, is woken first (StopSignals.close).
     */
    private static void exit(int code) {
        StopSignals.close();
        String options = System.getenv("JTHREADTRACE_JAVA_OPTS");
        if (options != null && !options.isBlank()) System.exit(code);
        Runtime.getRuntime().halt(code);
    }

    /**
     * Binding the libc functions (the FFM downcall stubs: ~130 ms of spun method handles, which no
     * cache keeps), loading the syscall table and digesting the agent jar for its cache key would
     * each wait in line on the main thread; on a second
     * core they happen while it builds the command model and checks the options. Nothing
     * observable runs here, and nothing is lost if the command turns out to be --help.
     * For the commands that read a saved trace: BigDecimal's class initialisation (JDK 25 computes
     * 5^(2^16) there, ~20 ms interpreted), which Jackson's parser needs before the first record.
     */
    private static Thread warmUpInBackground(String[] args) {
        if (args.length == 0) return null;
        if (args[0].equals("report") || args[0].equals("check") || args[0].equals("diff")) return warmUp("java.math.BigDecimal");
        if (!tracing(args)) return null;
        // The longest first: libc's syscall stub, needed as the trace starts (the main thread
        // meanwhile builds the syscall registry for -e's default and the options). Then the
        // agent jar's key, the posix_spawn stub and the decoder, in the order it needs them.
        return warmUp("dev.jthreadtrace.sys.Libc", "dev.jthreadtrace.decode.SyscallTable", "dev.jthreadtrace.decode.Syscalls",
                "dev.jthreadtrace.sys.Libc$Spawn", "dev.jthreadtrace.decode.SyscallDecoder");
    }

    /** Initialises the classes, in order, on a daemon thread. */
    private static Thread warmUp(String... classes) {
        return Thread.ofPlatform().daemon().name("jthreadtrace-warmup").start(() -> {
            try {
                ClassLoader loader = Main.class.getClassLoader();
                for (String name : classes) {
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
     * {@code trace} (run, attach, demo, help) traces /bin/true without and with live lines, then a
     * JVM ({@code java -version} of the tool's own runtime: the agent's preparation, the JDK
     * launcher's exec); {@code read} (report, check, diff) writes a JSONL trace of /bin/true and
     * then reports, checks and compares that file (Jackson, the reader, the report); {@code all},
     * both, for the one cache a release ships (scripts/package: measured, run starts as fast from
     * it as from the trace cache). Each run starts the background warm-up a real start would, so
     * what that loads is in the cache too. Output is discarded.
     */
    private static int aotTraining(String kind, PrintWriter err) {
        if (kind.equals("trace")) {
            int code = trainingRun(err, "run", "--no-live", "-o", "/dev/null", "--", "/bin/true");
            if (code == ExitCodes.OK) code = trainingRun(err, "run", "-o", "/dev/null", "--", "/bin/true");
            // The JVM's own exit status is not the training's: a cache is made whatever it says.
            if (code == ExitCodes.OK) trainingRun(err, "run", "--no-live", "-o", "/dev/null", "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version");
            return code;
        }
        if (kind.equals("all")) {
            int code = aotTraining("trace", err);
            return code == ExitCodes.OK ? aotTraining("read", err) : code;
        }
        try {
            Path trace = Files.createTempFile("jthreadtrace-training", ".jsonl");
            try {
                String file = trace.toString();
                int code = trainingRun(err, "run", "--format", "jsonl", "-o", file, "--", "/bin/true");
                if (code == ExitCodes.OK) code = trainingRun(err, "report", file);
                if (code == ExitCodes.OK) code = trainingRun(err, "check", "--assert", "threads.total >= 1", file);
                if (code == ExitCodes.OK) code = trainingRun(err, "diff", "-o", "/dev/null", "--assert", "diff.changes == 0", file, file);
                return code;
            } finally {
                Files.deleteIfExists(trace);
            }
        } catch (IOException e) {
            err.println("jthreadtrace: AOT training: " + e.getMessage());
            return ExitCodes.TOOL_FAILED;
        }
    }

    /** One command of the training, as {@link #main} runs it (with its warm-up), its output discarded. */
    private static int trainingRun(PrintWriter err, String... args) {
        Thread warmUp = warmUpInBackground(args);
        int code = run(args, new PrintWriter(Writer.nullWriter()), err);
        if (warmUp != null) {
            try {
                warmUp.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return code;
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
