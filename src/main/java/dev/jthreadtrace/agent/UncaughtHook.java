package dev.jthreadtrace.agent;

/**
 * The hook at the entry of {@code Thread.dispatchUncaughtException}: which thread ended by an
 * exception, and its class (the report's "main threw CLASS"). A class of its own beside
 * {@link ThreadHook}, whose rules (enter, a counted failure, never a throw) it follows.
 */
public final class UncaughtHook {
    private UncaughtHook() {}

    /**
     * A thread's uncaught exception is being dispatched ({@code Thread.dispatchUncaughtException}, which
     * HotSpot calls on the thread itself as it ends; for main, before the launcher's DestroyJavaVM): the
     * thread and the exception's class, read with {@code getClass()} (final: no user code runs). Written
     * at once: the JVM may end soon after.
     */
    public static void uncaught(Thread thread, Throwable exception) {
        if (thread.isVirtual()) return;
        HookState state = ThreadHook.enter();
        if (state == null) return;
        try {
            String exceptionClass = exception == null ? "null" : exception.getClass().getName();
            RecordWriter.write(RecordFormat.named(RecordFormat.UNCAUGHT, System.nanoTime(), ThreadHook.osTid(), thread.threadId(), exceptionClass),
                    true);
        } catch (Throwable t) {
            ThreadHook.failed("uncaught", t);
        } finally {
            state.inside = false;
        }
    }
}
