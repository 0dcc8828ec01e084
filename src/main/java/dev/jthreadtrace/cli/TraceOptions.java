package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.TraceSelection;
import picocli.CommandLine.Option;

/** What to trace and how to show it live: shared by run and demo. */
final class TraceOptions {
    /** The {@code -e} option's name: its default comes from the syscall registry (see {@link Cli}). */
    static final String TRACE_OPTION = "--trace";

    @Option(names = {"-e", TRACE_OPTION}, paramLabel = "SET",
            description = "Syscalls to show, comma-separated names and classes (%%thread, %%process, %%futex, "
                    + "%%memory, %%hooks) or 'all'. The calls the thread model needs are recorded whatever is "
                    + "shown. Default: ${DEFAULT-VALUE}.")
    String trace;

    @Option(names = "--no-live", description = "Do not print a line per syscall, only the report; syscalls that would "
            + "only have been shown are then not traced at all. (With --format jsonl the events are always written: "
            + "a saved trace is read back from them.)")
    boolean noLive;

    @Option(names = {"-s", "--string-limit"}, paramLabel = "SIZE", defaultValue = "32",
            description = "Print at most SIZE characters of a string argument (as strace -s). Default: ${DEFAULT-VALUE}.")
    int stringLimit;

    @Option(names = {"-t", "--absolute-time"},
            description = "Print wall-clock time (HH:MM:SS.microseconds) instead of seconds since the command started.")
    boolean absoluteTime;

    @Option(names = {"-c", "--summary-only"},
            description = "Count calls, errors and time per shown syscall and print strace -c's table at the end, "
                    + "instead of live lines and the report.")
    boolean summaryOnly;

    @Option(names = {"-C", "--summary"},
            description = "Print strace -c's table at the end as well as the live lines and the report (strace -C).")
    boolean summary;

    @Option(names = {"-S", "--summary-sort"}, paramLabel = "KEY", defaultValue = "time",
            description = "Sort the -c/-C table by time (default), calls, errors, name, or nothing (syscall-number "
                    + "order), as strace -S.")
    String summarySort;

    @Option(names = "-w", description = "Accepted for strace users: the -c/-C time is always the wall-clock time "
            + "inside the call, as strace -w (a tracer sees a call's entry and exit, not the kernel's CPU time).")
    boolean wallClock;

    /** -c/-C's sort key; throws naming the choices. */
    dev.jthreadtrace.render.SyscallSummary.Sort summarySort() {
        return dev.jthreadtrace.render.SyscallSummary.Sort.parse(summarySort);
    }

    @Option(names = "--no-seccomp",
            description = "Do not install the seccomp-bpf filter that makes only the traced syscalls stop the command; "
                    + "stop at every syscall instead (as strace -f without --seccomp-bpf). Slower, but leaves "
                    + "no_new_privs unset, which set-user-ID programs started by the command need.")
    boolean noSeccomp;

    /** How the JVM agent gets into traced JVMs. */
    enum JvmMode { on, env, off }

    @Option(names = "--jvm", paramLabel = "on|env|off", defaultValue = "on",
            description = "The Java view: load a small agent into every traced JVM (JDK 25+) for full Java thread names, "
                    + "the Java creator, virtual threads and inherited thread-locals. on: the tracer adds "
                    + "-javaagent:... to the command line of each JDK launcher the command execs (java, or -J-javaagent "
                    + "for javac, jshell, jar...); the environment and the program's output stay its own. env: through "
                    + "JAVA_TOOL_OPTIONS, appended to yours, for JVMs started by other launchers (every JVM then prints "
                    + "'Picked up JAVA_TOOL_OPTIONS' on stderr). off: no agent. Costs about 60 ms of JVM start-up. "
                    + "Default: ${DEFAULT-VALUE}.")
    JvmMode jvm;

    @Option(names = "--stats",
            description = "At the end, print one line on standard error: ptrace stops, events, the tracer's own "
                    + "time per stop, whether the seccomp filter was on, and jthreadtrace's peak RSS.")
    boolean stats;

    @Option(names = "--kill-after", paramLabel = "DURATION",
            description = "After the first SIGINT, SIGTERM or SIGHUP (which is passed to the traced command), kill the "
                    + "traced command if it is still running after DURATION (e.g. 500ms, 10s, 2m). Without it, a second "
                    + "signal kills it.")
    String killAfter;

    /** --kill-after as a duration; null when not given. */
    java.time.Duration killAfter() {
        if (killAfter == null) return null;
        var m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)").matcher(killAfter.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--kill-after takes a duration such as 500ms, 10s or 2m, not '" + killAfter + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            default -> java.time.Duration.ofMinutes(n);
        };
    }

    TraceSelection selection() {
        if (trace.isBlank() || trace.replace(",", "").isBlank()) {
            throw new IllegalArgumentException("-e/--trace needs syscall names or classes, 'all' or 'none' (it was empty)");
        }
        return TraceSelection.parse(trace);
    }
}
