package dev.jthreadtrace.session;

import dev.jthreadtrace.ptrace.Tracer;
import dev.jthreadtrace.sys.CpuTimeLimit;

/**
 * The tool's own CPU time under {@code ulimit -t} (RLIMIT_CPU), which counts the CPU of a whole
 * process and is inherited: a limit meant for the command held the tool too, whose CPU per stop of
 * the command is far more than the command's own, so a syscall-heavy command took the tool over its
 * limit first (SIGXCPU killed it at a soft limit, SIGKILL at a hard one, EXITKILL took the command
 * with it, and the trace was lost).
 *
 * <p>At its start the tool raises its own soft limit to the hard one, and gives the command the
 * limit it was started with ({@link #commandLimit}, set in the start gate). A hard limit it cannot
 * raise: it watches its own CPU time, and {@link #margin} seconds below the limit it ends the trace
 * as a second Ctrl-C would, the report written (the command killed; attached processes let go),
 * where the kernel's SIGKILL would have ended both without a word. (It watches rather than waits
 * for a SIGXCPU at a lower soft limit: the launcher runs the JVM with {@code -Xrs}, under which the
 * JDK delivers no signal to a Java handler.)
 */
public final class CpuBudget {
    public static final int SIGXCPU = 24;
    private static final long WATCH_MILLIS = 50;
    private static CpuTimeLimit original;
    /** The tool's CPU time (ns) at which the trace ends; 0: no hard limit, no end. */
    private static long endAtNanos;
    private static volatile Tracer tracing;
    private static volatile boolean reached;

    private CpuBudget() {}

    /** At the tool's start (run, attach, demo): once; later calls change nothing. */
    public static synchronized void takeOver() {
        if (original != null) return;
        original = CpuTimeLimit.ofSelf();
        if (original == null) return;
        CpuTimeLimit own = new CpuTimeLimit(original.hard(), original.hard());
        if (!own.equals(original) && !own.applyToSelf()) original = own = CpuTimeLimit.ofSelf();
        if (own == null || !own.hardLimited()) return;
        endAtNanos = Math.max(1, own.hard() - margin(own.hard())) * 1_000_000_000L;
        Thread.ofPlatform().daemon().name("jthreadtrace-cpu-time").start(CpuBudget::watch);
    }

    /**
     * How many seconds below a hard limit the tool ends the trace, to write the report: one second
     * of CPU for a small limit, two from 8 s on.
     */
    static long margin(long hard) {
        return hard >= 8 ? 2 : 1;
    }

    /** The limit the command gets when the tool changed its own ({@code ulimit -t} as given); null otherwise. */
    public static synchronized CpuTimeLimit commandLimit() {
        return original == null || original.soft() == original.hard() ? null : original;
    }

    /**
     * One line for the start of a trace under a hard limit the tool cannot raise, or null: when the
     * trace will end, and what happens to the command then.
     */
    public static synchronized String startNote(boolean attach) {
        if (endAtNanos == 0) return null;
        return "ulimit -t " + original.hard() + ": the hard CPU time limit holds the tool's own CPU time too, and it cannot raise it;"
                + " after " + endAtNanos / 1_000_000_000L + " s of it the trace ends, the report written, and the " + (attach
                ? "processes are let go" : "traced command is killed") + " (raise the hard limit, or trace with -e fewer calls)";
    }

    /** Whether the tool's CPU time came near its hard limit during this run: the trace ended there. */
    public static boolean reached() {
        return reached;
    }

    /**
     * The line for the end of a trace the limit ended, or null. {@code attach}: the processes were
     * let go, not killed.
     */
    public static synchronized String endLine(boolean attach) {
        if (!reached) return null;
        return "the tool used " + endAtNanos / 1_000_000_000L + " s of CPU time, near its hard limit (ulimit -t " + original.hard()
                + "); the traced " + (attach ? "processes were let go (they run on)" : "command was killed")
                + "; reporting what was traced so far";
    }

    /** The trace that the limit ends from now on ({@code null}: none, the trace is over). */
    static void during(Tracer tracer) {
        tracing = tracer;
        if (tracer != null && reached) tracer.requestStop(SIGXCPU);
    }

    private static void watch() {
        try {
            while (CpuTimeLimit.usedNanos() < endAtNanos) Thread.sleep(WATCH_MILLIS);
        } catch (InterruptedException e) {
            return;
        }
        reached = true;
        Tracer tracer = tracing;
        if (tracer != null) tracer.requestStop(SIGXCPU);
    }
}
