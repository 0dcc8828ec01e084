package dev.jthreadtrace.cli;

import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.jvm.JvmAgent;
import dev.jthreadtrace.jvm.JvmAttach;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.ExecArguments;
import dev.jthreadtrace.ptrace.TraceFailure;
import dev.jthreadtrace.ptrace.Tracer;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.OutputClosedException;
import dev.jthreadtrace.render.OutputFailedException;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.TextLines;
import dev.jthreadtrace.render.ThreadNames;
import dev.jthreadtrace.session.CpuBudget;
import dev.jthreadtrace.session.Interrupts;
import dev.jthreadtrace.session.StopSignals;
import dev.jthreadtrace.session.TraceSession;
import dev.jthreadtrace.sys.FdOutputStream;
import dev.jthreadtrace.sys.Libc;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The flow shared by {@code run} and {@code demo}: validate everything before the target starts,
 * trace, write the report (or the JSONL final records), evaluate assertions, choose the exit code.
 */
final class Runner {
    private static final int SIGQUIT = 3;
    /**
     * How long the last look may hold back a signal (Ctrl-C) or an attach's --duration detach: a
     * JVM's lock view took 0.4 to 0.8 s here under ptrace (the JDK's attach handshake polls at 0.1,
     * 0.3, 0.6 and 1.0 s while the Attach Listener starts; the dump crosses traced syscalls), over a
     * second on a loaded machine; the detach also waits behind the agent's own attach.
     */
    static final Duration LAST_LOOK = Duration.ofSeconds(2), LAST_LOOK_DETACH = Duration.ofSeconds(3);

    private Runner() {}

    /** What is traced: a command started under the tracer, or running processes attached to. */
    sealed interface Target {
        /** {@code run}/{@code demo}: start the command, with what the tool inherited. */
        record Launch(dev.jthreadtrace.ptrace.Launch launch) implements Target {}

        /** {@code attach}: seize {@code pids}; detach after {@code duration} (null: on a signal or their exit). */
        record Attach(List<Integer> pids, Duration duration) implements Target {}
    }

    static int trace(CommandLine.Model.CommandSpec spec, dev.jthreadtrace.ptrace.Launch launch,
                     TraceOptions traceOptions, OutputOptions outputOptions, AssertOptions assertOptions) {
        return trace(spec, new Target.Launch(launch), traceOptions, outputOptions, assertOptions);
    }

    static int trace(CommandLine.Model.CommandSpec spec, Target target, TraceOptions traceOptions, OutputOptions outputOptions,
                     AssertOptions assertOptions) {
        try (OutputFiles files = new OutputFiles()) {
            ErrorLines err = new ErrorLines(spec.commandLine().getErr());
            int code = trace(spec, target, traceOptions, outputOptions, assertOptions, files, err);
            files.junitUnlessWritten(assertOptions.junitXml, spec.name(), code, err.last());
            return code;
        } finally {
            // Every file is written and closed: a signal no longer has anything to cut short.
            StopSignals.uninstall();
        }
    }

    private static int trace(CommandLine.Model.CommandSpec spec, Target target, TraceOptions traceOptions,
                             OutputOptions outputOptions, AssertOptions assertOptions, OutputFiles files, PrintWriter err) {
        boolean attach = target instanceof Target.Attach;
        Map<String, String> environment = target instanceof Target.Launch l ? Inherited.variables(l.launch()) : System.getenv();
        TracePlan plan = TracePlan.of(spec, attach, traceOptions, outputOptions, assertOptions);
        List<OutputFiles.Named> outputs = new ArrayList<>(outputOptions.outputs());
        outputs.addAll(assertOptions.outputs());
        String clash = OutputFiles.clash(assertOptions.inputs(), outputs);
        if (clash != null) throw new CommandLine.ParameterException(spec.commandLine(), clash);
        Integer refused = refused(err, target, outputOptions, files, outputs);
        if (refused != null) return refused;
        OutputStream stream;
        try {
            stream = outputOptions.writesToStdout() ? new FdOutputStream(1) : files.open(outputOptions.output);
        } catch (IOException e) {
            err.println("jthreadtrace: " + FileProblems.cannotWrite(outputOptions.output, e));
            return ExitCodes.TOOL_FAILED;
        }
        // On stdout (usually a pipe or a terminal), notice a reader that went away even while the command is quiet.
        BooleanSupplier readerGone = outputOptions.writesToStdout() ? () -> Libc.pollError(1) : () -> false;
        String destination = outputOptions.writesToStdout() ? "standard output" : outputOptions.output.toString();
        try (Output out = new Output(stream, !outputOptions.writesToStdout(), readerGone)) {
            JvmAgent agent = traceOptions.jvm == TraceOptions.JvmMode.off ? null : prepareAgent(err, traceOptions);
            if (agent != null && target instanceof Target.Launch l) agent.prepareEarlyFor(commandFile(l.launch()));
            TraceOutput output = output(out, plan, traceOptions.display, outputOptions, agent, err);
            TraceSession.Outcome outcome;
            try {
                boolean[] announced = switch (outputOptions.format.traits().entries()) {
                    case PRINTED -> !traceOptions.display.noLive && !traceOptions.display.summaryOnly
                            && plan.lineOptions().allStatuses() ? plan.selection().shown() : new boolean[0];
                    case SAVED -> plan.selection().shown();
                    case IGNORED -> new boolean[0];
                };
                outcome = traceWith(target, environment, traceOptions, plan, announced, agent, output.live(), out, err);
            } catch (TraceFailure e) {
                err.println("jthreadtrace: " + e.getMessage());
                return e.exitCode();
            } finally {
                if (agent != null) agent.close();
            }
            TraceMessages.afterTrace(err, outcome, traceOptions, attach);
            if (outcome.outputClosed()) return ExitCodes.OUTPUT_CLOSED;
            return conclude(err, outcome, output, out, plan.checks(), outputOptions, files, destination, attach ? null : assertOptions);
        } catch (OutputClosedException e) {
            return ExitCodes.OUTPUT_CLOSED;
        } catch (OutputFailedException e) {
            err.println("jthreadtrace: cannot write " + destination + ": " + e.getMessage());
            return ExitCodes.TOOL_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.TOOL_FAILED;
        }
    }

    /** Why nothing will be traced (a command not found, a file that cannot be written later), as an exit code; null: go. */
    private static Integer refused(PrintWriter err, Target target, OutputOptions outputOptions,
                                   OutputFiles files, List<OutputFiles.Named> outputs) {
        if (target instanceof Target.Launch launch) {
            switch (CommandResolver.resolve(launch.launch().argv().getFirst(), launch.launch().variable("PATH"))) {
                case CommandResolver.NotFound nf -> {
                    err.println("jthreadtrace: " + nf.message());
                    return ExitCodes.NOT_FOUND;
                }
                case CommandResolver.NotExecutable ne -> {
                    err.println("jthreadtrace: " + ne.message());
                    return ExitCodes.NOT_EXECUTABLE;
                }
                case CommandResolver.Found f -> { }
            }
            if (outputOptions.format.traits().sharedStdout() instanceof OutputFormat.SharedStdout.Note(String note)
                    && outputOptions.writesToStdout()) {
                err.println("jthreadtrace: note: " + note);
            }
        }
        // Files written at the end are checked now (a run of minutes must not be lost to a typo), FIFOs opened.
        String outputProblem = files.prepare(outputs);
        if (outputProblem != null) {
            err.println("jthreadtrace: " + outputProblem);
            return ExitCodes.TOOL_FAILED;
        }
        return null;
    }

    /** The chosen format; text lines carry the Java names the agent reports while the trace runs. */
    private static TraceOutput output(Output out, TracePlan plan, DisplayOptions display, OutputOptions outputOptions, JvmAgent agent,
                                      PrintWriter err) {
        boolean[] shown = plan.selection().shown();
        Palette palette = outputOptions.palette();
        Function<Output, LiveSink> lines = display.noLive || display.summaryOnly ? null : agent == null
                ? o -> new TextLines(o, palette, shown, plan.lineOptions(), ThreadNames.KERNEL)
                : o -> agent.liveNames().then(new TextLines(o, palette, shown, plan.lineOptions(), agent.liveNames()));
        return outputOptions.format.open(new OutputContext(out, err, shown, display.stringLimit, lines,
                display.summaryOnly ? null : new TraceOutput.ReportLayout(plan.sections(), palette, outputOptions.width()),
                display.summaryTable() ? new TraceOutput.SummaryTable(shown, plan.sort(), plan.byThread()) : null, null));
    }

    /** Starts the tracer (launching or attaching) and runs the trace into {@code live}; the Java view is joined at the end. */
    private static TraceSession.Outcome traceWith(Target target, Map<String, String> environment, TraceOptions traceOptions,
                                                  TracePlan plan, boolean[] announced, JvmAgent agent, LiveSink live, Output out,
                                                  PrintWriter err)
            throws TraceFailure, InterruptedException {
        // SIGQUIT belongs to a traced JVM (Ctrl-\\ asks it for a thread dump): the tool's own JVM
        // would print its dump into the trace, and its handler cannot be replaced from Java.
        Libc.ignoreSignal(SIGQUIT);
        String cpuLimit = CpuBudget.startNote(target instanceof Target.Attach);
        if (cpuLimit != null) err.println("jthreadtrace: note: " + cpuLimit);
        Interrupts interrupts = new Interrupts(plan.killAfter(), line -> {
            err.println("jthreadtrace: " + line);
            err.flush();
        }, tracer -> lastLook(agent, tracer, LAST_LOOK));
        boolean viaEnvironment = agent != null && traceOptions.jvm == TraceOptions.JvmMode.env;
        ExecArguments execArguments = agent == null || viaEnvironment ? ExecArguments.NONE : agent.execArguments();
        boolean[] recorded = plan.selection().recorded();
        // -y and -s decide what the captures copy: fd paths only when shown, data buffers up to what a line prints.
        CaptureLimits limits = new CaptureLimits(plan.lineOptions().fdPaths(), plan.lineOptions().stringMax());
        TraceSession.TracerStart start;
        Thread[] jvmAttach = new Thread[1];
        if (target instanceof Target.Attach a) {
            start = queue -> {
                notInterrupted(true);
                var tracer = Tracer.attach(a.pids(), recorded, announced, limits, plan.exits(), execArguments, queue);
                jvmAttach[0] = attachJvms(a.pids(), agent);
                if (a.duration() != null) detachAfter(tracer, a.duration(), agent);
                return tracer;
            };
        } else {
            dev.jthreadtrace.ptrace.Launch launch = ((Target.Launch) target).launch();
            dev.jthreadtrace.ptrace.Launch command = viaEnvironment ? launch.withEnvironment(agent.environment(launch.environment())) : launch;
            start = queue -> {
                notInterrupted(false);
                // Once the command holds its descriptors, the tool lets go of its own copies.
                return Tracer.start(command, recorded, announced, limits, plan.exits(), execArguments, !traceOptions.noSeccomp,
                        queue, () -> HandOver.letGo(command.descriptors()));
            };
        }
        TraceSession.Outcome outcome = TraceSession.run(start, plan.fold(), live, out::idle, interrupts);
        if (jvmAttach[0] != null) {
            jvmAttach[0].join(30_000);
            agent.stopInRunningJvms();
        }
        if (agent != null) agent.attachTo(outcome.model(), outcome.outputClosed());
        return outcome;
    }

    /**
     * The last moment before anything is started or attached to: a SIGINT, SIGTERM or SIGHUP that
     * came since the tool started ends the tool with one line and 128+N, as documented; one from
     * now on is the trace's (passed on, or a detach).
     */
    private static void notInterrupted(boolean attach) throws TraceFailure {
        int signal = StopSignals.beforeTrace();
        if (signal == 0) return;
        throw new TraceFailure(Signals.name(signal) + (attach ? " before attaching: nothing was attached to"
                : " before the command started: it was not run"), null, ExitCodes.SIGNAL_BASE + signal);
    }

    /**
     * The end: assertions, the output's final part, JUnit XML and HTML, and the exit code.
     * {@code launched}: run's and demo's options (the command's status is passed through); null for attach.
     */
    private static int conclude(PrintWriter err, TraceSession.Outcome outcome, TraceOutput output, Output out, AssertOptions.Checks checks,
                                OutputOptions outputOptions, OutputFiles files, String destination, AssertOptions launched) {
        TraceModel model = outcome.model();
        List<AssertionResult> results = checks.assertions().isEmpty() ? List.of() : checks.evaluate(model);
        String outputFailure = outcome.outputFailure();
        if (outputFailure == null) {
            try {
                output.finish(model, SavedAssertion.of(results));
                out.flush();
            } catch (OutputClosedException e) {
                return ExitCodes.OUTPUT_CLOSED;
            } catch (OutputFailedException e) {
                outputFailure = e.getMessage();
            }
        }
        if (!checks.writeJunit(results, err, files)) return ExitCodes.TOOL_FAILED;
        if (!outputOptions.writeHtml(model, SavedAssertion.of(results), err, files)) return ExitCodes.TOOL_FAILED;
        if (outcome.outOfMemory()) {
            err.println("jthreadtrace: out of memory after " + outcome.outOfMemoryAfter() + " events; the traced command ran on"
                    + " to its end; the report covers the trace until then (more heap: JTHREADTRACE_JAVA_OPTS=-Xmx4g)");
            return ExitCodes.TOOL_FAILED;
        }
        if (outputFailure != null) {
            // The data loss is the tool's failure, reported once; the command ran as it would untraced.
            err.println("jthreadtrace: cannot write " + destination + ": " + outputFailure
                    + "; the traced command ran on to its end, the rest of the trace is lost");
            return ExitCodes.TOOL_FAILED;
        }
        if (launched == null) return results.stream().anyMatch(r -> !r.passed()) ? ExitCodes.ASSERTION_FAILED : ExitCodes.OK;
        return exitCode(model, outcome.interruptedBy(), results, launched.ignoreExit);
    }

    /**
     * attach: the agent goes into each JVM among {@code pids} through the Attach API, on a thread of
     * its own (the JVM answers only while the tracer keeps resuming it); null when there is none.
     */
    private static Thread attachJvms(List<Integer> pids, JvmAgent agent) {
        if (agent == null) return null;
        List<Integer> jvms = pids.stream().filter(JvmAttach::isJvm).toList();
        if (jvms.isEmpty()) return null;
        return Thread.ofPlatform().daemon().name("jthreadtrace-jvm-attach").start(() -> {
            for (int pid : jvms) agent.attachToRunningJvm(pid);
        });
    }

    /** {@code --duration}: a daemon timer that takes the last look and lets the attached processes go. */
    private static void detachAfter(Tracer tracer, Duration duration, JvmAgent agent) {
        Thread.ofPlatform().daemon().name("jthreadtrace-duration").start(() -> {
            try {
                Thread.sleep(duration);
                lastLook(agent, tracer, LAST_LOOK_DETACH);
                tracer.requestDetach();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Before a trace ends on a signal or a --duration, while a hung program still hangs: the
     * kernel's view of every task (the calls they are in, lock owners read afresh), then the JVMs
     * among the traced processes give their lock views (at most {@code limit} in all; not with
     * --jvm off).
     */
    private static void lastLook(JvmAgent agent, Tracer tracer, Duration limit) {
        tracer.lookAtTheEnd();
        if (agent == null) return;
        agent.takeLockViews(tracer.liveProcesses(), limit);
        tracer.lookAtTheEnd(); // the views took a while: the kernel's look again, closest to the signal or the detach
    }

    /** The JVM agent, or null (with one line on err) when its jar is missing: the trace goes on without it. */
    private static JvmAgent prepareAgent(PrintWriter err, TraceOptions options) {
        try {
            return JvmAgent.prepare(JvmAgent.defaultAgentJar(), options.javaStack, options.javaStackAll, options.javaStackVirtual);
        } catch (IOException e) {
            err.println("jthreadtrace: note: no Java-level view (" + e.getMessage() + ")");
            return null;
        }
    }

    /** The file the command runs (as found before the launch), or null when it cannot be named as a Path. */
    private static Path commandFile(dev.jthreadtrace.ptrace.Launch launch) {
        if (!(CommandResolver.resolve(launch.argv().getFirst(), launch.variable("PATH")) instanceof CommandResolver.Found f)) return null;
        try {
            return Path.of(KernelBytes.decode(f.path()));
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static int exitCode(TraceModel model, int interruptedBy, List<AssertionResult> results, boolean ignoreExit) {
        if (model.tracerFailure() != null) return ExitCodes.TOOL_FAILED;
        if (interruptedBy != 0) return ExitCodes.SIGNAL_BASE + interruptedBy;
        if (results.stream().anyMatch(r -> !r.passed())) return ExitCodes.ASSERTION_FAILED;
        if (ignoreExit) return ExitCodes.OK;
        Exit exit = model.targetExit();
        return exit == null ? ExitCodes.TOOL_FAILED : exit.shellStatus();
    }
}
