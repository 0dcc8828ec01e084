package dev.jthreadtrace.agent;

/**
 * Whether a platform thread being started is one the JDK makes for itself and keeps for the JVM's
 * life — the process reaper, HTTP's Keep-Alive-Timer, the Common-Cleaner —, which outlives main by
 * design and which no program can shut down. Told by facts, never by a name: its class is
 * {@code InnocuousThread} (final, in a package no program may use) and it has no context class
 * loader, as {@code InnocuousThread.newSystemThread} makes it (a Cleaner the program creates gets an
 * InnocuousThread with the system loader: the program's). Named by the JDK class whose code wanted
 * it: the caller of start(), past an executor of java.util.concurrent that started it for that code.
 * Checked after {@link JdkPools}, whose unblocker is such a thread too.
 */
final class JdkThreads {
    private JdkThreads() {}

    /** {@link #of}, a failure counted (the start record goes out without it) rather than thrown. */
    static String ofSafely(Thread started, ClassLoader contextLoader) {
        try {
            return of(started, contextLoader);
        } catch (Throwable t) {
            ThreadHook.failed("jdkThread", t);
            return null;
        }
    }

    /** The JDK class that started {@code started} when the JDK made it for itself, else null (the common case costs one compare). */
    static String of(Thread started, ClassLoader contextLoader) {
        Class<?> c = started.getClass();
        if (c == Thread.class || contextLoader != null || c.getClassLoader() != null || !c.getName().equals(StartingCode.INNOCUOUS)) {
            return null;
        }
        String caller = StartingCode.callerPastExecutors();
        return caller != null ? caller : StartingCode.INNOCUOUS;
    }
}
