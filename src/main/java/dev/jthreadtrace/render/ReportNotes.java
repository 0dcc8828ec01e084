package dev.jthreadtrace.render;

import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.List;

/**
 * What the report's SUMMARY must say of the trace itself, read from the model so a saved trace says
 * it too: that the trace was cut short by the tool's own CPU time limit ({@code ulimit -t}: the
 * command was killed then, not by anything of its own).
 */
final class ReportNotes {
    private static final int SIGXCPU = 24;

    private ReportNotes() {}

    static List<String> of(TraceModel model) {
        List<String> notes = new ArrayList<>();
        if (model.interruptedBy() == SIGXCPU) {
            notes.add("the trace ended near the tool's own CPU time limit (ulimit -t, which it could not raise): the command was"
                    + " killed then, not by anything of its own");
        }
        return notes;
    }
}
