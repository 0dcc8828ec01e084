package dev.jthreadtrace.agent;

import java.lang.invoke.MethodHandles;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Whether a platform thread being started belongs to one of the pools the JDK itself owns for the
 * JVM's whole life — {@code ForkJoinPool.commonPool()} (parallel streams, CompletableFuture), the
 * virtual-thread scheduler, the virtual threads' unblocker — which outlive main by design, as GC
 * threads do, and which no program can shut down. Told by facts, never by a name (a user's thread may
 * be called "ForkJoinPool.commonPool-worker-1"): the pool a ForkJoinWorkerThread or a pool's delay
 * scheduler works for (read from the JDK's final field, no method of a user's subclass called), the
 * JDK's own carrier class, which only the virtual-thread scheduler makes, and, for an
 * InnocuousThread (a class only the JDK can make), the JDK code that called its start(). A user's
 * own ForkJoinPool or executor is not the JDK's: its threads are the user's.
 */
final class JdkPools {
    static final String COMMON = "ForkJoinPool.commonPool()", SCHEDULER = "virtual-thread scheduler",
            UNBLOCKER = "virtual-thread unblocker";
    private static final String CARRIER = "jdk.internal.misc.CarrierThread", DELAY = "java.util.concurrent.DelayScheduler",
            VIRTUAL_THREAD = "java.lang.VirtualThread";
    /** The virtual-thread scheduler: the pool of the first carrier seen (it is one per JVM, never collected). */
    private static volatile ForkJoinPool scheduler;

    private JdkPools() {}

    /** {@link #of}, a failure counted (the start record goes out without it) rather than thrown. */
    static String ofSafely(Thread started, MethodHandles.Lookup javaBase) {
        try {
            return of(started, javaBase);
        } catch (Throwable t) {
            ThreadHook.failed("jdkPool", t);
            return null;
        }
    }

    /**
     * The JDK pool {@code started} belongs to, or null for any other thread (the common case costs
     * one compare); JDK fields read through {@code javaBase}, what Thread handed the hook.
     */
    static String of(Thread started, MethodHandles.Lookup javaBase) throws ReflectiveOperationException {
        Class<?> c = started.getClass();
        if (c == Thread.class) return null;
        boolean jdkClass = c.getClassLoader() == null;
        if (jdkClass && c.getName().equals(CARRIER)) {
            scheduler = poolOf((ForkJoinWorkerThread) started, javaBase);
            return SCHEDULER;
        }
        if (started instanceof ForkJoinWorkerThread w) return owner(poolOf(w, javaBase));
        if (jdkClass && c.getName().equals(DELAY)) return owner((ForkJoinPool) JdkFields.of(javaBase, c, "pool", ForkJoinPool.class).get(started));
        if (jdkClass && c.getName().equals(StartingCode.INNOCUOUS) && startedByVirtualThread()) return UNBLOCKER;
        return null;
    }

    /** Whether the code that called start() is java.lang.VirtualThread's: its static initialiser starts the unblocker. */
    private static boolean startedByVirtualThread() {
        String c = StartingCode.caller();
        return c != null && (c.equals(VIRTUAL_THREAD) || c.startsWith(VIRTUAL_THREAD + "$"));
    }

    /**
     * ForkJoinWorkerThread's final {@code pool} (what its public {@code getPool()} returns unless a
     * subclass overrides it), through a VarHandle made at each call and not kept, as the
     * DelayScheduler's: whatever the agent keeps in a field, a program can take or replace.
     */
    private static ForkJoinPool poolOf(ForkJoinWorkerThread w, MethodHandles.Lookup javaBase) throws ReflectiveOperationException {
        return (ForkJoinPool) JdkFields.of(javaBase, ForkJoinWorkerThread.class, "pool", ForkJoinPool.class).get(w);
    }

    /** Compared by identity: a user's pool subclass may override equals. */
    private static String owner(ForkJoinPool pool) {
        if (pool == null) return null;
        if (pool == ForkJoinPool.commonPool()) return COMMON;
        return pool == scheduler ? SCHEDULER : null;
    }
}
