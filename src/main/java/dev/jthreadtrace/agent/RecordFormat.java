package dev.jthreadtrace.agent;

/**
 * The agent's record file, one codec for both sides: the agent ({@link ThreadHook}) writes its
 * lines with these kinds, markers and builders, the tool ({@code jvm.AgentRecordParser}) reads them
 * with the same constants. One line per record, tab-separated; string fields escaped by
 * {@link RecordField}.
 * <pre>
 * C  nanoTime  creatorOsTid  creatorJavaId  creatorName  newJavaId  newName  virtual  itl=value...  [ATTR ccl=L]  [STACK  frames]
 *    (ATTR on a virtual thread's, held until its start(): the context class loader it runs with)
 * S  nanoTime  starterOsTid  starterJavaId  starterName  javaId     name     ITL  itl=value...
 *    ATTR  daemon=B  priority=N  group=G  ccl=L  [jdk_pool=P | jdk_thread=C]  [STACK  frames]
 *    (jdk_pool: the pool of the JDK's own the thread works for, {@code JdkPools}: not the program's to shut down;
 *    jdk_thread: a thread the JDK made for itself, the JDK class whose code started it, {@code JdkThreads})
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
 * D  nanoTime  osTid  javaId  name  [ATTR  daemon=B]     (at shutdown or detach, a thread of the JVM's own thread
 *                                   dump that no other record names: a hidden Java thread (compiler, Service
 *                                   Thread...), or one of the VM's own with javaId -1 and no ATTR (GC, VM Thread...))
 * D  nanoTime  0  -1  (empty)  ATTR  left_out=N     (after them: N more were not written, past the bounds)
 * X  nanoTime  osTid     (the JVM began to shut down: Shutdown.runHooks(), from System.exit or after main's return)
 * U  nanoTime  osTid  javaId  exceptionClass     (a platform thread's uncaught exception dispatched, on the thread
 *                                                 itself: Thread.dispatchUncaughtException)
 * E  errors    firstError          (written at each error; the last one counts)
 * </pre>
 */
public final class RecordFormat {
    public static final String CONSTRUCTED = "C", STARTED = "S", VIRTUAL_STARTED = "A", MOUNTS = "M", RENAMED = "N",
            PRESENT = "P", SCOPED_VALUES = "V", DUMPED = "D", SHUTDOWN = "X", UNCAUGHT = "U", ERRORS = "E";
    /** A D record's Java id for a thread of the VM itself, and its attribute saying how many were left out. */
    public static final long NO_JAVA_ID = DumpHeaders.NO_JAVA_ID;
    public static final String LEFT_OUT = "left_out", MISSING_MODULE = "missing_module";
    /** The agent's error (its {@link #ERRORS} line) when the hooks in java.lang.Thread were gone at the exit. */
    public static final String HOOKS_GONE = "hooks gone";
    /** Markers: the thread-locals of a start record follow; the attributes follow; the creation stack follows. */
    public static final String ITL = "ITL", ATTR = "ATTR", STACK = "STACK";
    public static final char FIELD = '\t', FRAME = ';', FRAME_PART = '|';
    /** A scoped-value binding's key is its name with this prefix, beside the thread-locals. */
    public static final String SCOPED_VALUE = "sv:";
    /** The ATTR key of a thread of one of the JDK's own pools ({@code ForkJoinPool.commonPool()}...): its pool. */
    public static final String JDK_POOL = "jdk_pool";
    /** The ATTR key of a thread the JDK made for itself ({@code InnocuousThread.newSystemThread}): the JDK class that started it. */
    public static final String JDK_THREAD = "jdk_thread";
    /** A record that took no more thread-locals (its line was full) ends with {@code (cut)=N more}. */
    public static final String CUT = "(cut)";

    private RecordFormat() {}

    /**
     * The file one JVM writes: {@code jvm-PID.tsv}, or {@code jvm-PID-HOSTPID.tsv} with the pid the
     * tool gave it at its exec (PID is its own, which a JVM in a PID namespace of its own shares
     * with its siblings); the tool reads only files named so.
     */
    public static String fileName(String pid, String hostPid) {
        return FILE_PREFIX + pid + (hostPid == null ? "" : "-" + hostPid) + FILE_SUFFIX;
    }

    public static final String FILE_PREFIX = "jvm-", FILE_SUFFIX = ".tsv";

    /** The first fields of a record: its kind, the time and the OS tid (0 where none applies). */
    public static StringBuilder record(String kind, long ns, String osTid) {
        return new StringBuilder(kind).append(FIELD).append(ns).append(FIELD).append(osTid);
    }

    /** A C record up to its thread-locals: who constructed which thread, and whether it is virtual. */
    public static StringBuilder constructed(long ns, String osTid, long creatorId, String creatorName, long id, String name, boolean virtual) {
        return record(CONSTRUCTED, ns, osTid).append(FIELD).append(creatorId).append(FIELD).append(RecordField.escape(creatorName))
                .append(FIELD).append(id).append(FIELD).append(RecordField.escape(name)).append(FIELD).append(virtual);
    }

    /** An S record up to its marker: who started which thread. */
    public static StringBuilder started(long ns, String osTid, long starterId, String starterName, long id, String name) {
        return record(STARTED, ns, osTid).append(FIELD).append(starterId).append(FIELD).append(RecordField.escape(starterName))
                .append(FIELD).append(id).append(FIELD).append(RecordField.escape(name));
    }

    /** An N or P record: a thread's (new) name. */
    public static StringBuilder named(String kind, long ns, String osTid, long id, String name) {
        return record(kind, ns, osTid).append(FIELD).append(id).append(FIELD).append(RecordField.escape(name));
    }

    /** A D record: a thread of the JVM's own dump, its Java id ({@link #NO_JAVA_ID} for one of the VM's) and daemon flag. */
    public static StringBuilder dumped(long ns, int osTid, long id, String name, boolean daemon) {
        StringBuilder line = named(DUMPED, ns, Integer.toString(osTid), id, name);
        return id == NO_JAVA_ID ? line : pair(marker(line, ATTR), "daemon", String.valueOf(daemon));
    }

    /** The D record after the written ones when the bounds left {@code n} threads out. */
    public static StringBuilder dumpedLeftOut(long ns, int n) {
        return pair(marker(named(DUMPED, ns, "0", NO_JAVA_ID, ""), ATTR), LEFT_OUT, Integer.toString(n));
    }

    /** The D record of a JVM whose runtime lacks {@code module}, which the dump needs: {@code n} threads left out. */
    public static StringBuilder dumpedWithout(long ns, int n, String module) {
        return pair(dumpedLeftOut(ns, n), MISSING_MODULE, module);
    }

    /** {@code \tkey=value}, both escaped. */
    public static StringBuilder pair(StringBuilder line, String key, String value) {
        return line.append(FIELD).append(RecordField.escape(key)).append('=').append(RecordField.escape(value));
    }

    /** {@code \tMARKER}: the fields after it are the thread-locals ({@link #ITL}), attributes ({@link #ATTR}) or stack ({@link #STACK}). */
    public static StringBuilder marker(StringBuilder line, String marker) {
        return line.append(FIELD).append(marker);
    }

    /** One frame of a STACK field, {@code class|method|file|line}, after a {@link #FRAME} when it is not the first. */
    public static StringBuilder frame(StringBuilder frames, String className, String method, String file, int line) {
        if (!frames.isEmpty()) frames.append(FRAME);
        // ';' and '|' are escaped in each part: they separate frames and their parts
        return frames.append(RecordField.escape(className)).append(FRAME_PART).append(RecordField.escape(method))
                .append(FRAME_PART).append(RecordField.escape(file)).append(FRAME_PART).append(line);
    }
}
