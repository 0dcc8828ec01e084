package dev.jthreadtrace.agent;

import java.lang.invoke.MethodHandles;

/**
 * The agent's uses of java.base's Lookup outside the hooks (which are handed one with each call):
 * taking the agent's jar off the application class path at the start ({@link SystemClassPath}) and
 * the JVM's thread dump when {@code attach} detaches ({@link VmThreads}). The rewritten
 * {@code Thread.checkAccess()}, a no-op since JDK 24 that the JDK itself never calls, calls
 * {@link ThreadHook#javaBase} with {@code MethodHandles.lookup()} first; while {@link #run} asks, on
 * its own thread, that call does the work right there, and the Lookup goes out of scope with it:
 * never kept in a field, never returned.
 *
 * <p>A program can reach everything here (the agent's classes are in the boot loader's unnamed
 * module, open to all: it may set these fields, call these methods, define classes in this package),
 * so what is done with the Lookup is one of the {@link Purpose}s, each a fixed static method of the
 * agent: no callback, nothing a program can subclass or supply is ever handed the Lookup. A program
 * that sets the fields and calls {@code checkAccess()} gets a purpose done, never the Lookup.
 *
 * <p>{@code checkAccess()} is deprecated for removal: a JDK without it, or one whose
 * {@code checkAccess()} throws (a patched {@code java.base}), only leaves the work undone, and
 * {@link #run} says why; the hooks and the rest of the agent do not depend on it.
 */
final class JavaBaseHandOver {
    /** What is done with the Lookup, inside the hand-over: an enum (final: no program's subclass) dispatched to fixed code. */
    enum Purpose {
        /** {@link SystemClassPath#leave}: the agent's jar in the run's directory off the application class path. */
        LEAVE_CLASS_PATH,
        /** {@link ThreadHook#vmThreads}: the D records of the JVM's thread dump, at a detach. */
        VM_THREADS,
        /** Nothing: whether the hooks in Thread are still there ({@link #hooksGone}). */
        PROBE
    }

    /** The thread that asks now, what for and the run's directory; cleared when the Lookup was used, so it is used once. */
    private static Thread asking;
    private static Purpose purpose;
    private static String directory;
    private static Throwable failed;
    private static boolean done;
    /** Whether a hand-over worked once: Thread had the hooks (a JDK without checkAccess() never hands over). */
    private static boolean handedOverOnce;

    private JavaBaseHandOver() {}

    /**
     * Does {@code what} with java.base's Lookup ({@code directory}: the run's, for
     * {@link Purpose#LEAVE_CLASS_PATH}); null when it ran, else why not (for the agent's error line).
     */
    @SuppressWarnings("removal")
    static synchronized String run(Purpose what, String directory) {
        asking = Thread.currentThread();
        purpose = what;
        JavaBaseHandOver.directory = directory;
        done = false;
        failed = null;
        Throwable thrown = null;
        try {
            Thread.currentThread().checkAccess();
        } catch (Throwable t) {
            // A patched checkAccess() that throws: the hand-over came first, at its entry. A JDK
            // without it: NoSuchMethodError, nothing handed over.
            thrown = t;
        } finally {
            asking = null;
            purpose = null;
            JavaBaseHandOver.directory = null;
        }
        if (failed != null) return "with java.base's Lookup: " + failed;
        if (done) handedOverOnce = true;
        if (done) return null;
        return "Thread.checkAccess() handed over no Lookup" + (thrown == null ? "" : ": " + thrown);
    }

    /**
     * Whether the hooks put into Thread are gone, as when another agent redefined it with its own
     * class file (a Launcher-Agent-Class, an APM agent): its checkAccess() handed java.base's
     * Lookup over before and hands nothing over now. Threads started since have no Java view.
     */
    static boolean hooksGone() {
        return handedOverOnce && run(Purpose.PROBE, null) != null;
    }

    /**
     * From {@link ThreadHook#javaBase}: on the asking thread, while it asks, the purpose is done with
     * the Lookup, once. Compared with {@code ==}, not a {@code switch}: an enum switch reads an array
     * of a synthetic class, which a program could rewrite (it would only choose another purpose).
     */
    static void handedOver(MethodHandles.Lookup lookup) {
        Purpose what = purpose;
        String in = directory;
        if (what == null || asking != Thread.currentThread() || !JdkFields.handedOverBy(lookup, Thread.class)) return;
        purpose = null;
        try {
            if (what == Purpose.LEAVE_CLASS_PATH && in != null) SystemClassPath.leave(in, lookup);
            else if (what == Purpose.VM_THREADS) ThreadHook.vmThreads(false, lookup);
        } catch (Throwable t) {
            failed = t;
        }
        done = true;
    }
}
