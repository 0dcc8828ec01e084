package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The thread-dump header a JDK 25 JVM prints, and names that try to forge one. */
class JvmAttachTest {
    @Test
    void platformThreadsComeWithTheirJavaIdAndOsTidAndInternalThreadsAreLeftOut() {
        String dump = """
                2026-11-29 00:57:56
                Full thread dump OpenJDK 64-Bit Server VM (25.0.3+9-LTS mixed mode, sharing):

                "main" #3 [8976] prio=5 os_prio=0 cpu=756.19ms elapsed=2.28s tid=0x00007f398402aac0 nid=8976 waiting on condition  [0x00007f398ad1e000]
                   java.lang.Thread.State: TIMED_WAITING (sleeping)
                \tat java.lang.Thread.sleep(java.base@25.0.3/Thread.java:540)

                "Reference Handler" #12 [8985] daemon prio=10 os_prio=0 cpu=0.55ms elapsed=2.26s tid=0x00007f39840b48a0 nid=8985 waiting on condition  [0x00007f39885a6000]
                "wei"rd #5 [77] name" #31 [9001] daemon prio=5 os_prio=0 cpu=0.1ms elapsed=2s tid=0x1 nid=9001 waiting on condition
                "VM Thread" os_prio=0 cpu=3.31ms elapsed=2.29s tid=0x00007f39840a40a0 nid=8984 runnable
                """;
        List<JavaRecord.Present> threads = JvmAttach.parseThreadDump(42, dump, 7);
        assertEquals(List.of(
                new JavaRecord.Present(42, 7, 8976, 3, "main"),
                new JavaRecord.Present(42, 7, 8985, 12, "Reference Handler"),
                new JavaRecord.Present(42, 7, 9001, 31, "wei\"rd #5 [77] name")), threads);
    }

    @Test
    void aJdk17DumpGivesTheTidInHex() {
        String dump = """
                "main" #1 prio=5 os_prio=0 cpu=775.67ms elapsed=3.34s tid=0x00007fa374018020 nid=0x2de6 waiting on condition  [0x00007fa3797fe000]
                "Reference Handler" #2 daemon prio=10 os_prio=0 cpu=0.64ms elapsed=3.32s tid=0x00007fa3740f64b0 nid=0x2ded waiting on condition  [0x00007fa345ba9000]
                "VM Thread" os_prio=0 cpu=3.31ms elapsed=2.29s tid=0x00007f39840a40a0 nid=0x2de9 runnable
                """;
        assertEquals(List.of(new JavaRecord.Present(42, 7, 0x2de6, 1, "main"), new JavaRecord.Present(42, 7, 0x2ded, 2, "Reference Handler")),
                JvmAttach.parseThreadDump(42, dump, 7));
    }
}
