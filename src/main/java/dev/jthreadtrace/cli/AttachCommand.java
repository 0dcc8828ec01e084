package dev.jthreadtrace.cli;

import dev.jthreadtrace.sys.ProcStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.jthreadtrace.cli.Specs.bind;

/** {@code jthreadtrace attach [OPTIONS] PID...}. */
final class AttachCommand implements Callable<Integer> {
    final TraceOptions traceOptions = new TraceOptions();
    final OutputOptions outputOptions = new OutputOptions();
    final AssertOptions assertOptions = new AssertOptions();
    Duration duration;
    List<String> pids;
    final CommandSpec spec = Specs.command("attach", this, false,
            "Attaches to the running process PID (and more PIDs if given): every thread it has now is listed as "
                    + "'existed at attach' with its name and settings read from /proc; every thread and process it "
                    + "creates from then on is traced as under run (creator, inherited settings, futex, mmap). "
                    + "A JVM (JDK 25+) also gets the agent through the Attach API, so new threads have Java names, "
                    + "Java creators and inherited thread-locals, and the threads it had get their Java names.",
            "Ends on --duration, Ctrl-C, SIGTERM or SIGHUP, a closed output pipe, or when the processes exit: the "
                    + "tracer detaches from every thread (pending signals delivered, stopped threads left stopped), "
                    + "the agent restores the JVM's own classes, and the report covers the window seen. The "
                    + "processes run on, unchanged.",
            "No seccomp filter in attach mode (one cannot be removed, and without a tracer its rules would fail "
                    + "syscalls with ENOSYS): every syscall of the target stops it, as under strace -p, so the "
                    + "target runs slower while attached. Needs the same user and kernel.yama.ptrace_scope 0 (or "
                    + "CAP_SYS_PTRACE). A JDK 21+ JVM prints a warning about a dynamically loaded agent on its "
                    + "stderr unless started with -XX:+EnableDynamicAgentLoading, and, when it shares classes (CDS, the "
                    + "default, or an AOT cache), one line more: sharing is only supported for boot loader classes "
                    + "(the agent's jar joins its boot class path). --jvm off: no agent, no warning.");

    AttachCommand() {
        spec.addPositional(Specs.parameters(List.class, bind(() -> pids, v -> pids = v))
                .index("0..*").arity("1..*").paramLabel("PID").description("The process(es) to attach to; a thread id stands for its process.").build());
        traceOptions.addTo(spec, TraceOptions.DEFAULT_TRACE, true);
        outputOptions.addTo(spec);
        assertOptions.addTo(spec, false);
        spec.addOption(Specs.option(Duration.class, Specs.<Duration>bind(() -> duration, v -> duration = v), "--duration")
                .converters(Durations::parse)
                .paramLabel("DURATION")
                .description("Detach after DURATION (e.g. 500ms, 30s, 5m); without it, on Ctrl-C, SIGTERM, SIGHUP or when the "
                        + "processes exit.").build());
        Specs.finish(spec, new String[] {
                "  jthreadtrace attach --duration 30s $(pgrep -f app.jar)",
                "  jthreadtrace attach -e clone3 --report tree 4242",
                "  jthreadtrace attach --duration 5m --no-live --assert 'threads.total <= 300' 4242",
                "  jthreadtrace attach --format jsonl -o window.jsonl 4242   # Ctrl-C to detach",
        }, "0:detached (or the processes exited); they run on", ExitCodes.HELP_USAGE, ExitCodes.HELP_ASSERT,
                "125:jthreadtrace failed: no such process, a zombie, jthreadtrace itself or its ancestor, ptrace refused"
                        + " (ptrace_scope, another user, already traced by another tool)",
                "141:the output pipe closed (the processes were detached first)");
    }

    @Override
    public Integer call() {
        List<Integer> numbers;
        try {
            numbers = pids.stream().map(AttachCommand::pid).map(AttachCommand::process).distinct().toList();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return Runner.trace(spec, new Runner.Target.Attach(numbers, duration), traceOptions, outputOptions, assertOptions);
    }

    /**
     * A thread id stands for its process (its Tgid), before anything else sees it: the tracer seizes
     * the whole process either way, but the JDK's Attach API given a tid (a JVM's "Finalizer")
     * signals that thread, and every SIGQUIT makes the JVM print a full thread dump on its stdout.
     * A number /proc does not know stays as it is, for the tracer's own "no such process".
     */
    private static int process(int pid) {
        ProcStatus status = ProcStatus.of(pid);
        long tgid = status == null ? pid : status.number("Tgid", pid);
        return tgid > 0 && tgid <= Integer.MAX_VALUE ? (int) tgid : pid;
    }

    private static int pid(String text) {
        try {
            int pid = Integer.parseInt(text.strip());
            if (pid > 0) return pid;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("PID must be a process id (a positive number), not '" + text + "'");
    }
}
