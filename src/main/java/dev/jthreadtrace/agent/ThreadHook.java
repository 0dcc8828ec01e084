package dev.jthreadtrace.agent;

import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Called from inside {@code java.lang.Thread} (so it lives on the boot class path): writes one
 * line per constructed and per started thread to {@code jvm-PID.tsv} in the tool's private
 * directory. Never throws, never calls a user object's methods (values are rendered only when they
 * are strings, boxed numbers, booleans, characters or enums; otherwise by class name), and never
 * writes to the target's stdout or stderr. Errors are counted and reported in the last line.
 *
 * <p>Cost: a platform thread's records are written at once (the tool reads them during the trace
 * to name live lines, and there are few). A virtual thread's are buffered: a program may make
 * millions, and a write per record made such churn 3x slower. The buffer goes out when it is full,
 * at the next record after 100 ms, with any platform thread's record, and at JVM exit (the end of
 * {@code Shutdown.runHooks()}, in the exiting thread: no thread of ours). A JVM killed by SIGKILL loses at
 * most the virtual-thread records of its last 100 ms. The OS tid of a platform thread is read from
 * /proc once and kept. A carrier counts its mounts of virtual threads in a field of its own; the
 * counts are written with each flush.
 *
 * <pre>
 * C  nanoTime  creatorOsTid  creatorJavaId  creatorName  newJavaId  newName  virtual  itl=value...  [ATTR ccl=L]  [STACK  frames]
 *    (ATTR on a virtual thread's, held until its start(): the context class loader it runs with)
 * S  nanoTime  starterOsTid  starterJavaId  starterName  javaId     name     ITL  itl=value...
 *    ATTR  daemon=B  priority=N  group=G  ccl=L  [STACK  frames]
 *    (ATTR: what the thread runs with, read at start(); a loader is shown as its class and name, or
 *    its class and identity hash when its class is not the JDK's: a user's getName() is never called)
 * A  nanoTime  0  javaId  ccl=L     (a virtual thread's start(), when its C record went out before:
 *                                     the context class loader it runs with)
 *    (S for platform threads; STACK, the creation stack, on S of platform and C of virtual threads:
 *    frames class|method|file|line, separated by ';', the innermost first)
 * M  nanoTime  carrierOsTid  mounts     (virtual-thread mounts on this carrier so far; the last one counts)
 * N  nanoTime  renamerOsTid  javaId  newName     (a started platform thread renamed)
 * P  nanoTime  0  javaId  name  ATTR  daemon=B     (a platform thread alive when the agent loaded: the JVM's own;
 *                                               or, at shutdown, one constructed in Java that the JVM started itself)
 * V  nanoTime  starterOsTid  javaId  sv:ScopedValue#1=value...  (the scoped-value bindings a fork inherited)
 * X  nanoTime  osTid     (the JVM began to shut down: Shutdown.runHooks(), from System.exit or after main's return)
 * E  errors    firstError          (written at each error; the last one counts)
 * </pre>
 * Every string field (names, thread-local names and values, loaders, frames) is written exact and
 * bounded by {@link RecordField}: backslash escapes for tab, newline, CR, backslash, {@code = ; |}
 * and unpaired surrogates, cut at {@link RecordField#MAX_CHARS} with a marker; past
 * {@link #LINE_BUDGET} a record takes no more thread-locals ({@code (cut)=N more}) or frames.
 */
public final class ThreadHook {
    private static final Set<Class<?>> PLAIN_VALUES = Set.of(String.class, Integer.class, Long.class, Short.class,
            Byte.class, Double.class, Float.class, Boolean.class, Character.class, BigInteger.class, BigDecimal.class);
    private static final int BUFFER = 64 * 1024;
    /** Frames kept of a creation stack (0: none), and whether the JDK's frames above the application's stay. */
    private static int stackDepth = 8;
    private static boolean keepJdkFrames;
    /** Stacks of virtual threads too: ~18 µs each, and a program may start millions (off unless asked). */
    private static boolean virtualStacks;
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final long FLUSH_AFTER_NS = 100_000_000L;
    private static volatile boolean enabled;
    private static RecordFile out;
    private static Field table, value;
    /** What the hooks keep per thread; a plain ThreadLocal (never inherited, so never in our own records). */
    private static final ThreadLocal<PerThread> STATE = new ThreadLocal<>() {
        @Override
        protected PerThread initialValue() {
            return new PerThread();
        }
    };
    private static long errors;
    private static String firstError;
    // The write buffer, guarded by ThreadHook.class; not buffered until the exit hook is in place.
    private static boolean buffered;
    private static final byte[] buffer = new byte[BUFFER];
    private static int used;
    private static long firstBufferedNs;

    private static final class PerThread {
        /** Inside a hook on this thread: whatever the hook itself does must not record again. */
        boolean inside;
        /** The OS tid of a platform thread, read once. */
        String osTid;
        /** Virtual-thread mounts on this carrier; written by it, read by whichever thread flushes. */
        long mounts;
        /** The count last written, and the carrier's tid (known after its first mount). */
        long mountsWritten;
        String carrierTid;
        /** A virtual thread's construction record held until its start() (see {@link #hold}): the thread, the line, its stack field. */
        Thread heldThread;
        StringBuilder held;
        String heldStack;
    }

    /** The states that hold a construction record, guarded by ThreadHook.class. */
    private static final java.util.Set<PerThread> HOLDING = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /** Every carrier that has mounted a virtual thread, for the flush to report their counts. */
    private static final java.util.concurrent.ConcurrentLinkedQueue<PerThread> CARRIERS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private ThreadHook() {}

    static boolean open(String directory) throws IOException {
        if (directory == null || directory.isEmpty()) return false;
        // The pid from /proc/self rather than ProcessHandle, which loads and initialises more classes.
        String self = Files.readSymbolicLink(Path.of("/proc/self")).toString();
        Path file = Path.of(directory, "jvm-" + self + ".tsv");
        out = new RecordFile(file.toFile());
        return true;
    }

    /**
     * The JVM's record file, opened for each write and closed again: the JDK opens files without
     * close-on-exec, and a descriptor kept open would be inherited by every process the program
     * starts, and be one more in its own /proc/self/fd.
     */
    private static final class RecordFile {
        private final java.io.File file;

        RecordFile(java.io.File file) {
            this.file = file;
        }

        void write(byte[] bytes, int offset, int length) throws IOException {
            try (FileOutputStream stream = new FileOutputStream(file, true)) {
                stream.write(bytes, offset, length);
            }
        }

        void write(byte[] bytes) throws IOException {
            write(bytes, 0, bytes.length);
        }
    }

    static void prepare() throws ReflectiveOperationException {
        table = Class.forName("java.lang.ThreadLocal$ThreadLocalMap").getDeclaredField("table");
        table.setAccessible(true);
        value = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value");
        value.setAccessible(true);
    }

    static void stackDepth(int depth) {
        stackDepth = Math.max(0, Math.min(depth, 256));
    }

    static void keepJdkFrames() {
        keepJdkFrames = true;
    }

    static void virtualStacks() {
        virtualStacks = true;
    }

    /**
     * The current thread's stack where it creates (or starts) a thread: the hook's own frames and
     * java.lang.Thread's dropped, then, unless asked to keep them, the JDK's frames above the first
     * application frame (ThreadPoolExecutor.addWorker, ...), so the first frame shown is the code that
     * asked for a thread. A stack of JDK frames only is kept as it is. A class rather than a lambda:
     * see {@link #enter}.
     */
    private static final class CreationStack implements java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>, String> {
        @Override
        public String apply(java.util.stream.Stream<StackWalker.StackFrame> frames) {
            java.util.List<StackWalker.StackFrame> all = new java.util.ArrayList<>();
            java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
            int limit = stackDepth + 64; // the JDK frames above the application's, then the depth wanted
            while (it.hasNext() && all.size() < limit) {
                StackWalker.StackFrame f = it.next();
                String c = f.getClassName();
                if (all.isEmpty() && (c.equals("dev.jthreadtrace.agent.ThreadHook") || c.equals("java.lang.Thread")
                        || c.startsWith("java.lang.ThreadBuilders") || c.equals("java.lang.VirtualThread"))) {
                    continue;
                }
                all.add(f);
            }
            int first = 0;
            if (!keepJdkFrames) {
                while (first < all.size() && isJdk(all.get(first).getClassName())) first++;
                if (first == all.size()) first = 0;
            }
            StringBuilder out = new StringBuilder();
            for (int i = first; i < all.size() && i < first + stackDepth && out.length() < LINE_BUDGET; i++) {
                StackWalker.StackFrame f = all.get(i);
                if (out.length() > 0) out.append(';');
                out.append(frameField(f.getClassName())).append('|').append(frameField(f.getMethodName())).append('|')
                        .append(frameField(f.getFileName() == null ? "" : f.getFileName())).append('|').append(f.getLineNumber());
            }
            return out.toString();
        }

        private static boolean isJdk(String className) {
            return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                    || className.startsWith("com.sun.");
        }

        private static String frameField(String s) {
            return clean(s); // ';' and '|' escaped too: they separate frames and their parts
        }
    }

    private static final CreationStack CREATION_STACK = new CreationStack();

    /** {@code \tSTACK\tframes}, or nothing when stacks are off. */
    private static void appendStack(StringBuilder line) {
        line.append(stackField());
    }

    private static String stackField() {
        if (stackDepth == 0) return "";
        String frames = WALKER.walk(CREATION_STACK);
        return frames.isEmpty() ? "" : "\tSTACK\t" + frames;
    }

    static void enable() {
        enabled = true;
    }

    /**
     * The tool detached ({@code attach}): no more records; what is buffered is written and the
     * file closed. The hooks stay in place until the caller restores the original classes.
     */
    static void disable() {
        enabled = false;
        synchronized (ThreadHook.class) {
            try {
                writeBuffered();
            } catch (Throwable t) {
                // nothing more to do: the records are the tool's, not the application's
            }
            out = null;
            buffered = false;
        }
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
        for (int i = 0; i < n; i++) {
            try {
                write(new StringBuilder("P\t").append(System.nanoTime()).append("\t0\t").append(threads[i].threadId())
                        .append('\t').append(clean(threads[i].getName())).append("\tATTR\tdaemon=").append(threads[i].isDaemon()), true);
            } catch (Throwable t) {
                failed("present", t);
            }
        }
    }

    /**
     * Platform threads constructed while the hooks were on whose start() they did not see (weakly
     * held: one never started may be collected). The JVM constructs some in Java and starts them
     * itself (Attach Listener, JFR's threads, Notification Thread), setting their daemon flag
     * natively after the constructor: no record of ours says it. Guarded by itself.
     */
    private static final java.util.Set<Thread> UNSTARTED = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private static void unstarted(Thread thread, boolean constructed) {
        synchronized (UNSTARTED) {
            if (constructed) UNSTARTED.add(thread);
            else UNSTARTED.remove(thread);
        }
    }

    /**
     * At shutdown, a P record for each thread the JVM started itself that runs now: its daemon flag,
     * which no start() record gave (the tool joins it by its Java id). One that ended before is not
     * listed: its flag stays unknown.
     */
    private static void startedByTheJvm() throws IOException {
        Thread[] threads;
        synchronized (UNSTARTED) {
            threads = UNSTARTED.toArray(new Thread[0]);
        }
        for (Thread t : threads) {
            if (!t.isAlive()) continue;
            write(new StringBuilder("P\t").append(System.nanoTime()).append("\t0\t").append(t.threadId())
                    .append('\t').append(clean(t.getName())).append("\tATTR\tdaemon=").append(t.isDaemon()), true);
        }
    }

    /** From now on virtual threads' records may wait in the buffer: {@link #flush} runs at JVM exit. */
    static void bufferUntilExit() {
        synchronized (ThreadHook.class) {
            buffered = true;
        }
    }

    /** Writes what is buffered; the JVM's exit hook and the tool's readers rely on it. */
    public static void flush() {
        synchronized (ThreadHook.class) {
            try {
                writeBuffered();
            } catch (Throwable t) {
                // nothing more to do at exit
            }
        }
    }

    public static void constructed(Thread created, Object inheritedMap) {
        PerThread state = enter();
        if (state == null) return;
        try {
            Thread creator = Thread.currentThread();
            StringBuilder line = new StringBuilder("C\t").append(System.nanoTime()).append('\t').append(osTid())
                    .append('\t').append(creator.threadId()).append('\t').append(clean(creator.getName()))
                    .append('\t').append(created.threadId()).append('\t').append(clean(created.getName()))
                    .append('\t').append(created.isVirtual());
            if (inheritedMap != null) appendInherited(line, inheritedMap);
            // A virtual thread has no start() of its own that a platform thread's clone would follow:
            // where it was constructed is where it was created. Its context class loader may still be
            // set before start(): the record waits for it there (virtualStarting).
            if (created.isVirtual()) {
                hold(state, created, line, virtualStacks ? stackField() : "");
            } else {
                write(line, true);
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
    public static void starting(Thread started, Object inheritedMap, ClassLoader contextLoader) {
        PerThread state = enter();
        if (state == null) return;
        try {
            Thread starter = Thread.currentThread();
            StringBuilder line = new StringBuilder("S\t").append(System.nanoTime()).append('\t').append(osTid()).append('\t')
                    .append(starter.threadId()).append('\t').append(clean(starter.getName())).append('\t')
                    .append(started.threadId()).append('\t').append(clean(started.getName()));
            if (!started.isVirtual()) {
                unstarted(started, false);
                line.append("\tITL");
                if (inheritedMap != null) appendInherited(line, inheritedMap);
                // isDaemon, getPriority, getThreadGroup and ThreadGroup.getName are final: no user code runs.
                ThreadGroup group = started.getThreadGroup();
                line.append("\tATTR\tdaemon=").append(started.isDaemon()).append("\tpriority=").append(started.getPriority())
                        .append("\tgroup=").append(group == null ? "null" : clean(group.getName()))
                        .append("\tccl=").append(clean(loader(contextLoader)));
                appendStack(line);
            }
            write(line, !started.isVirtual());
        } catch (Throwable t) {
            failed("starting", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * The JVM begins to shut down (the start of {@code Shutdown.runHooks()}, in the thread that exits):
     * the threads still running now outlived the program's scope. Written at once, with what is buffered.
     */
    public static void shuttingDown() {
        PerThread state = enter();
        if (state == null) return;
        try {
            write(new StringBuilder("X\t").append(System.nanoTime()).append('\t').append(osTid()), true);
            startedByTheJvm();
        } catch (Throwable t) {
            failed("shuttingDown", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * A virtual thread's start() (VirtualThread.start(ThreadContainer), which its start() calls): the
     * context class loader it runs with, which {@code setContextClassLoader} may change between
     * construction and start. VirtualThread is final and does not override getContextClassLoader: no
     * user code runs. It completes the construction record this thread holds for it ({@link #hold});
     * when that went out already, an A record of its own, buffered, no syscall (its tid field is 0).
     */
    public static void virtualStarting(Thread started) {
        PerThread state = enter();
        if (state == null) return;
        try {
            String ccl = clean(loader(started.getContextClassLoader()));
            synchronized (ThreadHook.class) {
                if (out == null) return;
                if (state.heldThread == started) {
                    release(state, ccl);
                    if (System.nanoTime() - firstBufferedNs > FLUSH_AFTER_NS) writeBuffered();
                    return;
                }
                releaseHeld(); // its construction record, if another thread holds it, goes first
            }
            write(new StringBuilder("A\t").append(System.nanoTime()).append("\t0\t").append(started.threadId())
                    .append("\tccl=").append(ccl), false);
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
        PerThread state = enter();
        if (state == null) return;
        try {
            write(new StringBuilder("N\t").append(System.nanoTime()).append('\t').append(osTid())
                    .append('\t').append(thread.threadId()).append('\t').append(clean(thread.getName())), true);
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
        PerThread state = STATE.get();
        if (state.mounts++ == 0 && !state.inside) {
            state.inside = true;
            try {
                state.carrierTid = osTid();
                CARRIERS.add(state);
            } catch (Throwable t) {
                failed("mounted", t);
            } finally {
                state.inside = false;
            }
        }
    }

    /** Holding the class lock: an M line for each carrier that mounted more since the last one. */
    private static void appendMountCounts() {
        for (PerThread carrier : CARRIERS) {
            long mounts = carrier.mounts;
            if (mounts == carrier.mountsWritten || carrier.carrierTid == null) continue;
            carrier.mountsWritten = mounts;
            byte[] line = new StringBuilder("M\t").append(System.nanoTime()).append('\t').append(carrier.carrierTid)
                    .append('\t').append(mounts).append('\n').toString().getBytes(StandardCharsets.UTF_8);
            if (line.length > BUFFER - used) return; // the next flush
            System.arraycopy(line, 0, buffer, used, line.length);
            used += line.length;
        }
    }

    /**
     * A hook runs only when enabled and not already inside one on this thread (anything the hook
     * itself does must not record again); it turns every failure into a counted error, since a
     * hook inside java.lang.Thread must never throw into the program, and clears {@code inside}
     * when done. Written out in each hook rather than taking a lambda: the first lambda would
     * spin up java.lang.invoke in every traced JVM, tens of milliseconds of its start-up.
     */
    private static PerThread enter() {
        if (!enabled) return null;
        PerThread state = STATE.get();
        if (state.inside) return null;
        state.inside = true;
        return state;
    }

    private static void appendInherited(StringBuilder line, Object map) throws IllegalAccessException {
        Object[] entries = (Object[]) table.get(map);
        if (entries == null) return;
        int left = 0;
        for (Object entry : entries) {
            if (entry == null) continue;
            Object key = ((java.lang.ref.Reference<?>) entry).get();
            if (key == null) continue;
            if (full(line)) {
                left++;
                continue;
            }
            line.append('\t').append(clean(localName(key))).append('=').append(clean(render(value.get(entry))));
        }
        if (left > 0) line.append("\t(cut)=").append(left).append(" more");
    }

    /** The name given to each thread-local instance seen, by identity (ThreadLocal keeps Object's equals). */
    private static final java.util.Map<Object, String> LOCAL_NAMES = new java.util.WeakHashMap<>();
    /** How many instances of each class have a name: the second instance of a class is {@code Name#2}. */
    private static final java.util.Map<String, Integer> LOCALS_PER_CLASS = new java.util.HashMap<>();

    /**
     * One key per thread-local instance, stable within the run: {@code RequestContext} for the first
     * instance of a subclass ({@code RequestContext#2} for a second one); a plain
     * {@code InheritableThreadLocal}, whose declaring place is unknown, is {@code InheritableThreadLocal#1},
     * {@code #2}, ... in the order first seen. (Plain ones all read {@code InheritableThreadLocal}
     * before, so a thread with two of them showed one value.)
     */
    private static String localName(Object threadLocal) {
        synchronized (LOCAL_NAMES) {
            String known = LOCAL_NAMES.get(threadLocal);
            if (known != null) return known;
            String className = threadLocal.getClass().getName();
            String base = className.substring(className.lastIndexOf('.') + 1);
            Integer seen = LOCALS_PER_CLASS.get(base);
            int n = seen == null ? 1 : seen + 1;
            LOCALS_PER_CLASS.put(base, n);
            boolean plain = threadLocal.getClass() == InheritableThreadLocal.class || threadLocal.getClass() == ScopedValue.class;
            String name = plain || n > 1 ? base + "#" + n : base;
            LOCAL_NAMES.put(threadLocal, name);
            return name;
        }
    }

    /** ScopedValue's internal chains (java.lang is opened to the agent): Snapshot prev/bindings, Carrier key/value/prev. */
    private static Field snapshotPrev, snapshotBindings, carrierKey, carrierValue, carrierPrev;

    /**
     * At the end of {@code inheritScopedValueBindings} (start() of a StructuredTaskScope fork): the
     * bindings the thread runs with, innermost first, each key once ({@code sv:ScopedValue#1} in the
     * order first seen, as plain thread-locals), values rendered as thread-local values are.
     */
    public static void scopedValuesInherited(Thread thread, Object bindings) {
        if (bindings == null || !bindings.getClass().getName().equals("java.lang.ScopedValue$Snapshot")) return;
        PerThread state = enter();
        if (state == null) return;
        try {
            if (snapshotPrev == null) {
                Class<?> snapshot = bindings.getClass(), carrier = Class.forName("java.lang.ScopedValue$Carrier");
                Field[] f = {snapshot.getDeclaredField("prev"), snapshot.getDeclaredField("bindings"), carrier.getDeclaredField("key"),
                        carrier.getDeclaredField("value"), carrier.getDeclaredField("prev")};
                for (Field field : f) field.setAccessible(true);
                snapshotPrev = f[0];
                snapshotBindings = f[1];
                carrierKey = f[2];
                carrierValue = f[3];
                carrierPrev = f[4];
            }
            StringBuilder line = new StringBuilder("V\t").append(System.nanoTime()).append('\t').append(osTid()).append('\t')
                    .append(thread.threadId());
            java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Object s = bindings; s != null; s = snapshotPrev.get(s)) {
                for (Object c = snapshotBindings.get(s); c != null; c = carrierPrev.get(c)) {
                    Object key = carrierKey.get(c);
                    if (!seen.add(key) || full(line)) continue;
                    line.append("\tsv:").append(clean(localName(key))).append('=').append(clean(render(carrierValue.get(c))));
                }
            }
            if (!seen.isEmpty()) write(line, !thread.isVirtual());
        } catch (Throwable t) {
            failed("scopedValuesInherited", t);
        } finally {
            state.inside = false;
        }
    }

    /**
     * A class loader as {@code jdk.internal.loader.ClassLoaders$AppClassLoader@app}: its class and,
     * for a loader class of the JDK's own (loaded by the boot loader), its name; for any other its
     * identity hash, since its getName() may be the user's code and must not run inside start().
     */
    private static String loader(ClassLoader l) {
        if (l == null) return "null";
        Class<?> c = l.getClass();
        String name = c.getClassLoader() == null ? l.getName() : null;
        return c.getName() + "@" + (name != null ? name : Integer.toHexString(System.identityHashCode(l)));
    }

    private static String render(Object v) {
        if (v == null) return "null";
        if (PLAIN_VALUES.contains(v.getClass())) return String.valueOf(v);
        if (v instanceof Enum<?> e) return e.getDeclaringClass().getSimpleName() + "." + e.name();
        return "<" + v.getClass().getName() + ">";
    }

    /** The current OS thread's tid: kept for a platform thread; a virtual thread's carrier changes, so read each time. */
    private static String osTid() throws IOException {
        Thread current = Thread.currentThread();
        PerThread state = current.isVirtual() ? null : STATE.get();
        if (state != null && state.osTid != null) return state.osTid;
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        String tid = link.substring(link.lastIndexOf('/') + 1);
        if (state != null) state.osTid = tid;
        return tid;
    }

    /**
     * A string field of a record, exact and bounded ({@link RecordField}): a tab or newline in a
     * name cannot end its field or its line, and a name of megabytes cannot make the line too long
     * for the tool's reader, which would drop the record (its creator and thread-locals) whole.
     */
    private static String clean(String s) {
        return RecordField.escape(s);
    }

    /** Past this many chars a record takes no more thread-locals, scoped values or frames: the line must stay readable. */
    static final int LINE_BUDGET = 256 * 1024;

    /** Whether the line is full; then a {@code (cut)=N more} entry says how many were left out. */
    private static boolean full(StringBuilder line) {
        return line.length() > LINE_BUDGET;
    }

    /**
     * Adds a line; {@code now}: the line (and what is buffered before it, to keep the order) goes
     * to the file at once.
     */
    private static void write(StringBuilder line, boolean now) throws IOException {
        byte[] bytes = line.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        synchronized (ThreadHook.class) {
            if (out == null) return; // disabled while this hook ran
            if (!buffered) {
                writeBuffered();
                out.write(bytes);
                return;
            }
            append(bytes);
            if (now || System.nanoTime() - firstBufferedNs > FLUSH_AFTER_NS) writeBuffered();
        }
    }

    /**
     * A virtual thread's construction record waits in its constructor's state for the thread's
     * start(), which adds the context class loader it runs with (settable in between): one record
     * per virtual thread, not two (a record at each start made the file a fifth larger). It
     * goes out as it is, and the start then writes an A record, when the buffer is written first
     * (a flush, a platform thread's record, 100 ms), this thread constructs another one, or another
     * thread starts it. Not buffering yet: written at once, no loader.
     */
    private static void hold(PerThread state, Thread created, StringBuilder line, String stack) throws IOException {
        synchronized (ThreadHook.class) {
            if (out == null) return;
            if (!buffered) {
                write(line.append(stack), false);
                return;
            }
            if (state.held != null) release(state, null);
            long nanos = System.nanoTime();
            if (used == 0 && HOLDING.isEmpty()) firstBufferedNs = nanos; // a held record counts as buffered
            state.heldThread = created;
            state.held = line;
            state.heldStack = stack;
            HOLDING.add(state);
            if (nanos - firstBufferedNs > FLUSH_AFTER_NS) writeBuffered();
        }
    }

    /** Holding the class lock: the record {@code state} holds into the buffer, with the loader when it is known ({@code ccl}). */
    private static void release(PerThread state, String ccl) throws IOException {
        StringBuilder line = state.held;
        if (ccl != null) line.append("\tATTR\tccl=").append(ccl);
        line.append(state.heldStack).append('\n');
        state.heldThread = null;
        state.held = null;
        state.heldStack = null;
        HOLDING.remove(state);
        append(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Holding the class lock: every held record into the buffer. */
    private static void releaseHeld() throws IOException {
        if (HOLDING.isEmpty()) return;
        for (PerThread state : HOLDING.toArray(new PerThread[0])) release(state, null);
    }

    /** Holding the class lock: {@code bytes} into the buffer, which is written first when they do not fit. */
    private static void append(byte[] bytes) throws IOException {
        if (bytes.length > BUFFER - used) writeBuffer();
        if (bytes.length > BUFFER) {
            out.write(bytes);
            return;
        }
        if (used == 0 && HOLDING.isEmpty()) firstBufferedNs = System.nanoTime();
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    /** Holding the class lock: the held records, the mount counts, then the whole buffer to the file. */
    private static void writeBuffered() throws IOException {
        if (out == null) return;
        releaseHeld();
        appendMountCounts();
        writeBuffer();
    }

    private static void writeBuffer() throws IOException {
        if (used == 0) return;
        int n = used;
        used = 0;
        out.write(buffer, 0, n);
    }

    /** Counts an error and writes the running count (the tool reads the last E line of a file). */
    static synchronized void failed(String where, Throwable t) {
        errors++;
        if (firstError == null) firstError = where + ": " + t;
        try {
            if (out != null) write(new StringBuilder("E\t").append(errors).append('\t').append(clean(firstError)), true);
        } catch (Throwable ignored) {
            // the count is lost; the target must not notice
        }
    }
}
