package dev.jthreadtrace.cli;

import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.jsonl.PerfettoTrace;
import dev.jthreadtrace.session.Interrupts;
import dev.jthreadtrace.session.TraceSession;
import dev.jthreadtrace.sys.Libc;

import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.jvm.JvmAgent;
import dev.jthreadtrace.ptrace.ExecArguments;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.TraceFailure;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.SyscallSummary;
import dev.jthreadtrace.render.ThreadNames;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.OutputClosedException;
import dev.jthreadtrace.render.OutputFailedException;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.render.TextLines;
import picocli.CommandLine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flow shared by {@code run} and {@code demo}: validate everything before the target starts,
 * trace, write the report (or the JSONL final records), evaluate assertions, choose the exit code.
 */
final class Runner {
    private static final int SIGQUIT = 3;

    private Runner() {}

    /** What is traced: a command started under the tracer, or running processes attached to. */
    sealed interface Target {
        /** {@code run}/{@code demo}: start {@code command} with {@code environment}. */
        record Launch(List<String> command, Map<String, String> environment) implements Target {}

        /** {@code attach}: seize {@code pids}; detach after {@code duration} (null: on a signal or their exit). */
        record Attach(List<Integer> pids, java.time.Duration duration) implements Target {}
    }

    static int trace(CommandLine.Model.CommandSpec spec, List<String> command, Map<String, String> environment,
                     TraceOptions traceOptions, OutputOptions outputOptions, AssertOptions assertOptions) {
        return trace(spec, new Target.Launch(command, environment), traceOptions, outputOptions, assertOptions);
    }

    static int trace(CommandLine.Model.CommandSpec spec, Target target, TraceOptions traceOptions, OutputOptions outputOptions,
                     AssertOptions assertOptions) {
        try (OutputFiles files = new OutputFiles()) {
            return trace(spec, target, traceOptions, outputOptions, assertOptions, files);
        }
    }

    private static int trace(CommandLine.Model.CommandSpec spec, Target target, TraceOptions traceOptions,
                             OutputOptions outputOptions, AssertOptions assertOptions, OutputFiles files) {
        PrintWriter err = spec.commandLine().getErr();
        boolean attach = target instanceof Target.Attach;
        Map<String, String> environment = target instanceof Target.Launch l ? l.environment() : System.getenv();
        TraceSelection selection;
        Set<ReportSection> sections;
        AssertOptions.Checks checks;
        java.time.Duration killAfter;
        SyscallSummary.Sort summarySort;
        LineOptions lineOptions;
        boolean byThread;
        try {
            byThread = traceOptions.summaryByThread();
            lineOptions = traceOptions.lineOptions();
            killAfter = traceOptions.killAfter();
            selection = traceOptions.selection();
            summarySort = traceOptions.summarySort();
            // -c: strace's table alone, as strace -c prints nothing else.
            sections = traceOptions.summaryOnly ? java.util.EnumSet.noneOf(ReportSection.class) : outputOptions.sections();
            checks = assertOptions.parse();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        List<OutputFiles.Named> outputs = new java.util.ArrayList<>(outputOptions.outputs());
        outputs.addAll(assertOptions.outputs());
        String clash = OutputFiles.clash(assertOptions.inputs(), outputs);
        if (clash != null) throw new CommandLine.ParameterException(spec.commandLine(), clash);
        boolean jsonl = outputOptions.format == OutputOptions.Format.jsonl;
        boolean perfetto = outputOptions.format == OutputOptions.Format.perfetto;
        boolean summaryTable = traceOptions.summaryOnly || traceOptions.summary;
        if (byThread && !summaryTable) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--summary-by thread splits the -c/-C table: add -c or -C");
        }
        if ((jsonl || perfetto) && summaryTable) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-c/-C print strace's table, a text format:"
                    + " use them with --format text (the JSONL has every syscall record to count, and its summary the table's figures)");
        }
        // The -c table and the syscalls.* metrics count the shown calls: those must be traced, lines or not.
        boolean countsShownCalls = traceOptions.summaryOnly || checks.assertions().stream().anyMatch(a -> a.metric().bySyscall());
        selection = traceOptions.noLive && !jsonl && !perfetto && !countsShownCalls ? selection.modelOnly(neededFamilies(sections, checks))
                : selection.alsoRecording(neededFamilies(sections, checks));
        if (traceOptions.stringLimit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--string-limit must be 0 or more");
        }
        if (traceOptions.javaStack < 0 || traceOptions.javaStack > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--java-stack takes 0 to 256 frames");
        }

        if (attach && (traceOptions.killAfter != null || traceOptions.noSeccomp || assertOptions.ignoreExit)) {
            throw new CommandLine.ParameterException(spec.commandLine(), (traceOptions.killAfter != null ? "--kill-after"
                    : traceOptions.noSeccomp ? "--no-seccomp" : "--ignore-exit") + " applies to run: attach never kills"
                    + " or filters what it attached to, and exits 0 unless an assertion fails");
        }
        if (target instanceof Target.Launch launch) {
            switch (CommandResolver.resolve(launch.command().getFirst(), environment.get("PATH"))) {
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
        }

        if (perfetto && outputOptions.writesToStdout() && !attach) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format perfetto needs -o FILE: the traced"
                    + " command's own output on standard output would break the JSON");
        }
        if (jsonl && outputOptions.writesToStdout() && !attach) {
            err.println("jthreadtrace: note: JSONL goes to standard output, which the traced command shares: its own output"
                    + " is mixed in (report and check skip those lines); use -o FILE to keep them apart");
        }
        // Files written at the end are checked now (a run of minutes must not be lost to a typo), FIFOs opened.
        String outputProblem = files.prepare(outputs);
        if (outputProblem != null) {
            err.println("jthreadtrace: " + outputProblem);
            return ExitCodes.TOOL_FAILED;
        }
        OutputStream stream;
        try {
            stream = outputOptions.writesToStdout() ? new FileOutputStream(java.io.FileDescriptor.out) : files.open(outputOptions.output);
        } catch (IOException e) {
            err.println("jthreadtrace: " + FileProblems.cannotWrite(outputOptions.output, e));
            return ExitCodes.TOOL_FAILED;
        }
        Palette palette = outputOptions.palette();
        // On stdout (usually a pipe or a terminal), notice a reader that went away even while the command is quiet.
        java.util.function.BooleanSupplier readerGone = outputOptions.writesToStdout() ? () -> Libc.pollError(1) : () -> false;
        String destination = outputOptions.writesToStdout() ? "standard output" : outputOptions.output.toString();
        try (Output out = new Output(stream, !outputOptions.writesToStdout(), readerGone)) {
            JvmAgent agent = traceOptions.jvm == TraceOptions.JvmMode.off ? null : prepareAgent(err);
            if (agent != null) agent.creationStacks(traceOptions.javaStack, traceOptions.javaStackAll, traceOptions.javaStackVirtual);
            LiveSink live;
            JsonLines jsonLines = jsonl ? new JsonLines(out, traceOptions.stringLimit, selection.shown()) : null;
            PerfettoTrace perfettoTrace = perfetto ? new PerfettoTrace(out, selection.shown(), traceOptions.stringLimit) : null;
            if (jsonl) live = jsonLines;
            else if (perfetto) live = perfettoTrace;
            else if (traceOptions.noLive || traceOptions.summaryOnly) live = LiveSink.NONE;
            else if (agent == null) live = new TextLines(out, palette, selection.shown(), lineOptions, ThreadNames.KERNEL);
            else live = agent.liveNames().then(new TextLines(out, palette, selection.shown(), lineOptions, agent.liveNames()));

            TraceSession.Outcome outcome;
            try {
                // SIGQUIT belongs to a traced JVM (Ctrl-\\ asks it for a thread dump): the tool's own JVM
                // would print its dump into the trace, and its handler cannot be replaced from Java.
                Libc.ignoreSignal(SIGQUIT);
                Interrupts interrupts = new Interrupts(killAfter, line -> {
                    err.println("jthreadtrace: " + line);
                    err.flush();
                });
                boolean viaEnvironment = agent != null && traceOptions.jvm == TraceOptions.JvmMode.env;
                ExecArguments execArguments = agent == null || viaEnvironment ? ExecArguments.NONE : agent.execArguments(environment);
                boolean[] recorded = selection.recorded();
                TraceSession.TracerStart start;
                Thread[] jvmAttach = new Thread[1];
                if (target instanceof Target.Attach a) {
                    start = queue -> {
                        var tracer = dev.jthreadtrace.ptrace.Tracer.attach(a.pids(), recorded, execArguments, queue);
                        jvmAttach[0] = attachJvms(a.pids(), agent);
                        if (a.duration() != null) detachAfter(tracer, a.duration());
                        return tracer;
                    };
                } else {
                    Target.Launch launch = (Target.Launch) target;
                    start = queue -> dev.jthreadtrace.ptrace.Tracer.start(launch.command(),
                            viaEnvironment ? agent.environment(environment) : environment, recorded, execArguments,
                            !traceOptions.noSeccomp, queue);
                }
                outcome = TraceSession.run(start, live, out::idle, interrupts);
                if (jvmAttach[0] != null) {
                    jvmAttach[0].join(30_000);
                    agent.stopInRunningJvms();
                }
                if (agent != null) agent.attachTo(outcome.model());
            } catch (TraceFailure e) {
                err.println("jthreadtrace: " + e.getMessage());
                return ExitCodes.TOOL_FAILED;
            } finally {
                if (agent != null) agent.close();
            }
            for (String note : outcome.model().notes()) err.println("jthreadtrace: note: " + Escape.text(note));
            if (traceOptions.stats) printStats(err, outcome);
            if (outcome.outputClosed()) return ExitCodes.OUTPUT_CLOSED;
            if (outcome.seccompStatus().startsWith("on") && outcome.model().commandUsedSeccomp()) {
                err.println("jthreadtrace: warning: the traced command uses seccomp itself; under jthreadtrace's own filter its"
                        + " SECCOMP_RET_TRACE rules and strict mode do not behave as untraced: use --no-seccomp to be sure");
            }
            if (!traceOptions.noSeccomp && outcome.seccompStatus().contains("failed")) {
                err.println("jthreadtrace: note: seccomp filter " + outcome.seccompStatus() + "; traced every syscall instead");
            }
            TraceModel model = outcome.model();
            if (model.tracerFailure() != null) {
                err.println("jthreadtrace: the tracer failed (" + model.tracerFailure() + "); the traced "
                        + (attach ? "processes were let go (they run on)" : "command was killed") + "; reporting what was traced so far");
            }
            if (attach && !traceOptions.quiet()) printDetached(err, model);
            if (outcome.interruptedBy() != 0) {
                err.println("jthreadtrace: stopped by signal " + outcome.interruptedBy()
                        + "; the traced command was killed; reporting what was traced so far");
            }
            List<AssertionResult> results = checks.assertions().isEmpty() ? List.of() : checks.evaluate(model);
            String outputFailure = outcome.outputFailure();
            if (outputFailure == null) {
                try {
                    if (jsonl) jsonLines.finalRecords(model, results);
                    else if (perfetto) {
                        perfettoTrace.finish(model);
                        checks.printTable(results, err::println);
                    } else {
                        if (!traceOptions.summaryOnly) new Report(model, palette, outputOptions.width(), out::line).render(sections);
                        if (summaryTable && byThread) SyscallSummary.renderByThread(model, selection.shown(), summarySort, out::line);
                        else if (summaryTable) SyscallSummary.render(model, selection.shown(), summarySort, out::line);
                        checks.printTable(results, out::line);
                    }
                    out.flush();
                } catch (OutputClosedException e) {
                    return ExitCodes.OUTPUT_CLOSED;
                } catch (OutputFailedException e) {
                    outputFailure = e.getMessage();
                }
            }
            if (!checks.writeJunit(results, err, files)) return ExitCodes.TOOL_FAILED;
            if (!outputOptions.writeHtml(model, results, err, files)) return ExitCodes.TOOL_FAILED;
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
            if (attach) return results.stream().anyMatch(r -> !r.passed()) ? ExitCodes.ASSERTION_FAILED : ExitCodes.OK;
            return exitCode(model, outcome.interruptedBy(), results, assertOptions.ignoreExit);
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

    /**
     * attach: the agent goes into each JVM among {@code pids} through the Attach API, on a thread of
     * its own (the JVM answers only while the tracer keeps resuming it); null when there is none.
     */
    private static Thread attachJvms(List<Integer> pids, JvmAgent agent) {
        if (agent == null) return null;
        List<Integer> jvms = pids.stream().filter(dev.jthreadtrace.jvm.JvmAttach::isJvm).toList();
        if (jvms.isEmpty()) return null;
        return Thread.ofPlatform().daemon().name("jthreadtrace-jvm-attach").start(() -> {
            for (int pid : jvms) agent.attachToRunningJvm(pid);
        });
    }

    /** {@code --duration}: a daemon timer that lets the attached processes go. */
    private static void detachAfter(dev.jthreadtrace.ptrace.Tracer tracer, java.time.Duration duration) {
        Thread.ofPlatform().daemon().name("jthreadtrace-duration").start(() -> {
            try {
                Thread.sleep(duration);
                tracer.requestDetach();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** After an attach: whether the processes were let go (they run on) or ended under the trace. */
    private static void printDetached(PrintWriter err, TraceModel model) {
        if (model.detachedTasks() >= 0) {
            err.println("jthreadtrace: detached from " + model.detachedTasks() + " task" + (model.detachedTasks() == 1 ? "" : "s")
                    + " after " + String.format(java.util.Locale.ROOT, "%.3f", model.endNs() / 1e9) + " s; the processes run on untraced");
        } else if (model.tracerFailure() == null) {
            err.println("jthreadtrace: the attached processes exited during the trace");
        }
    }

    /** The JVM agent, or null (with one line on err) when its jar is missing: the trace goes on without it. */
    private static JvmAgent prepareAgent(PrintWriter err) {
        try {
            return JvmAgent.prepare(JvmAgent.defaultAgentJar());
        } catch (IOException e) {
            err.println("jthreadtrace: note: no Java-level view (" + e.getMessage() + ")");
            return null;
        }
    }

    /** --stats: one line about the tracer's own work, for benchmarks and the curious. */
    private static void printStats(PrintWriter err, TraceSession.Outcome outcome) {
        var s = outcome.stats();
        err.printf(java.util.Locale.ROOT, "jthreadtrace: stats: %d stops, %d events, tracer busy %.1f us/stop, seccomp %s, peak RSS %d KiB,"
                        + " AOT cache %s%n", s.stops(), s.events(), s.busyMicrosPerStop(), outcome.seccompStatus(), peakRssKib(),
                aotCache());
        err.flush();
    }

    /**
     * Whether this JVM started from the launcher's AOT cache of the tool's classes: "on" when the
     * JVM has the cache file mapped (it maps it only after validating it), else "off".
     */
    static String aotCache() {
        try (var lines = Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return lines.anyMatch(l -> l.endsWith(".aot")) ? "on" : "off";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** VmHWM of this JVM, from /proc/self/status (read at the end, never from the ptrace loop). */
    static long peakRssKib() {
        return dev.jthreadtrace.sys.ProcStatus.self().number("VmHWM", -1);
    }

    /** The syscalls the chosen report sections and assertions need recorded even when -e does not show them. */
    static List<String> neededFamilies(Set<ReportSection> sections, AssertOptions.Checks checks) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (ReportSection section : sections) out.addAll(section.needs());
        for (var a : checks.assertions()) out.addAll(a.metric().needs());
        return List.copyOf(out);
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
