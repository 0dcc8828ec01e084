package dev.jthreadtrace.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent in a traced JVM wrote about one Java thread: its construction (creator, name,
 * id, virtual or not, inherited thread-locals) or its {@code start()} (who started it). Times are
 * the JVM's {@code System.nanoTime()}, the same CLOCK_MONOTONIC as the tracer's event times.
 */
public sealed interface JavaRecord {
    int pid();

    long ns();

    /** The OS thread that ran the constructor or start(). */
    int osTid();

    /** One frame of a creation stack, as StackWalker gives it ({@code line} negative when unknown). */
    record Frame(String className, String method, String file, int line) {
        /** {@code com.example.Cache.<init>(Cache.java:42)}, as a Java stack trace prints it. */
        @Override
        public String toString() {
            return className + "." + method + "(" + (file.isEmpty() ? "Unknown Source" : file + (line >= 0 ? ":" + line : "")) + ")";
        }
    }

    /**
     * {@code stack}: where a virtual thread was constructed, the innermost frame first; empty when not
     * recorded. {@code attributes}: a virtual thread's context class loader ({@code ccl}), as it was
     * at its start() (a {@link VirtualStarted} folded in), absent when it was never started.
     */
    record Constructed(int pid, long ns, int osTid, long creatorId, String creatorName, long id, String name,
                       boolean virtual, Map<String, String> inherited, List<Frame> stack, Map<String, String> attributes)
            implements JavaRecord {
        public Constructed {
            stack = stack == null ? List.of() : List.copyOf(stack);
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }

        public Constructed(int pid, long ns, int osTid, long creatorId, String creatorName, long id, String name,
                           boolean virtual, Map<String, String> inherited) {
            this(pid, ns, osTid, creatorId, creatorName, id, name, virtual, inherited, List.of(), Map.of());
        }

        /** The same record with {@code more} attributes (replacing those of the same name). */
        public Constructed withAttributes(Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(attributes);
            all.putAll(more);
            return new Constructed(pid, ns, osTid, creatorId, creatorName, id, name, virtual, inherited, stack, all);
        }
    }

    /**
     * A virtual thread's start(): {@code attributes} it runs with, read then ({@code ccl}, its context
     * class loader, which may be set between construction and start). {@code osTid} is 0 (the starter
     * may itself be virtual, and reading its carrier costs a syscall).
     */
    record VirtualStarted(int pid, long ns, int osTid, long id, Map<String, String> attributes) implements JavaRecord {
        public VirtualStarted {
            attributes = Map.copyOf(attributes);
        }
    }

    /**
     * {@code inherited}: the inheritable thread-locals the thread starts with, read at start() (the
     * final map); null when the record does not carry them (a virtual thread, an older trace).
     */
    /**
     * {@code attributes}: what the platform thread runs with, read at start(): {@code daemon},
     * {@code priority}, {@code group}, {@code ccl} (its context class loader); empty in older traces.
     */
    record Started(int pid, long ns, int osTid, long starterId, String starterName, long id, String name,
                   Map<String, String> inherited, List<Frame> stack, Map<String, String> attributes) implements JavaRecord {
        public Started {
            stack = stack == null ? List.of() : List.copyOf(stack);
            attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }

        public Started(int pid, long ns, int osTid, long starterId, String starterName, long id, String name,
                       Map<String, String> inherited) {
            this(pid, ns, osTid, starterId, starterName, id, name, inherited, List.of(), Map.of());
        }

        public Started(int pid, long ns, int osTid, long starterId, String starterName, long id, String name) {
            this(pid, ns, osTid, starterId, starterName, id, name, null);
        }
    }

    /** The started platform thread {@code id} was renamed to {@code name} (by the thread on {@code osTid}). */
    record Renamed(int pid, long ns, int osTid, long id, String name) implements JavaRecord {}

    /**
     * A platform thread alive when the agent loaded, started by the JVM itself (no start() record):
     * joined to its task by the first 15 bytes of its name, which the JVM gave the kernel.
     * {@code osTid} is 0: the agent cannot know it. Or one of a thread dump's threads (after an
     * attach), with its {@code osTid}. {@code attributes}: {@code daemon}, fixed at its start(), so
     * what it started with; empty when not known (older traces).
     */
    record Present(int pid, long ns, int osTid, long id, String name, Map<String, String> attributes) implements JavaRecord {
        public Present {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }

        public Present(int pid, long ns, int osTid, long id, String name) {
            this(pid, ns, osTid, id, name, Map.of());
        }
    }

    /**
     * A thread of the JVM's own thread dump that no other record names ({@code osTid}: its nid):
     * one of the Java threads HotSpot hides from every Java API (C2 CompilerThread0, Service Thread,
     * with its Java id and {@code daemon} among {@code attributes}), or one of the VM's own threads
     * (VM Thread, GC Thread#0), which are no Java threads ({@code id} {@link #NO_JAVA_ID}). Written by
     * the agent at shutdown and detach, and read from the dump an attach takes. With {@code osTid} 0,
     * a count: {@code left_out} more were not named, past the agent's bounds or without a dump;
     * {@code missing_module}: the module the dump needs that the JVM's runtime lacks (a jlink image).
     */
    record Dumped(int pid, long ns, int osTid, long id, String name, Map<String, String> attributes) implements JavaRecord {
        public static final long NO_JAVA_ID = -1;
        public static final String LEFT_OUT = "left_out", MISSING_MODULE = "missing_module";

        public Dumped {
            attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }

        public boolean javaThread() {
            return id != NO_JAVA_ID;
        }
    }

    /** The scoped-value bindings thread {@code id} inherited at start() (a StructuredTaskScope fork): {@code sv:Name} to value. */
    record ScopedValues(int pid, long ns, int osTid, long id, Map<String, String> bindings) implements JavaRecord {
        public ScopedValues {
            bindings = Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
        }
    }

    /**
     * The JVM began to shut down ({@code Shutdown.runHooks()} started on {@code osTid}): after
     * System.exit, or once main returned and the last non-daemon thread ended.
     */
    record ShutdownBegan(int pid, long ns, int osTid) implements JavaRecord {}

    /**
     * Platform thread {@code id}, on {@code osTid}, is ending by an uncaught exception of class
     * {@code exception} ({@code Thread.dispatchUncaughtException}, on the thread itself): for main,
     * before the launcher's DestroyJavaVM, so main threw rather than returned.
     */
    record Uncaught(int pid, long ns, int osTid, long id, String exception) implements JavaRecord {}

    /** The carrier {@code osTid} mounted virtual threads {@code count} times since its previous such record. */
    record Mounts(int pid, long ns, int osTid, long count) implements JavaRecord {}

    /**
     * A JVM's own view of its threads' locks at one moment ({@code Thread.print -l}), taken when a
     * trace of it ends on a signal, a --duration or a detach: each platform thread's state, the lock
     * it waits for, the locks it holds and its first frames. {@code osTid} is 0;
     * {@code deadlocksFound} is how many deadlocks the JVM itself reported. {@code unavailable}: why the
     * JVM gave no view when it was asked (attach off or refused, no answer in time), with no threads;
     * null for a view. A JVM without a view may hide a monitor deadlock, so deadlocks is unknown then.
     */
    record Locks(int pid, long ns, int osTid, List<LockedThread> threads, int deadlocksFound, String unavailable)
            implements JavaRecord {
        public Locks {
            threads = List.copyOf(threads);
        }

        public Locks(int pid, long ns, int osTid, List<LockedThread> threads, int deadlocksFound) {
            this(pid, ns, osTid, threads, deadlocksFound, null);
        }

        /** The JVM {@code pid} was asked for its view and gave none, for this reason. */
        public static Locks unavailable(int pid, long ns, String why) {
            return new Locks(pid, ns, 0, List.of(), 0, why);
        }
    }

    /** A Java object used as a lock, as the JVM prints it: {@code 0x000000062ac2a3f8} and {@code java.lang.Object}. */
    record Lock(String id, String className) {}

    /**
     * How a thread waits: to enter a monitor ({@code waiting to lock}), parked on a synchronizer
     * ({@code parking to wait for}, a ReentrantLock's), or in {@code Object.wait} ({@code waiting on}).
     */
    enum WaitKind { ENTER, PARK, WAIT }

    record LockWait(WaitKind kind, Lock lock) {}

    /**
     * One platform thread of a {@link Locks} view: OS tid ({@code nid}), Java id, name, state
     * ({@code BLOCKED (on object monitor)}), what it waits for (null: nothing), the monitors and
     * ownable synchronizers it holds, and its first frames (innermost first).
     */
    record LockedThread(int tid, long id, String name, String state, LockWait waiting, List<Lock> held, List<Frame> frames) {
        public LockedThread {
            held = List.copyOf(held);
            frames = List.copyOf(frames);
        }
    }
}
