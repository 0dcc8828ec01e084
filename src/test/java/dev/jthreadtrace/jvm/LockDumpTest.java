package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The lock view read from a real {@code Thread.print -l} of JDK 25 (the JavaDeadlock fixture's
 * ReentrantLock cycle, cut down), and from dumps that try to mislead it.
 */
class LockDumpTest {
    /** Every tid a task of the JVM, no kernel name read. */
    private static final LockDump.Tasks ANY = tasks(Map.of(), true);

    /** The JVM's tasks: tid to kernel name; {@code others}: whether any other tid is one too. */
    private static LockDump.Tasks tasks(Map<Integer, String> comms, boolean others) {
        return new LockDump.Tasks() {
            @Override
            public boolean has(int tid) {
                return others || comms.containsKey(tid);
            }

            @Override
            public String comm(int tid) {
                return comms.get(tid);
            }
        };
    }
    private static Map<String, JavaRecord.LockedThread> byName(JavaRecord.Locks locks) {
        return locks.threads().stream().collect(Collectors.toMap(JavaRecord.LockedThread::name, Function.identity()));
    }

    @Test
    void aReentrantLockCycleAsTheJvmPrintsIt() throws IOException {
        byte[] dump = Files.readAllBytes(Path.of("src/test/resources/jvm/thread-print-l-reentrantlock.txt"));
        JavaRecord.Locks locks = LockDump.parse(25546, dump, 9, ANY);
        assertEquals(1, locks.deadlocksFound(), "the JVM's own count, from 'Found 1 deadlock.'");
        Map<String, JavaRecord.LockedThread> t = byName(locks);
        // Threads that neither wait for a lock nor hold one (Attach Listener, GC) are left out; the
        // deadlock section's '"locker-left":' lines belong to no thread.
        assertEquals(List.of("locker-left", "locker-right", "main"), t.keySet().stream().sorted().toList());

        JavaRecord.LockedThread left = t.get("locker-left");
        assertEquals(25575, left.tid());
        assertEquals(22, left.id());
        assertEquals("WAITING (parking)", left.state());
        assertEquals(new JavaRecord.LockWait(JavaRecord.WaitKind.PARK,
                new JavaRecord.Lock("0x000000069ec185a0", "java.util.concurrent.locks.ReentrantLock$NonfairSync")), left.waiting());
        assertEquals(List.of(new JavaRecord.Lock("0x000000069ec18570", "java.util.concurrent.locks.ReentrantLock$NonfairSync")),
                left.held(), "its ownable synchronizer");
        assertEquals(LockDump.FRAMES, left.frames().size());
        assertEquals("jdk.internal.misc.Unsafe.park(Native Method)", left.frames().getFirst().toString());
        assertEquals("dev.jthreadtrace.fixtures.JavaDeadlock.holdThenTake(JavaDeadlock.java:63)", left.frames().get(7).toString());

        JavaRecord.LockedThread main = t.get("main");
        assertEquals(JavaRecord.WaitKind.WAIT, main.waiting().kind(), "Thread.join waits in Object.wait: for a notify, not an owner");
        assertEquals(List.of(new JavaRecord.Lock("0x000000069eca3d90", "java.lang.Thread")), main.held());
        assertEquals("java.lang.Thread.join(Thread.java:1887)", main.frames().get(2).toString());
    }

    private static final String MONITOR_WAIT = """
               java.lang.Thread.State: BLOCKED (on object monitor)
            \tat com.example.A.run(A.java:5)
            \t- waiting to lock <0x0000000000000b0b> (a java.lang.Object)
            \t- locked <0x0000000000000a0a> (a java.lang.Object)

               Locked ownable synchronizers:
            \t- None

            """;

    private static String header(String name, int nid) {
        return "\"" + name + "\" #9 [" + nid + "] prio=5 os_prio=0 cpu=0.1ms elapsed=1s tid=0x1 nid=" + nid
                + " waiting for monitor entry  [0x2]\n";
    }

    @Test
    void aTidTwoHeadersClaimIsDroppedAndANameCannotForgeALockLine() {
        String dump = header("twice", 77) + MONITOR_WAIT + header("twice-again", 77) + MONITOR_WAIT
                // A name with a newline and a forged lock line: the tab line ends the header, which
                // then does not parse, so no line after it belongs to any thread.
                + header("evil\n\t- locked <0x0000000000000c0c> (a java.lang.Object)", 78) + MONITOR_WAIT
                + header("plain", 79) + MONITOR_WAIT;
        JavaRecord.Locks locks = LockDump.parse(1, dump.getBytes(StandardCharsets.UTF_8), 0, ANY);
        assertEquals(1, locks.threads().size(), locks.toString());
        JavaRecord.LockedThread plain = locks.threads().getFirst();
        assertEquals(79, plain.tid());
        assertEquals("plain", plain.name());
        assertEquals(List.of(new JavaRecord.Lock("0x0000000000000a0a", "java.lang.Object")), plain.held());
        assertEquals(new JavaRecord.LockWait(JavaRecord.WaitKind.ENTER, new JavaRecord.Lock("0x0000000000000b0b", "java.lang.Object")),
                plain.waiting());
        assertEquals(0, locks.deadlocksFound());
    }

    @Test
    void boundedHeldLocksAndNoDeadlockLine() {
        StringBuilder dump = new StringBuilder(header("holder", 90)).append("   java.lang.Thread.State: RUNNABLE\n");
        for (int i = 0; i < LockDump.MAX_HELD + 10; i++) {
            dump.append("\tat com.example.A.f").append(i).append("(A.java:").append(i).append(")\n")
                    .append("\t- locked <0x").append(Integer.toHexString(0x1000 + i)).append("> (a java.lang.Object)\n");
        }
        JavaRecord.Locks locks = LockDump.parse(1, dump.toString().getBytes(StandardCharsets.UTF_8), 0, ANY);
        JavaRecord.LockedThread holder = locks.threads().getFirst();
        assertEquals(LockDump.MAX_HELD, holder.held().size());
        assertEquals(LockDump.FRAMES, holder.frames().size());
        assertNull(holder.waiting());
        assertEquals("RUNNABLE", holder.state());
    }

    /**
     * hostile12 F3: "left" renamed to a text that forges "bystander"'s header (its tid) and a state
     * line, so left's own header line starts with a tab and its lock lines follow the forgery; and
     * a forged header names a tid of another process. Bystander keeps its facts (its kernel name
     * begins its real header, not the forged one), the other process's tid gets none, and the JVM's
     * own "Found 1 deadlock" stays beside (which makes deadlocks unknown when the tool finds fewer).
     */
    @Test
    void aForgedHeaderNeitherTakesARealThreadsFactsNorNamesATaskOutsideTheJvm() {
        String forged = "left\n" + header("bystander", 40).trim() + "\n   java.lang.Thread.State: BLOCKED (on object monitor)\n"
                + "\tat Forged.f(Forged.java:1)";
        String dump = header("bystander", 40) + """
                   java.lang.Thread.State: TIMED_WAITING (on object monitor)
                \t- waiting on <0x0000000000000d0d> (a java.lang.Object)
                \t- locked <0x0000000000000e0e> (a java.lang.Object)

                """ + header(forged, 41) + MONITOR_WAIT + header("ghost", 9999) + MONITOR_WAIT + "Found 1 deadlock.\n";
        JavaRecord.Locks locks = LockDump.parse(1, dump.getBytes(StandardCharsets.UTF_8), 0,
                tasks(Map.of(40, "bystander", 41, "left"), false));
        Map<String, JavaRecord.LockedThread> t = byName(locks);
        assertEquals(List.of("bystander"), List.copyOf(t.keySet()), locks.toString());
        assertEquals(40, t.get("bystander").tid());
        assertEquals(List.of(new JavaRecord.Lock("0x0000000000000e0e", "java.lang.Object")), t.get("bystander").held());
        assertEquals(1, locks.deadlocksFound());
    }
}
