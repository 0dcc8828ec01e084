package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.render.LineOptions;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;

import static dev.jthreadtrace.cli.Specs.bind;

/** What to trace and how to show it live: shared by run, attach and demo. */
final class TraceOptions {
    /** What {@code -e} shows unless given: the syscall registry's default set. */
    static final String DEFAULT_TRACE = Syscalls.defaultSpec();

    /** What is shown and how: -e, the time column, -c, ... (report has these too). */
    final DisplayOptions display = new DisplayOptions();
    /** --keep-ended: how many ended tasks the model keeps in full. */
    final KeepEndedOption keep = new KeepEndedOption();
    // The option values, set by Picocli through the bindings made in addTo.
    boolean[] follow;
    boolean[] quiet;
    boolean commNames;
    boolean seccompBpf;
    boolean noSeccomp;
    JvmMode jvm;
    int javaStack;
    boolean javaStackVirtual;
    boolean javaStackAll;
    boolean stats;
    Duration killAfter;

    /**
     * Declares these options on {@code command}, bound to this object's fields, in the order help
     * lists them; {@code defaultTrace} is what -e shows when it is not given. {@code attach}: the
     * command attaches rather than starts what it traces, so it takes no --no-seccomp, --seccomp-bpf
     * or --kill-after, and -q is its own.
     */
    void addTo(CommandSpec command, String defaultTrace, boolean attach) {
        display.addTo(command, defaultTrace);
        command.addOption(Specs.repeatableFlag(bind(() -> follow, v -> follow = v), "-f", "--follow-forks")
                .description("Accepted for strace users: threads and child processes are "
                        + "always followed. (-ff, one file per process, is not supported.)").build());
        command.addOption(Specs.repeatableFlag(bind(() -> quiet, v -> quiet = v), "-q", "--quiet")
                .description(attach ? "No message about the detach on standard error, as strace -q "
                        + "(-qq, -qqq too); the +++ attached/detached lines of the trace stay."
                        : "Accepted for strace users (-qq, -qqq too): a started command has no attach or detach "
                        + "message to leave out.").build());
        command.addOption(Specs.flag(bind(() -> commNames, v -> commNames = v), "-Y")
                .description("Accepted for strace users: every line names its thread already.").build());
        if (!attach) command.addOption(Specs.flag(bind(() -> seccompBpf, v -> seccompBpf = v), "--seccomp-bpf")
                .description("Accepted for strace users: the seccomp-bpf filter is on by default "
                        + "(--no-seccomp turns it off).").build());
        if (!attach) command.addOption(Specs.flag(bind(() -> noSeccomp, v -> noSeccomp = v), "--no-seccomp")
                .description("Do not install the seccomp-bpf filter that makes only the traced syscalls stop the command; "
                        + "stop at every syscall instead (as strace -f without --seccomp-bpf). Slower, but leaves "
                        + "no_new_privs unset (the tool sets it for the filter only without CAP_SYS_ADMIN); set-user-ID "
                        + "programs gain privileges under any tracer only when it has CAP_SYS_PTRACE (root).").build());
        command.addOption(Specs.option(JvmMode.class, Specs.<JvmMode>bind(() -> jvm, v -> jvm = v), "--jvm")
                .paramLabel("on|env|off").defaultValue("on")
                .description("The Java view: load a small agent into every traced JVM (JDK 25+) for full Java thread names, "
                        + "the Java creator, virtual threads and inherited thread-locals. on: the tracer adds "
                        + "-javaagent:... to the command line of each JDK launcher the command execs (java, or -J-javaagent "
                        + "for javac, jshell, jar...), in the new program's own stack; the environment and the program's "
                        + "output stay its own; a JVM that cannot take the agent (JDK < 25, no java.instrument, its own AOT "
                        + "cache or system class loader, a private /tmp) runs untouched, with a note. env: through "
                        + "JAVA_TOOL_OPTIONS, appended to yours, for JVMs started by other launchers (every JVM then prints "
                        + "'Picked up JAVA_TOOL_OPTIONS' on stderr). off: no agent. Costs about 60-80 ms of each JVM's start-up. "
                        + "Default: ${DEFAULT-VALUE}.").build());
        command.addOption(Specs.option(int.class, Specs.<Integer>bind(() -> javaStack, v -> javaStack = v), "--java-stack")
                .paramLabel("N").defaultValue("8")
                .description("Frames kept of each Java platform thread's creation stack (where start() was called), the JDK's "
                        + "frames above the application's first frame left out; 0: no stacks. Default: ${DEFAULT-VALUE}.").build());
        command.addOption(Specs.flag(bind(() -> javaStackVirtual, v -> javaStackVirtual = v), "--java-stack-virtual")
                .description("Record virtual threads' creation stacks too (where each was "
                        + "constructed): about 18 µs per virtual thread, so off by default.").build());
        command.addOption(Specs.flag(bind(() -> javaStackAll, v -> javaStackAll = v), "--java-stack-all")
                .description("Keep the JDK's frames above the application's in creation stacks "
                        + "(ThreadPoolExecutor.addWorker, ...).").build());
        command.addOption(Specs.flag(bind(() -> stats, v -> stats = v), "--stats")
                .description("At the end, print one line on standard error: ptrace stops, events, the tracer's own "
                        + "time per stop, whether the seccomp filter was on, jthreadtrace's peak RSS, and whether its JVM started "
                        + "from the launcher's AOT cache.").build());
        keep.addTo(command, false);
        if (!attach) command.addOption(Specs.option(Duration.class, Specs.<Duration>bind(() -> killAfter, v -> killAfter = v), "--kill-after")
                .paramLabel("DURATION").converters(Durations::parse)
                .description("After the first SIGINT, SIGTERM or SIGHUP (which is passed to the traced command), kill the "
                        + "traced command if it is still running after DURATION (e.g. 500ms, 10s, 2m). Without it, a second "
                        + "signal kills it.").build());
    }

    /** -q, -qq or -qqq. */
    boolean quiet() {
        return quiet != null && quiet.length > 0;
    }

    /** The live lines' format (see {@link DisplayOptions#lineOptions}); -ff is answered with what to use. */
    LineOptions lineOptions() {
        if (follow != null && follow.length > 1) throw StraceFlags.answered("-ff");
        return display.lineOptions();
    }

    /** The -e set, or run's default. */
    TraceSelection selection() {
        return display.selection().orElseThrow();
    }

    /** How the JVM agent gets into traced JVMs. */
    enum JvmMode { on, env, off }

    /** --kill-after; null when not given. */
    Duration killAfter() {
        return killAfter;
    }
}
