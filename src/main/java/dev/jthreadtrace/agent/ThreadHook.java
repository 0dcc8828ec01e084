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
 * <pre>
 * C  nanoTime  creatorOsTid  creatorJavaId  creatorName  newJavaId  newName  virtual  itl=value...
 * S  nanoTime  starterOsTid  starterJavaId  starterName  javaId     name     ITL  itl=value...   (platform threads)
 * M  nanoTime  carrierOsTid  virtualThreadId
 * N  nanoTime  renamerOsTid  javaId  newName     (a started platform thread renamed)
 * E  errors    firstError          (written at each error; the last one counts)
 * </pre>
 */
public final class ThreadHook {
    private static final Set<Class<?>> PLAIN_VALUES = Set.of(String.class, Integer.class, Long.class, Short.class,
            Byte.class, Double.class, Float.class, Boolean.class, Character.class, BigInteger.class, BigDecimal.class);
    private static volatile boolean enabled;
    private static FileOutputStream out;
    private static Field table, value, inheritableThreadLocals;
    private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();
    private static long errors;
    private static String firstError;

    private ThreadHook() {}

    static boolean open(String directory) throws IOException {
        if (directory == null || directory.isEmpty()) return false;
        // The pid from /proc/self rather than ProcessHandle, which loads and initialises more classes.
        String self = Files.readSymbolicLink(Path.of("/proc/self")).toString();
        Path file = Path.of(directory, "jvm-" + self + ".tsv");
        // Unbuffered: every line is in the file as soon as it is written, so there is nothing to
        // flush at exit (a shutdown hook would be a thread of ours in the target's tree).
        out = new FileOutputStream(file.toFile(), true);
        return true;
    }

    static void prepare() throws ReflectiveOperationException {
        table = Class.forName("java.lang.ThreadLocal$ThreadLocalMap").getDeclaredField("table");
        table.setAccessible(true);
        value = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value");
        value.setAccessible(true);
        inheritableThreadLocals = Thread.class.getDeclaredField("inheritableThreadLocals");
        inheritableThreadLocals.setAccessible(true);
    }

    static void enable() {
        enabled = true;
    }

    public static void constructed(Thread created, Object inheritedMap) {
        guarded("constructed", () -> {
            Thread creator = Thread.currentThread();
            StringBuilder line = new StringBuilder("C\t").append(System.nanoTime()).append('\t').append(osTid())
                    .append('\t').append(creator.threadId()).append('\t').append(clean(creator.getName()))
                    .append('\t').append(created.threadId()).append('\t').append(clean(created.getName()))
                    .append('\t').append(created.isVirtual());
            if (inheritedMap != null) appendInherited(line, inheritedMap);
            write(line);
        });
    }

    /**
     * At start() the inherited map is final: a carrier thread's constructor clears the one it copied,
     * and nobody else can change a thread's map between its construction and its start. So the
     * values a platform thread really runs with are read here ({@code ITL} marks that they follow).
     */
    public static void starting(Thread started) {
        guarded("starting", () -> {
            Thread starter = Thread.currentThread();
            StringBuilder line = new StringBuilder("S\t").append(System.nanoTime()).append('\t').append(osTid()).append('\t')
                    .append(starter.threadId()).append('\t').append(clean(starter.getName())).append('\t')
                    .append(started.threadId()).append('\t').append(clean(started.getName()));
            if (!started.isVirtual()) {
                line.append("\tITL");
                Object map = inheritableThreadLocals.get(started);
                if (map != null) appendInherited(line, map);
            }
            write(line);
        });
    }

    /**
     * A started platform thread was renamed (Thread.setName): the tree follows it. A rename before
     * start() is in the start record; a virtual thread has no task of its own to rename.
     */
    public static void renamed(Thread thread) {
        if (thread.isVirtual() || !thread.isAlive()) return;
        guarded("renamed", () -> write(new StringBuilder("N\t").append(System.nanoTime()).append('\t').append(osTid())
                .append('\t').append(thread.threadId()).append('\t').append(clean(thread.getName()))));
    }

    /** A virtual thread is being mounted on the current carrier: one line per mount, the tool counts. */
    public static void mounted(Thread virtual) {
        guarded("mounted", () -> write(new StringBuilder("M\t").append(System.nanoTime()).append('\t').append(osTid())
                .append('\t').append(virtual.threadId())));
    }

    private interface Record {
        void write() throws Exception;
    }

    /**
     * Runs a hook only when enabled and not already inside one on this thread (anything the hook
     * itself does must not record again), and turns every failure into a counted error: a hook
     * inside java.lang.Thread must never throw into the program.
     */
    private static void guarded(String where, Record record) {
        if (!enabled || INSIDE.get() != null) return;
        INSIDE.set(Boolean.TRUE);
        try {
            record.write();
        } catch (Throwable t) {
            failed(where, t);
        } finally {
            INSIDE.remove();
        }
    }

    private static void appendInherited(StringBuilder line, Object map) throws IllegalAccessException {
        Object[] entries = (Object[]) table.get(map);
        if (entries == null) return;
        for (Object entry : entries) {
            if (entry == null) continue;
            Object key = ((java.lang.ref.Reference<?>) entry).get();
            if (key == null) continue;
            line.append('\t').append(clean(localName(key))).append('=').append(clean(render(value.get(entry))));
        }
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
            int n = LOCALS_PER_CLASS.merge(base, 1, Integer::sum);
            boolean plain = threadLocal.getClass() == InheritableThreadLocal.class;
            String name = plain || n > 1 ? base + "#" + n : base;
            LOCAL_NAMES.put(threadLocal, name);
            return name;
        }
    }

    private static String render(Object v) {
        if (v == null) return "null";
        if (PLAIN_VALUES.contains(v.getClass())) return String.valueOf(v);
        if (v instanceof Enum<?> e) return e.getDeclaringClass().getSimpleName() + "." + e.name();
        return "<" + v.getClass().getName() + ">";
    }

    private static String osTid() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        return link.substring(link.lastIndexOf('/') + 1);
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    private static void write(StringBuilder line) throws IOException {
        byte[] bytes = line.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        synchronized (ThreadHook.class) {
            out.write(bytes);
        }
    }

    /** Counts an error and writes the running count (the tool reads the last E line of a file). */
    static synchronized void failed(String where, Throwable t) {
        errors++;
        if (firstError == null) firstError = where + ": " + t;
        try {
            if (out != null) write(new StringBuilder("E\t").append(errors).append('\t').append(clean(firstError)));
        } catch (Throwable ignored) {
            // the count is lost; the target must not notice
        }
    }
}
