package dev.jthreadtrace.agent;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Called from inside {@code java.lang.Thread} (so it lives on the boot class path): one record per
 * constructed and per started thread (and per rename, scoped-value inheritance, shutdown) in the
 * format of {@link RecordFormat}, written by {@link RecordWriter} to {@code jvm-PID.tsv} in the
 * run's directory. Never throws, never calls a user object's methods ({@link InheritedValues}), and
 * never writes to the target's stdout or stderr. Errors are counted and reported in the last E
 * line. The OS tid of a platform thread is read from /proc once and kept. Every string field is
 * written exact and bounded by {@link RecordField}; past {@link #LINE_BUDGET} a record takes no
 * more thread-locals ({@code (cut)=N more}) or frames.
 */
public final class ThreadHook {
    private static volatile boolean enabled;
    /** What the hooks keep per thread; a plain ThreadLocal (never inherited, so never in our own records). */
    private static final ThreadLocal<HookState> STATE = new ThreadLocal<>() {
        @Override
        protected HookState initialValue() {
            return new HookState();
        }
    };
    private static long errors;
    private static String firstError;
    /** Past this many chars a record takes no more thread-locals, scoped values or frames: the line must stay readable. */
    static final int LINE_BUDGET = 256 * 1024;

    private ThreadHook() {}

    /** @param hostPid this JVM's pid as the tool sees it (it names the file with it), or null */
    static boolean open(String directory, String hostPid) throws IOException {
        if (directory == null || directory.isEmpty()) return false;
        // The pid from /proc/self rather than ProcessHandle, which loads and initialises more classes.
        String self = Files.readSymbolicLink(Path.of("/proc/self")).toString();
        RecordWriter.open(Path.of(directory), RecordFormat.fileName(self, hostPid));
        return true;
    }

    static void enable() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) root = root.getParent();
        systemGroup = root;
        enabled = true;
    }

    /** The JVM's root thread group, where it constructs the threads it starts itself. */
    private static ThreadGroup systemGroup;

    /**
     * The tool detached ({@code attach}): no more records; what is buffered is written. The hooks
     * stay in place until the caller restores the original classes.
     */
    static void disable() {
        enabled = false;
        RecordWriter.close();
    }

    /**
     * The platform threads alive when the agent loads (Reference Handler, Finalizer, Signal
     * Dispatcher, Common-Cleaner...): the JVM started them, so there is no start() record; the tool
     * joins them by the 15 bytes of the name the JVM gave the kernel. Their daemon flag (final, as
     * at their start) too: no start() record says it.
     */
    static void present() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) root = root.getParent();
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n = root.enumerate(threads, true);
        // One write for all: the file is opened per write.
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < n; i++) {
            try {
                StringBuilder line = presentRecord(threads[i]);
                if (!records.isEmpty()) records.append('\n');
                records.append(line);
            } catch (Throwable t) {
                failed("present", t);
            }
        }
        try {
            if (!records.isEmpty()) RecordWriter.write(records, true);
        } catch (Throwable t) {
            failed("present", t);
        }
    }

    /** A P record: a running thread the JVM started, with its daemon flag. */
    private static StringBuilder presentRecord(Thread thread) {
        StringBuilder line = RecordFormat.named(RecordFormat.PRESENT, System.nanoTime(), "0", thread.threadId(), thread.getName());
        return RecordFormat.pair(RecordFormat.marker(line, RecordFormat.ATTR), "daemon", String.valueOf(thread.isDaemon()));
    }

    /**
     * Platform threads constructed while the hooks were on whose start() they did not see (weakly
     * held: one never started may be collected). The JVM constructs some in Java and starts them
     * itself (Attach Listener, JFR's threads, Notification Thread), setting their daemon flag
     * natively after the constructor: no record of ours says it. By identity: a Thread subclass's
     * hashCode() or equals() is the program's code. Guarded by itself.
     */
    private static final WeakIdentityMap<Boolean> UNSTARTED = new WeakIdentityMap<>();

    private static void unstarted(Thread thread, boolean constructed) {
        synchronized (UNSTARTED) {
            if (constructed) UNSTARTED.put(thread, Boolean.TRUE);
            else UNSTARTED.remove(thread);
        }
    }

    /**
     * At shutdown, a P record for each thread the JVM started itself that runs now: its daemon flag,
     * which no start() record gave (the tool joins it by its Java id). One that ended before is not
     * listed: its flag stays unknown.
     */
    private static void startedByTheJvm() throws IOException {
        List<Object> threads;
        synchronized (UNSTARTED) {
            threads = UNSTARTED.keys();
        }
        for (Object t : threads) {
            if (((Thread) t).isAlive()) RecordWriter.write(presentRecord((Thread) t), true);
        }
    }

    /**
     * The end of {@code Shutdown.runHooks()}, after the application's shutdown hooks, just before the
     * JVM halts with the status it was given: the threads only the JVM's thread dump names (reached
     * through the Lookup Shutdown hands over, used here and not kept), then what is buffered (the
     * tool's readers rely on it).
     */
    public static void flush(MethodHandles.Lookup shutdown) {
        if (shutdown != null && shutdown.lookupClass().getName().equals("java.lang.Shutdown")
                && JdkFields.handedOverBy(shutdown, shutdown.lookupClass())) {
            vmThreads(true, shutdown);
        }
        try {
            RecordWriter.flush();
        } catch (Throwable t) {
            // nothing more to do at exit
        }
    }

    public static void constructed(Thread created, Object inheritedMap, MethodHandles.Lookup thread) {
        HookState state = enter();
        if (state == null) return;
        try {
            Thread creator = Thread.currentThread();
            StringBuilder line = RecordFormat.constructed(System.nanoTime(), osTid(), creator.threadId(), creator.getName(),
                    created.threadId(), created.getName(), created.isVirtual());
            if (inheritedMap != null && JdkFields.handedOverBy(thread, Thread.class)) InheritedValues.append(line, inheritedMap, thread);
            // A virtual thread has no start() of its own that a platform thread's clone would follow:
            // where it was constructed is where it was created. Its context class loader may still be
            // set before start(): the record waits for it there (virtualStarting).
            if (created.isVirtual()) {
                RecordWriter.hold(state, created, line, CreationStacks.ofVirtualThreads() ? CreationStacks.field() : "");
            } else {
                // Buffered: it goes out with the thread's start() record, one write for both, or with any
                // record written at once. One the JVM constructs in its own thread group and starts natively
                // (Notification Thread, Attach Listener) has no start() record, nor has a native thread that
                // JNI's AttachCurrentThread makes a Java thread (constructed on itself, already running):
                // written at once.
                RecordWriter.write(line, created.getThreadGroup() == systemGroup || created == Thread.currentThread());
                unstarted(created, true);
            }
        } catch (Throwable t) {
            failed("constructed", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * At start() the inherited map is final: a carrier thread's constructor clears the one it copied,
     * and nobody else can change a thread's map between its construction and its start. So the
     * values a platform thread really runs with are read here ({@code ITL} marks that they follow).
     */
    public static void starting(Thread started, Object inheritedMap, ClassLoader contextLoader, MethodHandles.Lookup thread) {
        HookState state = enter();
        if (state == null) return;
        try {
            boolean javaBase = JdkFields.handedOverBy(thread, Thread.class);
            Thread starter = Thread.currentThread();
            StringBuilder line = RecordFormat.started(System.nanoTime(), osTid(), starter.threadId(), starter.getName(),
                    started.threadId(), started.getName());
            if (!started.isVirtual()) {
                unstarted(started, false);
                RecordFormat.marker(line, RecordFormat.ITL);
                if (inheritedMap != null && javaBase) InheritedValues.append(line, inheritedMap, thread);
                // isDaemon, getPriority, getThreadGroup and ThreadGroup.getName are final: no user code runs.
                ThreadGroup group = started.getThreadGroup();
                RecordFormat.marker(line, RecordFormat.ATTR);
                RecordFormat.pair(line, "daemon", String.valueOf(started.isDaemon()));
                RecordFormat.pair(line, "priority", String.valueOf(started.getPriority()));
                RecordFormat.pair(line, "group", group == null ? "null" : group.getName());
                RecordFormat.pair(line, "ccl", InheritedValues.loader(contextLoader));
                String pool = javaBase ? JdkPools.ofSafely(started, thread) : null;
                String jdkThread = pool == null ? JdkThreads.ofSafely(started, contextLoader) : null;
                if (pool != null) RecordFormat.pair(line, RecordFormat.JDK_POOL, pool);
                if (jdkThread != null) RecordFormat.pair(line, RecordFormat.JDK_THREAD, jdkThread);
                line.append(CreationStacks.field());
            }
            RecordWriter.write(line, !started.isVirtual());
        } catch (Throwable t) {
            failed("starting", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * The JVM begins to shut down (the start of {@code Shutdown.runHooks()}, in the thread that exits):
     * the threads still running now outlived the program's scope. Written at once, with what is buffered;
     * then the daemon flags of the threads the JVM started itself.
     */
    public static void shuttingDown() {
        HookState state = enter();
        if (state == null) return;
        try {
            RecordWriter.write(RecordFormat.record(RecordFormat.SHUTDOWN, System.nanoTime(), osTid()), true);
            startedByTheJvm();
        } catch (Throwable t) {
            failed("shuttingDown", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * The threads only the JVM's own thread dump names ({@link VmThreads}): at its exit
     * ({@code atExit}, once) or when {@code attach} detaches, reached through {@code javaBase}, a
     * Lookup java.base handed over for this call. Any failure is counted, never thrown.
     */
    static void vmThreads(boolean atExit, MethodHandles.Lookup javaBase) {
        HookState state = enter();
        if (state == null) return;
        try {
            if (atExit) VmThreads.writeAtExit(javaBase);
            else VmThreads.write(Integer.MAX_VALUE, javaBase);
        } catch (Throwable t) {
            failed("vmThreads", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * A virtual thread's start() (VirtualThread.start(ThreadContainer), which its start() calls): the
     * context class loader it runs with, which {@code setContextClassLoader} may change between
     * construction and start. VirtualThread is final and does not override getContextClassLoader: no
     * user code runs. It completes the construction record this thread holds for it
     * ({@link RecordWriter#hold}); when that went out already, an A record of its own, buffered, no
     * syscall (its tid field is 0).
     */
    public static void virtualStarting(Thread started) {
        HookState state = enter();
        if (state == null) return;
        try {
            String ccl = RecordField.escape(InheritedValues.loader(started.getContextClassLoader()));
            if (RecordWriter.started(state, started, ccl)) return;
            RecordWriter.write(RecordFormat.record(RecordFormat.VIRTUAL_STARTED, System.nanoTime(), "0").append(RecordFormat.FIELD)
                    .append(started.threadId()).append("\tccl=").append(ccl), false);
        } catch (Throwable t) {
            failed("virtualStarting", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * A started platform thread was renamed (Thread.setName): the tree follows it. A rename before
     * start() is in the start record; a virtual thread has no task of its own to rename.
     */
    public static void renamed(Thread thread) {
        if (thread.isVirtual() || !thread.isAlive()) return;
        HookState state = enter();
        if (state == null) return;
        try {
            RecordWriter.write(RecordFormat.named(RecordFormat.RENAMED, System.nanoTime(), osTid(), thread.threadId(), thread.getName()),
                    true);
        } catch (Throwable t) {
            failed("renamed", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * A virtual thread is being mounted on the current carrier (still the current thread here):
     * counted, not written (a program may mount millions); the counts go out with each flush.
     */
    public static void mounted(Thread virtual) {
        if (!enabled) return;
        HookState state = STATE.get();
        if (state.mounts++ == 0 && !state.inside) {
            state.inside = true;
            try {
                state.carrierTid = osTid();
                RecordWriter.carrier(state);
            } catch (Throwable t) {
                failed("mounted", t);
            } finally {
                state.inside = false;
            }
        }
    }

    /**
     * A hook runs only when enabled and not already inside one on this thread (anything the hook
     * itself does must not record again); it turns every failure into a counted error, since a
     * hook inside java.lang.Thread must never throw into the program, and clears {@code inside}
     * when done. Written out in each hook rather than taking a lambda: the first lambda would
     * spin up java.lang.invoke in every traced JVM, tens of milliseconds of its start-up.
     */
    static HookState enter() {
        if (!enabled) return null;
        HookState state = STATE.get();
        if (state.inside) return null;
        state.inside = true;
        return state;
    }

    /**
     * At the end of {@code inheritScopedValueBindings} (start() of a StructuredTaskScope fork): the
     * bindings the thread runs with, innermost first, each key once ({@code sv:ScopedValue#1} in the
     * order first seen, as plain thread-locals), values rendered as thread-local values are. ScopedValue's
     * internal chains (Snapshot prev/bindings, Carrier key/value/prev) are read through VarHandles
     * made here from the Lookup Thread handed over, at each call, and kept nowhere: in a field of the
     * agent's, a program would read through them the values of scoped values whose keys it has not
     * (one it set there instead of ours would be handed every fork's bindings).
     */
    public static void scopedValuesInherited(Thread thread, Object bindings, MethodHandles.Lookup javaBase) {
        if (bindings == null || !bindings.getClass().getName().equals("java.lang.ScopedValue$Snapshot")) return;
        if (!JdkFields.handedOverBy(javaBase, Thread.class)) return;
        HookState state = enter();
        if (state == null) return;
        try {
            Class<?> snapshot = bindings.getClass(), carrier = JdkFields.Classes.SCOPED_CARRIER;
            VarHandle snapshotBindings = JdkFields.of(javaBase, snapshot, "bindings", carrier);
            VarHandle carrierKey = JdkFields.of(javaBase, carrier, "key", ScopedValue.class);
            VarHandle carrierValue = JdkFields.of(javaBase, carrier, "value", Object.class);
            VarHandle carrierPrev = JdkFields.of(javaBase, carrier, "prev", carrier);
            VarHandle snapshotPrev = JdkFields.of(javaBase, snapshot, "prev", snapshot);
            StringBuilder line = RecordFormat.record(RecordFormat.SCOPED_VALUES, System.nanoTime(), osTid()).append(RecordFormat.FIELD)
                    .append(thread.threadId());
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Object s = bindings; s != null; s = (Object) snapshotPrev.get(s)) {
                for (Object c = (Object) snapshotBindings.get(s); c != null; c = (Object) carrierPrev.get(c)) {
                    Object key = (Object) carrierKey.get(c);
                    if (!seen.add(key) || full(line)) continue;
                    RecordFormat.pair(line, RecordFormat.SCOPED_VALUE + InheritedValues.localName(key),
                            InheritedValues.render((Object) carrierValue.get(c)));
                }
            }
            if (!seen.isEmpty()) RecordWriter.write(line, !thread.isVirtual());
        } catch (Throwable t) {
            failed("scopedValuesInherited", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * {@code Thread.checkAccess()}, rewritten (a no-op since JDK 24, never called by the JDK): a
     * Lookup of java.lang.Thread, used only while the agent asks for it on this thread and not kept
     * ({@link JavaBaseHandOver}).
     */
    public static void javaBase(MethodHandles.Lookup lookup) {
        JavaBaseHandOver.handedOver(lookup);
    }

    /** The current OS thread's tid: kept for a platform thread; a virtual thread's carrier changes, so read each time. */
    static String osTid() throws IOException {
        Thread current = Thread.currentThread();
        HookState state = current.isVirtual() ? null : STATE.get();
        if (state != null && state.osTid != null) return state.osTid;
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        String tid = link.substring(link.lastIndexOf('/') + 1);
        if (state != null) state.osTid = tid;
        return tid;
    }

    /** Whether the line is full; then a {@code (cut)=N more} entry says how many were left out. */
    static boolean full(StringBuilder line) {
        return line.length() > LINE_BUDGET;
    }

    /** Counts an error and writes the running count (the tool reads the last E line of a file). */
    /** Whether the hooks' loss was said: once, by whichever saw it first ({@link HooksWatch}, the exit's probe). */
    private static boolean hooksGoneSaid;

    /** Thread lost the hooks: the agent's error line says so (the tool's note), once. */
    static synchronized void hooksGone() {
        if (hooksGoneSaid) return;
        hooksGoneSaid = true;
        failed(RecordFormat.HOOKS_GONE, new IllegalStateException("java.lang.Thread was redefined without them"));
    }

    static synchronized void failed(String where, Throwable t) {
        errors++;
        if (firstError == null) firstError = where + ": " + t;
        try {
            if (RecordWriter.open()) {
                RecordWriter.write(new StringBuilder(RecordFormat.ERRORS).append(RecordFormat.FIELD).append(errors)
                        .append(RecordFormat.FIELD).append(RecordField.escape(firstError)), true);
            }
        } catch (Throwable ignored) {
            // the count is lost; the target must not notice
        }
    }
}
