package dev.jthreadtrace.check;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.HangAnalysis;
import dev.jthreadtrace.model.TraceModel;

/**
 * The metrics a JVM's facts answer, unknown when the tool could not take those facts: a value made
 * of what it did not see reads 0, and {@code deadlocks == 0}, {@code threads.leaked == 0} or
 * {@code java.creation_sites <= N} would pass on exactly the program they are written against.
 */
final class JavaUnanswered {
    private JavaUnanswered() {}

    /**
     * Deadlocks, unknown when a JVM blocked at the end gave no lock view (attach off or refused, no
     * answer in time: its monitor waits have no owner in the kernel's view), or when a JVM's own
     * deadlock search found more cycles among its threads than the tool did (a thread dump the
     * tool could not read whole, e.g. a thread name that forges a header).
     */
    static String deadlocks(TraceModel model) {
        HangAnalysis hang = model.hang();
        for (JavaRecord.Locks view : hang.javaViews()) {
            boolean blocked = hang.blocked().stream().anyMatch(b -> b.thread().tgid() == view.pid());
            if (view.unavailable() != null && blocked) return view.unavailable() + ": its monitor and synchronizer waits have no known owner";
            long ours = hang.deadlocks().stream().filter(d -> d.cycle().stream().anyMatch(b -> b.thread().tgid() == view.pid())).count();
            if (view.deadlocksFound() > ours) return "JVM " + view.pid() + " itself found " + view.deadlocksFound() + " deadlock"
                    + (view.deadlocksFound() == 1 ? "" : "s") + " among its threads, the tool " + ours + " (its thread dump could not"
                    + " be read whole)";
        }
        // A JVM blocked when the tool ended the trace (its last look: a signal, --duration, --kill-after), which
        // asks every JVM for its lock view, but this one never asked (--jvm off): its monitor waits are as unseen.
        // A trace that ended by itself has no look and no view (its JVM exited: its waits were torn down).
        if (model.endLook() == null) return null;
        java.util.Set<Integer> asked = new java.util.HashSet<>();
        hang.javaViews().forEach(v -> asked.add(v.pid()));
        for (HangAnalysis.Blocked b : hang.blocked()) {
            int pid = b.thread().tgid();
            if (!asked.contains(pid) && ranJvm(model, pid)) {
                return "no Java lock view of JVM " + pid + " was taken (--jvm off): its monitor and synchronizer waits have no known owner";
            }
        }
        return null;
    }

    /** Whether process {@code pid} ran a HotSpot JVM: one of its tasks was named "VM Thread". */
    private static boolean ranJvm(TraceModel model, int pid) {
        return model.threads().stream().anyMatch(t -> t.tgid() == pid && t.nameHistory().contains("VM Thread"));
    }

    /** Leaks, unknown when a JVM had no Java view: its program's threads cannot be told from the JVM's own. */
    static String leaks(TraceModel model) {
        return model.leaks().unchecked().isEmpty() ? null : "not checked: " + model.leaks().unchecked().getFirst();
    }

    /**
     * Creation sites, unknown when the program's Java threads were started with no creation stack
     * recorded ({@code --java-stack 0}), or a JVM had no Java view at all (no agent: {@code --jvm off},
     * a JDK older than 25).
     */
    static String creationSites(TraceModel model) {
        if (!model.leaks().unchecked().isEmpty()) return "no creation stacks: a JVM ran without the Java view (--jvm off, or older than JDK 25)";
        if (!model.javaView().creationSites().isEmpty()) return null;
        boolean started = model.javaView().records().stream().anyMatch(r -> r instanceof JavaRecord.Started
                || r instanceof JavaRecord.Constructed c && c.virtual());
        return started ? "Java threads were started, but no creation stack was recorded (--java-stack 0)" : null;
    }
}
