package dev.jthreadtrace.agent;

import java.lang.invoke.MethodHandles;

/**
 * The agent's uses of java.base's Lookup outside the hooks (which are handed one with each call):
 * taking the agent's jar off the application class path at the start ({@link SystemClassPath}) and
 * the JVM's thread dump when {@code attach} detaches ({@link VmThreads}). The rewritten
 * {@code Thread.checkAccess()}, a no-op since JDK 24 that the JDK itself never calls, calls
 * {@link ThreadHook#javaBase} with {@code MethodHandles.lookup()} first; while {@link #run} asks, on
 * its own thread, that call does the work right there, and the Lookup goes out of scope with it:
 * never kept in a field, never returned (a program that calls {@code checkAccess()}, or this class
 * by reflection, is handed nothing).
 *
 * <p>{@code checkAccess()} is deprecated for removal: a JDK without it, or one whose
 * {@code checkAccess()} throws (a patched {@code java.base}), only leaves the work undone, and
 * {@link #run} says why; the hooks and the rest of the agent do not depend on it.
 */
final class JavaBaseHandOver {
    /** What is done with the Lookup, inside the hand-over. */
    abstract static class Use {
        abstract void with(MethodHandles.Lookup javaBase) throws Throwable;
    }

    /** The thread that asks now and what it asks for; cleared when the Lookup was used, so it is used once. */
    private static Thread asking;
    private static Use use;
    private static Throwable failed;
    private static boolean done;

    private JavaBaseHandOver() {}

    /** Runs {@code what} with java.base's Lookup; null when it ran, else why not (for the agent's error line). */
    @SuppressWarnings("removal")
    static synchronized String run(Use what) {
        asking = Thread.currentThread();
        use = what;
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
            use = null;
        }
        if (failed != null) return "with java.base's Lookup: " + failed;
        if (done) return null;
        return "Thread.checkAccess() handed over no Lookup" + (thrown == null ? "" : ": " + thrown);
    }

    /** From {@link ThreadHook#javaBase}: on the asking thread, while it asks, the work is done with the Lookup, once. */
    static void handedOver(MethodHandles.Lookup lookup) {
        Use what = use;
        if (what == null || asking != Thread.currentThread() || !JdkFields.handedOverBy(lookup, Thread.class)) return;
        use = null;
        try {
            what.with(lookup);
        } catch (Throwable t) {
            failed = t;
        }
        done = true;
    }
}
