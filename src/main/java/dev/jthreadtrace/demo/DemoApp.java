package dev.jthreadtrace.demo;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The program {@code jthreadtrace demo} traces: the story of threads and their creators.
 * <ol>
 *   <li>main creates {@code inner-1};</li>
 *   <li>inner-1 pins itself to CPU 0 (sched_setaffinity through FFM) — a setting every thread it
 *       creates from now on inherits — then creates {@code inner-2};</li>
 *   <li>inner-1 and inner-2 contend for a lock for a few milliseconds (futex waits and wakes), and
 *       inner-2 allocates a 32 MiB direct buffer (an mmap);</li>
 *   <li>inner-1 joins inner-2; main joins inner-1, then creates {@code sibling}, which does
 *       <em>not</em> inherit the affinity: it was created by main, not by inner-1.</li>
 * </ol>
 * The Java-level twin of the affinity: an {@code InheritableThreadLocal} set to "main" by main and
 * to "inner-1" by inner-1 before it creates inner-2 (with the JVM view on, the report shows
 * inner-2 starting with "inner-1" and sibling with "main").
 */
public final class DemoApp {
    private static final ReentrantLock LOCK = new ReentrantLock();

    /** Whose request a thread works for: handed to every thread its creator constructs. */
    static final class Story extends InheritableThreadLocal<String> {}

    private static final Story STORY = new Story();
    private static volatile long sink;

    private DemoApp() {}

    public static void main(String[] args) throws Exception {
        STORY.set("main");
        Thread inner1 = new Thread(DemoApp::inner1, "inner-1");
        inner1.start();
        inner1.join();
        Thread sibling = new Thread(() -> work(2), "sibling");
        sibling.start();
        sibling.join();
        System.out.println("demo: inner-1, inner-2 and sibling done (allowed CPUs of inner-2 were pinned by inner-1)");
    }

    private static void inner1() {
        pinToCpu0();
        STORY.set("inner-1");
        Thread inner2 = new Thread(DemoApp::inner2, "inner-2");
        inner2.start();
        contend();
        try {
            inner2.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void inner2() {
        ByteBuffer big = ByteBuffer.allocateDirect(32 << 20);
        big.put(0, (byte) 1);
        contend();
    }

    /** Takes the shared lock a few times, holding it long enough for the other thread to block. */
    private static void contend() {
        for (int i = 0; i < 5; i++) {
            LOCK.lock();
            try {
                work(1);
            } finally {
                LOCK.unlock();
            }
            Thread.yield();
        }
    }

    private static void work(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) x++;
        sink = x;
    }

    /** {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);} for the calling thread. */
    private static void pinToCpu0() {
        Linker linker = Linker.nativeLinker();
        MethodHandle setAffinity = linker.downcallHandle(linker.defaultLookup().find("sched_setaffinity").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(JAVA_LONG);
            mask.set(JAVA_LONG, 0, 1L);
            int result = (int) setAffinity.invokeExact(0, 8L, mask);
            if (result != 0) System.err.println("demo: sched_setaffinity failed");
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
