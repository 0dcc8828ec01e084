package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The looks of {@link RingNames} on real threads (this JVM's own, each renaming itself through its
 * /proc comm file as a ring's write would, with no stop): a bounded look reads at most
 * {@link RingNames#LOOK_BOUND} threads, the next look goes on after them, a name is reported once,
 * the thread that entered is read at its own enter's exit, and the end's look reads every thread.
 */
class RingNamesTest {
    private static final int ENTER = SyscallTable.number("io_uring_enter").orElseThrow();
    private static final int THREADS = 6;

    /** A thread of this JVM that renames itself when told: its tid, and the names it is told to take. */
    private static final class Namer {
        final LinkedBlockingQueue<String> orders = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Integer> done = new LinkedBlockingQueue<>();
        final Thread thread = Thread.ofPlatform().start(() -> {
            try {
                done.put(Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString()));
                for (String name; !(name = orders.take()).isEmpty(); done.put(0)) write(name);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        /** Renames itself {@code name} and returns once it has. */
        void rename(String name) throws InterruptedException {
            orders.put(name);
            done.take();
        }
    }

    @Test
    void aBoundedLookGoesOnWhereTheLastStoppedAndReportsEachNewNameOnce() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        java.util.TreeMap<Integer, Namer> namers = new java.util.TreeMap<>();
        for (int i = 0; i < THREADS; i++) {
            Namer n = new Namer();
            namers.put(n.done.take(), n);
        }
        try {
            for (Namer n : namers.values()) n.rename("ring-test");
            List<Integer> sorted = List.copyOf(namers.keySet());
            TaskTable tasks = new TaskTable();
            for (int tid : sorted) tasks.add(new Task(tid, pid));
            LinkedBlockingQueue<TraceEvent> queue = new LinkedBlockingQueue<>();
            RingNames rings = new RingNames(tasks, new Events(queue));
            Task caller = tasks.get(sorted.getFirst());
            rings.entered(caller, ENTER, null, 1, null); // marks the process: the names now are known
            // The second and the last rename themselves where no stop sees it.
            namers.get(sorted.get(1)).rename("via-1");
            namers.get(sorted.get(5)).rename("via-5");
            rings.returned(caller, null, 2, null);
            assertEquals(List.of(sorted.get(1) + " via-1 IO_URING_ENTER"), seen(queue), "the first 4 threads only");
            rings.entered(caller, ENTER, null, 3, null);
            rings.returned(caller, null, 4, null);
            assertEquals(List.of(sorted.get(5) + " via-5 IO_URING_ENTER"), seen(queue), "the next ones, then round again: no name twice");
            rings.entered(caller, ENTER, null, 5, null);
            rings.returned(caller, null, 6, null);
            assertEquals(List.of(), seen(queue), "nothing new");
            // The last one names itself through its ring: its own enter's exit sees it, though the turn is the first four's.
            Task last = tasks.get(sorted.get(5));
            rings.entered(last, ENTER, null, 6, null);
            namers.get(sorted.get(5)).rename("self-5");
            rings.returned(last, null, 6, null);
            assertEquals(List.of(sorted.get(5) + " self-5 IO_URING_ENTER"), seen(queue), "the thread that entered is read at its exit");
            namers.get(sorted.get(3)).rename("at-the-end");
            rings.lookAtTheEnd(7, queue::add);
            assertEquals(List.of(sorted.get(3) + " at-the-end END"), seen(queue), "the end reads every thread");
        } finally {
            for (Namer n : namers.values()) n.orders.put("");
            for (Namer n : namers.values()) n.thread.join();
        }
    }

    private static void write(String name) throws Exception {
        try (SeekableByteChannel comm = Files.newByteChannel(Path.of("/proc/thread-self/comm"), StandardOpenOption.WRITE)) {
            comm.write(ByteBuffer.wrap(name.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    private static List<String> seen(LinkedBlockingQueue<TraceEvent> queue) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e; (e = queue.poll()) != null; ) {
            TraceEvent.CommSeen c = (TraceEvent.CommSeen) e;
            out.add(c.tid() + " " + new String(c.name(), StandardCharsets.US_ASCII) + " " + c.at());
        }
        return out;
    }
}
