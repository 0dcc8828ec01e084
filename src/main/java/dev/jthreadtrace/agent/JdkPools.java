package dev.jthreadtrace.agent;

import java.lang.invoke.VarHandle;
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
    private static VarHandle workerPool, delayPool;

    private JdkPools() {}

    /** {@link #of}, a failure counted (the start record goes out without it) rather than thrown. */
    static String ofSafely(Thread started) {
        try {
            return of(started);
        } catch (Throwable t) {
            ThreadHook.failed("jdkPool", t);
            return null;
        }
    }

    /** The JDK pool {@code started} belongs to, or null for any other thread (the common case costs one compare). */
    static String of(Thread started) throws ReflectiveOperationException {
        Class<?> c = started.getClass();
        if (c == Thread.class) return null;
        boolean jdkClass = c.getClassLoader() == null;
        if (jdkClass && c.getName().equals(CARRIER)) {
            scheduler = poolOf((ForkJoinWorkerThread) started);
            return SCHEDULER;
        }
        if (started instanceof ForkJoinWorkerThread w) return owner(poolOf(w));
        if (jdkClass && c.getName().equals(DELAY)) {
            if (delayPool == null) delayPool = JdkFields.of(c, "pool", ForkJoinPool.class);
            return owner((ForkJoinPool) delayPool.get(started));
        }
        if (jdkClass && c.getName().equals(StartingCode.INNOCUOUS) && startedByVirtualThread()) return UNBLOCKER;
        return null;
    }

    /** Whether the code that called start() is java.lang.VirtualThread's: its static initialiser starts the unblocker. */
    private static boolean startedByVirtualThread() {
        String c = StartingCode.caller();
        return c != null && (c.equals(VIRTUAL_THREAD) || c.startsWith(VIRTUAL_THREAD + "$"));
    }

    private static ForkJoinPool poolOf(ForkJoinWorkerThread w) throws ReflectiveOperationException {
        if (workerPool == null) workerPool = JdkFields.of(ForkJoinWorkerThread.class, "pool", ForkJoinPool.class);
        return (ForkJoinPool) workerPool.get(w);
    }

    /** Compared by identity: a user's pool subclass may override equals. */
    private static String owner(ForkJoinPool pool) {
        if (pool == null) return null;
        if (pool == ForkJoinPool.commonPool()) return COMMON;
        return pool == scheduler ? SCHEDULER : null;
    }
}
