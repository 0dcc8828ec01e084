package dev.jthreadtrace.agent;

import java.io.FileInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The threads no Java API shows: HotSpot hides some of its Java threads (C1/C2 CompilerThread,
 * Service Thread, Monitor Deflation Thread) from Thread.getAllStackTraces, ThreadMXBean and thread
 * groups, and its own threads (VM Thread, GC Thread#0, G1 Conc#0...) are no Java threads at all;
 * the kernel knows them by 15 bytes of their names. The JVM's own thread dump lists them all, with
 * full name, OS tid, Java id and daemon flag. Taken once, when the JVM exits (after the
 * application's shutdown hooks, which therefore run exactly when they would untraced) and when
 * {@code attach} detaches: a D record ({@link RecordFormat#dumped}) for each thread of the dump
 * that no other record names, i.e. that is not among the live threads the agent sees.
 *
 * <p>The dump comes from the VM's diagnostic command {@code Thread.print} called in-process, the
 * native method behind the JDK's DiagnosticCommand MBean (without the MBean server, which costs
 * half a second): the agent reaches into {@code com.sun.management.internal} of {@code jdk.management}
 * through the JDK's trusted Lookup ({@link JdkFields#privateLookupIn}, from the Lookup java.base hands over for
 * that call, neither kept; no option on the user's command line, no warning), loads the command's native library
 * as the JDK does, and calls the method by reflection. It returns the dump as a String: nothing is
 * printed. Without {@code jdk.management} in the JVM (a jlinked runtime, {@code --limit-modules})
 * there is no dump: those threads keep their kernel names, and a D record says how many.
 *
 * <p>Bounded, since it runs in the target's exit: the dump is a stop-the-world pause whose time
 * and size grow with the threads and their frames (the JVM prints up to 1024 frames a thread). So
 * it is taken only when the JVM has at most {@link #MAX_DUMP_THREADS} threads and its heap has
 * room for twice a generous estimate of that dump ({@link #affordable}): an OutOfMemoryError at
 * exit would run the program's {@code -XX:OnOutOfMemoryError} or change its status under
 * {@code -XX:+ExitOnOutOfMemoryError}. Measured on two cores at load 15: embedded Tomcat's 258
 * threads, 60-200 ms from the start of the shutdown to the records (its hooks, the classes the
 * command loads, the dump); 512 threads 20 frames deep, 40 ms to load the command, 140-260 ms a
 * dump (1.8 KB a thread); 512 threads 1000 frames deep, 2.0 s (36 KB a thread).
 * Otherwise a D record says how many threads keep their kernel names. At most
 * {@link #MAX_THREADS} records, {@link ThreadHook#LINE_BUDGET} chars in all.
 */
final class VmThreads {
    /** Far more than a JVM's own threads (GC and compiler threads grow with the CPUs); beyond that, forged headers. */
    static final int MAX_THREADS = 1024;
    /** No dump past this many threads of the JVM (kernel tasks): its time at exit grows with them. */
    static final int MAX_DUMP_THREADS = 512;
    /**
     * What one thread may take in the dump's String, generously: the JVM's 1024 frames of 128 chars
     * (Tomcat's threads print 1.8 KB, 1000 short frames 36 KB), 2 bytes each when a name makes it UTF-16.
     */
    static final long WORST_BYTES_PER_THREAD = 1024L * 128 * 2;
    /** The exit's dump is taken once, though {@code Shutdown.runHooks()} may return more than once (a second exit returns at once). */
    private static boolean taken;
    private static final String PACKAGE = "com.sun.management.internal", MANAGEMENT = "jdk.management";

    private VmThreads() {}

    /** At the JVM's exit: {@link #write}, the first time only. */
    static void writeAtExit(MethodHandles.Lookup javaBase) throws Exception {
        synchronized (VmThreads.class) {
            if (taken) return;
            taken = true;
        }
        // A loss HooksWatch did not see: a transformer after it that dropped them.
        if (JavaBaseHandOver.hooksGone()) ThreadHook.hooksGone();
        write(MAX_DUMP_THREADS, javaBase);
    }

    /**
     * Whether a dump of a JVM with {@code threads} threads and {@code heapHeadroom} bytes of heap
     * to grow into is taken: at most {@code maxThreads} threads, to bound its time, and room for
     * twice its String.
     */
    static boolean affordable(int threads, long heapHeadroom, int maxThreads) {
        if (threads <= 0 || threads > maxThreads) return false;
        return 2 * threads * WORST_BYTES_PER_THREAD <= heapHeadroom;
    }

    /**
     * Writes the D records of this JVM's dump, taken now; when there is none (not affordable, no
     * diagnostic command), one D record of how many threads were left out. At a detach
     * ({@code maxThreads} unbounded) the JVM runs on: the dump is a pause like the one the tool's
     * attach took of the same threads, and only the heap bounds it.
     */
    static void write(int maxThreads, MethodHandles.Lookup javaBase) throws Exception {
        Set<Long> seen = liveJavaIds();
        int threads = kernelThreads();
        Runtime rt = Runtime.getRuntime();
        String dump = affordable(threads, rt.maxMemory() - rt.totalMemory() + rt.freeMemory(), maxThreads) ? threadPrint(javaBase) : null;
        if (dump == null) {
            // The VM's threads and the hidden ones: the JVM's tasks that are not the live threads it shows.
            int leftOut = Math.max(1, threads - seen.size());
            // Say which module a jlinked runtime lacks, rather than blame the bounds.
            RecordWriter.write(ModuleLayer.boot().findModule(MANAGEMENT).isEmpty()
                    ? RecordFormat.dumpedWithout(System.nanoTime(), leftOut, MANAGEMENT)
                    : RecordFormat.dumpedLeftOut(System.nanoTime(), leftOut), true);
            return;
        }
        DumpHeaders headers = DumpHeaders.parse(dump, MAX_THREADS + seen.size());
        StringBuilder records = new StringBuilder();
        int written = 0, leftOut = 0;
        for (DumpHeaders.Header h : headers.headers()) {
            if (h.javaThread() && seen.contains(h.javaId())) continue;
            StringBuilder line = RecordFormat.dumped(System.nanoTime(), h.tid(), h.javaId(), h.name(), h.daemon());
            if (written == MAX_THREADS || records.length() + line.length() > ThreadHook.LINE_BUDGET) {
                leftOut++;
                continue;
            }
            if (!records.isEmpty()) records.append('\n');
            records.append(line);
            written++;
        }
        leftOut += headers.overflow() + headers.tooLong();
        if (leftOut > 0) {
            if (!records.isEmpty()) records.append('\n');
            records.append(RecordFormat.dumpedLeftOut(System.nanoTime(), leftOut));
        }
        // One write for all: the file is opened per write.
        if (!records.isEmpty()) RecordWriter.write(records, true);
    }

    /** The JVM's threads as the kernel counts them ({@code Threads:} of /proc/self/status): Java threads, hidden or not, and the VM's own. */
    private static int kernelThreads() throws IOException {
        String status;
        // A FileInputStream, not a channel: an interrupted exiting thread must neither fail here nor lose its interrupt.
        try (FileInputStream in = new FileInputStream("/proc/self/status")) {
            status = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        int at = status.indexOf("\nThreads:");
        if (at < 0) return -1;
        int from = at + "\nThreads:".length(), end = status.indexOf('\n', from);
        try {
            return Integer.parseInt(status.substring(from, end < 0 ? status.length() : end).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The Java ids of the platform threads the agent sees now: each has its record (start, construction or present). */
    private static Set<Long> liveJavaIds() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) root = root.getParent();
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n = root.enumerate(threads, true);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < n; i++) ids.add(threads[i].threadId());
        return ids;
    }

    /** {@code Thread.print} of this JVM, as the VM prints it; null without {@code jdk.management} or the command. */
    private static String threadPrint(MethodHandles.Lookup javaBase) throws Exception {
        Optional<Module> management = ModuleLayer.boot().findModule(MANAGEMENT);
        if (management.isEmpty()) return null;
        // Its static initializer loads libmanagement_ext, which holds the command's native method.
        Class.forName(PACKAGE + ".PlatformMBeanProviderImpl", true, null);
        Class<?> commands = Class.forName(PACKAGE + ".DiagnosticCommandImpl", true, null);
        // Method handles called with their exact types, not Method.invoke: reflection spins more
        // method-handle classes for its accessors, at the exit of every traced JVM.
        // Its package is not opened to the agent (the JDK's lambdas that an opening spins cost more than the dump).
        MethodHandles.Lookup lookup = lookup(javaBase, commands);
        MethodHandle instance = lookup.findStatic(commands, "getDiagnosticCommandMBean",
                MethodType.methodType(Class.forName("com.sun.management.DiagnosticCommandMBean", false, null)));
        Object mbean = invoke(instance.asType(MethodType.methodType(Object.class)));
        if (mbean == null) return null; // a VM without diagnostic commands
        MethodHandle execute = lookup.findVirtual(commands, "executeDiagnosticCommand", MethodType.methodType(String.class, String.class));
        return execute(execute.bindTo(mbean));
    }

    private static MethodHandles.Lookup lookup(MethodHandles.Lookup javaBase, Class<?> commands) throws Exception {
        try {
            return JdkFields.privateLookupIn(javaBase, commands);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static Object invoke(MethodHandle noArguments) throws Exception {
        try {
            return (Object) noArguments.invokeExact();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static String execute(MethodHandle command) throws Exception {
        try {
            return (String) command.invokeExact("Thread.print");
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
