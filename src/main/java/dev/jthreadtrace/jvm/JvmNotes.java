package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The notes that say why a JVM of the trace has no Java view, each with its own cause: the
 * decision taken at its exec ({@link JdkLaunchers}), records that never came, a PID namespace
 * of its own, or the agent's directory holding what it should not.
 */
final class JvmNotes {
    private JvmNotes() {}

    static List<String> aboutTheDirectory(AgentRecords.Read read) {
        List<String> notes = new ArrayList<>();
        if (!read.notOurs().isEmpty()) {
            notes.add("ignored entries in the agent's directory that are not its record files (regular files jvm-PID.tsv): "
                    + String.join(", ", read.notOurs()) + (read.notOurs().size() >= 5 ? ", ..." : ""));
        }
        if (read.droppedBytes() > 0 || read.droppedFiles() > 0) {
            notes.add("the agents' directory held more than the " + (AgentRecords.MAX_TOTAL_BYTES >> 20) + " MiB of records"
                    + " (or " + AgentRecords.MAX_FILES + " record files) the tool reads: " + read.droppedBytes() + " bytes"
                    + (read.droppedFiles() > 0 ? " in " + read.droppedFiles() + " files" : "") + " left unread;"
                    + " the Java view misses what they held");
        }
        return notes;
    }

    static List<String> aboutEachJvm(TraceModel model, List<JavaRecord> records, Map<Integer, JdkLaunchers.Decision> decisions,
                                     Set<Integer> attachTried, boolean outputClosed) {
        List<String> notes = new ArrayList<>();
        Set<Integer> reporting = new TreeSet<>();
        for (JavaRecord r : records) reporting.add(r.pid());
        Set<Integer> traced = new TreeSet<>();
        for (ProcessInfo p : model.processes()) traced.add(p.pid());
        // Records under a pid that is no traced process: a JVM in a PID namespace of its own (unshare,
        // a container) sees other pids than the kernel shows the tracer; they cannot be joined.
        List<Integer> foreign = reporting.stream().filter(pid -> !traced.contains(pid)).toList();
        if (!foreign.isEmpty()) {
            notes.add("a JVM reported its threads under pid " + foreign.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + ", which is no traced process: it runs in a PID namespace of its own, whose pids cannot be joined to the"
                    + " kernel's; its threads have kernel names only");
        }
        decisions.forEach((pid, decision) -> {
            switch (decision) {
                case JdkLaunchers.Decision.LeftAlone alone -> notes.add("no Java view of JVM " + pid + ": " + alone.why()
                        + "; its threads have kernel names only");
                case JdkLaunchers.Decision.Injected injected -> {
                    if (reporting.contains(pid) || !foreign.isEmpty()) return;
                    notes.add("JVM " + pid + " had the agent but wrote no records: " + (outputClosed
                            ? "the output was closed and the trace ended before its agent started"
                            : "it ended before its agent started, or the agent could not start (its errors would be on its own"
                            + " standard error)"));
                }
            }
        });
        if (decisions.isEmpty()) {
            // --jvm env: no decision per exec; a JVM that said nothing is named as such.
            for (ProcessInfo p : model.processes()) {
                boolean jvm = p.exec().stream().anyMatch(path -> path.endsWith("/java") || path.equals("java"));
                if (jvm && !reporting.contains(p.pid()) && foreign.isEmpty() && !attachTried.contains(p.pid()) && !outputClosed) {
                    notes.add("JVM " + p.pid() + " reported no Java threads (through JAVA_TOOL_OPTIONS the agent works in JDK 25"
                            + " or newer with the java.instrument module); its threads have kernel names only");
                }
            }
        }
        return notes;
    }
}
