package dev.jthreadtrace.render;

import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.List;

/**
 * What the report's SUMMARY must say of the trace itself, read from the model so a saved trace says
 * it too (the same lines go to stderr): that the trace was cut short by the tool's own CPU time
 * limit ({@code ulimit -t}: the command was killed then, not by anything of its own), and which
 * processes made themselves non-dumpable where that hid their memory from the tracer.
 */
public final class ReportNotes {
    private static final int SIGXCPU = 24;
    /** The Java view's note on a JVM whose Thread lost the agent's hooks (jvm.JvmNotes). */
    private static final String HOOKS_GONE = "java.lang.Thread was redefined without jthreadtrace's hooks";

    private ReportNotes() {}

    static List<String> of(TraceModel model) {
        List<String> notes = new ArrayList<>();
        if (model.interruptedBy() == SIGXCPU) {
            notes.add("the trace ended near the tool's own CPU time limit (ulimit -t, which it could not raise): the command was"
                    + " killed then, not by anything of its own");
        }
        notes.addAll(nonDumpable(model));
        // A JVM whose Thread lost the agent's hooks: its Java view in this report is partial.
        for (String note : model.notes()) if (note.contains(HOOKS_GONE)) notes.add(note);
        return notes;
    }

    /**
     * One note per process that made itself non-dumpable (prctl PR_SET_DUMPABLE 0) and whose memory
     * the tracer then could not read, as the trace shows (clone flags or a signal mask unread: a
     * tracer without CAP_SYS_PTRACE): what the trace says of it from then on comes from /proc or is
     * unknown. With CAP_SYS_PTRACE nothing was hidden, and nothing is said.
     */
    public static List<String> nonDumpable(TraceModel model) {
        List<String> notes = new ArrayList<>();
        for (ProcessInfo p : model.processes()) {
            if (p.madeNonDumpable() < 0 || !unread(model, p.pid())) continue;
            notes.add(p.pid() + " made itself non-dumpable " + Units.at(p.madeNonDumpable()) + " (prctl PR_SET_DUMPABLE 0):"
                    + " without CAP_SYS_PTRACE its memory cannot be read; from then on its threads' clone flags and names are"
                    + " read from /proc, and signal sets and other arguments in its memory are unknown");
        }
        return notes;
    }

    private static boolean unread(TraceModel model, int pid) {
        for (ThreadInfo t : model.threads()) {
            if (t.tgid() == pid && (!t.cloneFlagsKnown() || !t.inherited().known(Hook.SIGMASK) || !t.hooks().known(Hook.SIGMASK))) {
                return true;
            }
        }
        return false;
    }
}
