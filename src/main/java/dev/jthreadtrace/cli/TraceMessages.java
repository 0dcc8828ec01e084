package dev.jthreadtrace.cli;

import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.ReportNotes;
import dev.jthreadtrace.session.CpuBudget;
import dev.jthreadtrace.session.TraceSession;
import dev.jthreadtrace.sys.ProcStatus;
import dev.jthreadtrace.text.Escape;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the tool says on standard error once a trace is over, before the report: the Java view's
 * notes, --stats, the seccomp warnings, a tracer failure, an attach's detach, a signal that ended it.
 */
final class TraceMessages {
    private TraceMessages() {}

    static void afterTrace(PrintWriter err, TraceSession.Outcome outcome, TraceOptions options, boolean attach) {
        TraceModel model = outcome.model();
        if (outcome.launchNote() != null) err.println("jthreadtrace: note: " + outcome.launchNote());
        for (String note : model.notes()) err.println("jthreadtrace: note: " + Escape.text(note));
        for (String note : outcome.privilegeNotes()) err.println("jthreadtrace: note: " + Escape.text(note));
        if (model.futex().sharedMappingsNote() != null) err.println("jthreadtrace: note: " + model.futex().sharedMappingsNote());
        for (String note : ReportNotes.nonDumpable(model)) err.println("jthreadtrace: note: " + note);
        if (options.stats) printStats(err, outcome);
        if (outcome.outputClosed()) return;
        if (outcome.seccompStatus().active() && model.commandUsedSeccomp()) {
            err.println("jthreadtrace: warning: the traced command uses seccomp itself; under jthreadtrace's own filter its"
                    + " SECCOMP_RET_TRACE rules and strict mode do not behave as untraced: use --no-seccomp to be sure");
        }
        if (!options.noSeccomp && outcome.seccompStatus().failed()) {
            String advice = outcome.seccompStatus().advice();
            err.println("jthreadtrace: " + (advice != null ? advice
                    : "note: seccomp filter " + outcome.seccompStatus() + "; traced every syscall instead"));
        }
        if (model.tracerFailure() != null) {
            err.println("jthreadtrace: the tracer failed (" + model.tracerFailure() + "); the traced "
                    + (attach ? "processes were let go (they run on)" : "command was killed") + "; reporting what was traced so far");
        }
        if (attach && !options.quiet()) printDetached(err, model);
        String cpuLimit = CpuBudget.endLine(attach);
        if (cpuLimit != null) {
            err.println("jthreadtrace: " + cpuLimit);
        } else if (outcome.interruptedBy() != 0) {
            err.println("jthreadtrace: stopped by signal " + outcome.interruptedBy()
                    + "; the traced command was killed; reporting what was traced so far");
        }
    }

    /** After an attach: whether the processes were let go (they run on) or ended under the trace. */
    private static void printDetached(PrintWriter err, TraceModel model) {
        if (model.detachedTasks() >= 0) {
            err.println("jthreadtrace: detached from " + model.detachedTasks() + " task" + (model.detachedTasks() == 1 ? "" : "s")
                    + " after " + String.format(Locale.ROOT, "%.3f", model.endNs() / 1e9) + " s; the processes run on untraced");
        } else if (model.tracerFailure() == null) {
            err.println("jthreadtrace: the attached processes exited during the trace");
        }
    }

    /** --stats: one line about the tracer's own work, for benchmarks and the curious. */
    private static void printStats(PrintWriter err, TraceSession.Outcome outcome) {
        var s = outcome.stats();
        err.printf(Locale.ROOT, "jthreadtrace: stats: %d stops, %d events, tracer busy %.1f us/stop, seccomp %s, peak RSS %d KiB,"
                        + " AOT cache %s%n", s.stops(), s.events(), s.busyMicrosPerStop(), outcome.seccompStatus(), peakRssKib(),
                aotCache());
        err.flush();
    }

    /**
     * Whether this JVM started from the launcher's AOT cache of the tool's classes: "on" when the
     * JVM has the cache file mapped (it maps it only after validating it), else "off".
     */
    static String aotCache() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.anyMatch(l -> l.endsWith(".aot")) ? "on" : "off";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** VmHWM of this JVM, from /proc/self/status (read at the end, never from the ptrace loop). */
    static long peakRssKib() {
        return ProcStatus.self().number("VmHWM", -1);
    }
}
