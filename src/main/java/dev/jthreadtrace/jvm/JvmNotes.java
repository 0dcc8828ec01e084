package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.RecordFormat;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.TraceModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The notes that say why a JVM of the trace has no Java view, each with its own cause: the
 * decision taken at its exec ({@link JdkLaunchers}), records that never came, records of no
 * traced process, or the agent's directory holding what it should not.
 */
final class JvmNotes {
    /**
     * Why a JVM that had the agent wrote nothing, when its runtime could take it: the agent says
     * nothing itself when it cannot start (it must leave the JVM as it was), and a JVM that fails
     * at start (a bad option) ends before any agent runs.
     */
    static final String NOT_STARTED = "it ended before its agent started (as a JVM that fails at start does), or the agent"
            + " could not start, which it does silently, leaving the JVM as it was";

    private JvmNotes() {}

    /**
     * {@code --jvm env}: no decision was taken at the exec, so the runtime that was run ({@code
     * java}, as the exec named it) is read now: too old, or without java.instrument, is the cause
     * only when it is so.
     */
    static String whyNotThroughTheEnvironment(String java) {
        JdkRelease release = null;
        Path home = null;
        try {
            Path named = Path.of(java);
            Path real = named.isAbsolute() ? named.toRealPath() : null;
            home = real == null || real.getParent() == null ? null : real.getParent().getParent();
            if (home != null) release = JdkRelease.read(home.resolve("release"));
        } catch (IOException | RuntimeException e) {
            // gone, or named without its directory: the cause stays open
        }
        if (release == null) {
            return (home == null ? "its runtime could not be read" : "its runtime " + home + " has no release file to tell its version")
                    + "; through JAVA_TOOL_OPTIONS the agent works in JDK 25 or newer with the java.instrument module";
        }
        if (release.feature() < 25) return "it is JDK " + release.feature() + " (the agent needs JDK 25 or newer)";
        if (!release.modules().isEmpty() && !release.hasModule("java.instrument")) {
            return "its runtime " + home + " has no java.instrument module, which agents need";
        }
        return NOT_STARTED;
    }

    /** Whether the program at {@code path} (as the exec named it) is a JDK launcher: an ELF file that needs libjli.so. */
    static boolean isJdkLauncher(String path) {
        try {
            return ElfDependencies.of(Path.of(path)).contains("libjli.so");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The start of the note on a JVM whose Thread lost the agent's hooks (the report's SUMMARY repeats it). */
    public static final String HOOKS_GONE = "java.lang.Thread was redefined without jthreadtrace's hooks";

    /**
     * The agent's error line of JVM {@code pid} ({@code COUNT\tFIRST}): the hooks found gone at its
     * exit (another agent redefined Thread with its own class file) is said as what it costs.
     */
    static String agentErrors(int pid, String errors) {
        if (errors.contains("\t" + RecordFormat.HOOKS_GONE + ": ")) {
            return "JVM " + pid + ": " + HOOKS_GONE + " (another agent in it, or a retransformation, replaced them): the threads it"
                    + " started after that have no Java view (no Java name, creator or creation site)";
        }
        return "the agent in JVM " + pid + " swallowed errors: " + errors.replace('\t', ' ');
    }

    static List<String> aboutTheDirectory(AgentRecords.Read read) {
        List<String> notes = new ArrayList<>();
        if (!read.notOurs().isEmpty()) {
            notes.add("ignored entries in the agent's directory that are not its record files (regular files jvm-PID.tsv): "
                    + String.join(", ", read.notOurs()) + (read.notOurs().size() >= 5 ? ", ..." : ""));
        }
        String unread = read.droppedBytes() + " bytes" + (read.droppedFiles() > 0 ? " in " + read.droppedFiles() + " files" : "") + " left unread";
        if (read.keptFull()) {
            notes.add("the agents' records past the first " + read.records().size() + " were dropped (about "
                    + (AgentRecords.MAX_KEPT_BYTES >> 20) + " MiB of the tool's memory, the most it keeps of them): " + unread
                    + "; the Java view holds the records before them");
        } else if (read.droppedBytes() > 0 || read.droppedFiles() > 0) {
            notes.add("the agents' directory held more than the " + (AgentRecords.MAX_TOTAL_BYTES >> 20) + " MiB of records"
                    + " (or " + AgentRecords.MAX_FILES + " record files) the tool reads: " + unread + "; the Java view misses what they held");
        }
        return notes;
    }

    /**
     * @param decisions    what became of each JDK launcher's exec ({@link JdkLaunchers})
     * @param decidedAtExec the tracer looked at every exec for a JDK launcher (the default route): a
     *                     process with no decision ran none, whatever its file is called
     */
    static List<String> aboutEachJvm(TraceModel model, List<JavaRecord> records, Map<Integer, JdkLaunchers.Decision> decisions,
                                     boolean decidedAtExec, Set<Integer> attachTried, boolean outputClosed) {
        List<String> notes = new ArrayList<>();
        Set<Integer> reporting = new TreeSet<>();
        for (JavaRecord r : records) reporting.add(r.pid());
        Set<Integer> traced = new TreeSet<>();
        for (ProcessInfo p : model.processes()) traced.add(p.pid());
        // Records under a pid that is no traced process, once the pids of JVMs in PID namespaces of
        // their own were turned into the kernel's (NamespaceIds): forged, or ambiguous.
        List<Integer> foreign = reporting.stream().filter(pid -> !traced.contains(pid)).toList();
        if (!foreign.isEmpty()) {
            notes.add("records in the agents' directory name pid " + foreign.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + ", which is no traced process, nor the pid of exactly one traced process inside its own PID namespace:"
                    + " JVMs in different PID namespaces that had the same pid there, or the traced program forged them"
                    + (model.folded().any() ? ", or a JVM whose tasks folded past --keep-ended" : "") + ";"
                    + " they are not joined, and such a JVM's threads have kernel names only");
        }
        decisions.forEach((pid, decision) -> {
            switch (decision) {
                case JdkLaunchers.Decision.LeftAlone alone -> notes.add("no Java view of JVM " + pid + ": " + alone.why()
                        + "; its threads have kernel names only");
                case JdkLaunchers.Decision.Injected injected -> {
                    if (reporting.contains(pid) || !foreign.isEmpty()) return;
                    notes.add("JVM " + pid + " had the agent but wrote no records: " + (outputClosed
                            ? "the output was closed and the trace ended before its agent started" : NOT_STARTED));
                }
            }
        });
        if (!decidedAtExec) {
            // --jvm env (or attach): no decision per exec; a JVM that said nothing is named as such. A JVM is
            // told by a fact, as at an exec: its program is a JDK launcher (needs libjli.so), not any file named java.
            for (ProcessInfo p : model.processes()) {
                String java = p.exec().stream().filter(path -> path.endsWith("/java") || path.equals("java")).reduce((a, b) -> b).orElse(null);
                if (java != null && !reporting.contains(p.pid()) && foreign.isEmpty() && !attachTried.contains(p.pid()) && !outputClosed
                        && isJdkLauncher(java)) {
                    notes.add("JVM " + p.pid() + " reported no Java threads: " + whyNotThroughTheEnvironment(java)
                            + "; its threads have kernel names only");
                }
            }
        }
        return notes;
    }
}
