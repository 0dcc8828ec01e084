package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.DumpHeaders;
import dev.jthreadtrace.agent.RecordField;
import dev.jthreadtrace.event.JavaRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thread dump a JDK 25 JVM prints (and older ones), streamed, names that try to forge a header, and the bounds. */
class ThreadDumpTest {
    private static final String FRAMES = """
               java.lang.Thread.State: WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@25.0.3/Native Method)
            \tat java.util.concurrent.locks.LockSupport.park(java.base@25.0.3/LockSupport.java:369)

            """;

    private static String header(String name, long id, int nid) {
        return header(name, id, nid, true);
    }

    private static String header(String name, long id, int nid, boolean daemon) {
        return "\"" + name + "\" #" + id + " [" + nid + "] " + (daemon ? "daemon " : "") + "prio=5 os_prio=0 cpu=0.63ms elapsed=2.11s"
                + " tid=0x00007f0d484f7ea0 nid=" + nid + " waiting on condition  [0x00007f0d1c2fe000]\n";
    }

    /** A dump's record of a thread: its daemon flag comes with it. */
    private static JavaRecord.Present present(int tid, long id, String name, boolean daemon) {
        return new JavaRecord.Present(42, 7, tid, id, name, java.util.Map.of("daemon", Boolean.toString(daemon)));
    }

    private static JavaRecord.Present present(int tid, long id, String name) {
        return present(tid, id, name, true);
    }

    private static List<JavaRecord.Present> threads(String dump) {
        return ThreadDump.parse(42, dump.getBytes(StandardCharsets.UTF_8), 7).threads();
    }

    @Test
    void javaThreadsComeWithTheirJavaIdAndOsTidAndTheVmsOwnThreadsApart() {
        String dump = """
                2026-11-29 00:57:56
                Full thread dump OpenJDK 64-Bit Server VM (25.0.3+9-LTS mixed mode, sharing):

                Threads class SMR info:
                _java_thread_list=0x00007f0cfc002970, length=17, elements={
                0x00007f0d4802aa70, 0x00007f0d480b4eb0
                }

                """ + header("main", 3, 8976, false) + FRAMES + header("Reference Handler", 12, 8985) + FRAMES
                + header("wei\"rd #5 [77] name", 31, 9001) + FRAMES + """
                "VM Thread" os_prio=0 cpu=5.95ms elapsed=3.31s tid=0x00007f0d480a8610 nid=3449 runnable

                "GC Thread#0" os_prio=0 cpu=13.13ms elapsed=3.36s tid=0x00007f0d48057b90 nid=3442 runnable

                JNI global refs: 7, weak refs: 0
                """;
        ThreadDump.Result r = ThreadDump.parse(42, dump.getBytes(StandardCharsets.UTF_8), 7);
        assertEquals(List.of(
                present(8976, 3, "main", false),
                present(8985, 12, "Reference Handler"),
                present(9001, 31, "wei\"rd #5 [77] name")), r.threads());
        assertEquals(List.of(vm(3449, "VM Thread"), vm(3442, "GC Thread#0")), r.vmThreads(), "no Java threads: full names only");
    }

    private static JavaRecord.Dumped vm(int tid, String name) {
        return new JavaRecord.Dumped(42, 7, tid, JavaRecord.Dumped.NO_JAVA_ID, name, java.util.Map.of());
    }

    /**
     * The tool reads a dump's bytes as the agent reads its own JVM's dump as a string: the same
     * headers, whatever the names hold (a line break before a non-ASCII char, a tab, a forged
     * state line, a forged header of the VM's).
     */
    @Test
    void theBytesOfADumpGiveWhatTheAgentReadsFromItsString() {
        String dump = header("a\n\u00e9\n\tb", 1, 101) + FRAMES + header("c\n\"d\" os_prio=0 tid=0x1 nid=102 x\n\n\"e", 2, 103) + FRAMES
                + header("f\n   java.lang.Thread.State: RUNNABLE\n\"g\uD83D\uDE00", 3, 104) + FRAMES
                + "\"VM Thread\" os_prio=0 cpu=5.95ms elapsed=3.31s tid=0x00007f0d480a8610 nid=102 runnable\n\n";
        ThreadDump.Result r = ThreadDump.parse(42, dump.getBytes(StandardCharsets.UTF_8), 7);
        List<JavaRecord> fromBytes = new java.util.ArrayList<>(r.threads());
        fromBytes.addAll(r.vmThreads());
        List<JavaRecord> fromString = new java.util.ArrayList<>();
        for (DumpHeaders.Header h : DumpHeaders.parse(dump, ThreadDump.MAX_THREADS).headers()) {
            if (h.javaThread()) fromString.add(present(h.tid(), h.javaId(), h.name(), h.daemon()));
        }
        for (DumpHeaders.Header h : DumpHeaders.parse(dump, ThreadDump.MAX_THREADS).headers()) {
            if (!h.javaThread()) fromString.add(vm(h.tid(), h.name()));
        }
        assertEquals(fromString, fromBytes);
        assertEquals(List.of(103, 104), fromBytes.stream().map(JavaRecord::osTid).toList(),
                "101's name ends its block at the line that starts with a tab (a stack frame's); tid 102 claimed twice: by neither");
    }

    @Test
    void aJdk17DumpGivesTheTidInHex() {
        String dump = """
                "main" #1 prio=5 os_prio=0 cpu=775.67ms elapsed=3.34s tid=0x00007fa374018020 nid=0x2de6 waiting on condition  [0x00007fa3797fe000]
                   java.lang.Thread.State: TIMED_WAITING (sleeping)

                "Reference Handler" #2 daemon prio=10 os_prio=0 cpu=0.64ms elapsed=3.32s tid=0x00007fa3740f64b0 nid=0x2ded waiting on condition  [0x00007fa345ba9000]
                   java.lang.Thread.State: RUNNABLE

                "VM Thread" os_prio=0 cpu=3.31ms elapsed=2.29s tid=0x00007f39840a40a0 nid=0x2de9 runnable
                """;
        assertEquals(List.of(present(0x2de6, 1, "main", false), present(0x2ded, 2, "Reference Handler")),
                threads(dump));
    }

    /** HotSpot prints names in modified UTF-8 (bytes seen from a JDK 25 jcmd): decoded as UTF-8 they became U+FFFD. */
    @Test
    void namesAreDecodedFromModifiedUtf8Exactly() throws IOException {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        byte[][] names = {
                {'e', (byte) 0xed, (byte) 0xa0, (byte) 0xbd, (byte) 0xed, (byte) 0xb8, (byte) 0x80}, // U+1F600 as two halves
                {'l', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '-'},                                    // an unpaired U+D800
                {'n', (byte) 0xc0, (byte) 0x80, 'x'},                                                 // NUL
                {'l', (byte) 0xc3, (byte) 0xa9},                                                      // é
        };
        for (int i = 0; i < names.length; i++) {
            dump.write('"');
            dump.write(names[i]);
            dump.write(header("", i + 1, 100 + i).substring(1).getBytes(StandardCharsets.US_ASCII));
            dump.write(FRAMES.getBytes(StandardCharsets.US_ASCII));
        }
        List<String> decoded = ThreadDump.parse(42, dump.toByteArray(), 7).threads().stream().map(JavaRecord.Present::name).toList();
        assertEquals(List.of("e\uD83D\uDE00", "l\uD800-", "n\u0000x", "l\u00e9"), decoded);
    }

    @Test
    void aNameWithALineBreakIsReadWholeAndCannotNameAnotherThread() {
        String dump = header("nl\n\"forged\" #5 [1] x", 22, 3477) + FRAMES + header("victim", 23, 1) + FRAMES;
        assertEquals(List.of(present(3477, 22, "nl\n\"forged\" #5 [1] x"),
                present(1, 23, "victim")), threads(dump));
    }

    /** A name that forges the state line too ends its block early: two headers claim tid 1, which then gets no name. */
    @Test
    void aTidClaimedTwiceGetsNoNameAndANote() {
        String forger = "a\" #5 [1] x\n   java.lang.Thread.State: RUNNABLE\n\n\"b";
        ThreadDump.Result r = ThreadDump.parse(42, (header(forger, 22, 3477) + FRAMES + header("victim", 23, 1) + FRAMES
                + header("bystander", 24, 2) + FRAMES).getBytes(StandardCharsets.UTF_8), 7);
        assertEquals(List.of(present(3477, 22, "b"), present(2, 24, "bystander")),
                r.threads(), "tid 1 named by neither header");
        assertEquals(1, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().getFirst().contains("tid(s) 1 claimed by more than one header"), r.notes().getFirst());
    }

    /**
     * JDK 25's attach stream: its native read limits the count by {@code len - off}, so a short read
     * at a large offset overruns the array (readNBytes did that on every dump over 16 KiB).
     */
    private static final class Jdk25AttachStream extends InputStream {
        private final byte[] data;
        private int at;

        Jdk25AttachStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return at < data.length ? data[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= data.length) return -1;
            long remaining = Integer.toUnsignedLong(len - off);
            int n = (int) Math.min(Math.min(128, remaining), data.length - at);
            Objects.checkFromIndexSize(off, n, b.length);
            System.arraycopy(data, at, b, off, n);
            at += n;
            return n;
        }
    }

    @Test
    void aDumpOf500ThreadsIsReadFromTheJdk25StreamWithCollidingKernelNames() throws IOException {
        StringBuilder dump = new StringBuilder("Full thread dump OpenJDK 64-Bit Server VM (25.0.3+9-LTS mixed mode, sharing):\n\n");
        for (int i = 1; i <= 500; i++) dump.append(header("http-nio-9127-exec-" + i, 30 + i, 5000 + i)).append(FRAMES);
        byte[] bytes = dump.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length > 64 * 1024, "several 16 KiB reads: " + bytes.length);
        ThreadDump.Result r = ThreadDump.read(42, new Jdk25AttachStream(bytes), 7);
        assertEquals(500, r.threads().size());
        for (int i = 1; i <= 500; i++) {
            assertEquals(present(5000 + i, 30 + i, "http-nio-9127-exec-" + i), r.threads().get(i - 1));
        }
        assertEquals(List.of(), r.notes());
    }

    @Test
    void aHugeNameIsCutWithAMarkerAndAnOverlongHeaderIsSkippedWithANote() {
        String big = "n".repeat(RecordField.MAX_CHARS + 10);
        String huge = "h".repeat(ThreadDump.MAX_HEADER + 1);
        ThreadDump.Result r = ThreadDump.parse(42, (header(big, 1, 101) + FRAMES + header(huge, 2, 102) + FRAMES
                + header("after", 3, 103) + FRAMES).getBytes(StandardCharsets.UTF_8), 7);
        assertEquals(List.of(present(101, 1, "n".repeat(RecordField.MAX_CHARS) + "...[10 more chars]"),
                present(103, 3, "after")), r.threads());
        assertEquals(List.of("JVM 42's thread dump: 1 header(s) over 1 MiB skipped; those threads keep their kernel names"), r.notes());
    }

    /** A dump that never ends (a hostile or broken JVM): read up to the cap, with a note; memory stays flat. */
    @Test
    void anEndlessDumpIsCutAtTheCap() throws IOException {
        byte[] head = (header("first", 1, 101) + "   java.lang.Thread.State: RUNNABLE\n").getBytes(StandardCharsets.UTF_8);
        byte[] frame = "\tat x.Y.z(Y.java:1)\n".getBytes(StandardCharsets.UTF_8);
        InputStream endless = new InputStream() {
            private long at;

            @Override
            public int read() {
                long i = at++;
                return i < head.length ? head[(int) i] & 0xff : frame[(int) ((i - head.length) % frame.length)] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) b[off + i] = (byte) read();
                return len;
            }
        };
        ThreadDump.Result r = ThreadDump.read(42, endless, 7);
        assertEquals(List.of(present(101, 1, "first")), r.threads());
        assertEquals(List.of("JVM 42's thread dump: read up to 256 MiB; the threads after that keep their kernel names"), r.notes());
    }

    @Test
    void onlyTheFirst65536ThreadsAreKept() {
        StringBuilder dump = new StringBuilder();
        for (int i = 1; i <= ThreadDump.MAX_THREADS + 3; i++) dump.append(header("t", i, i)).append("   java.lang.Thread.State: RUNNABLE\n\n");
        ThreadDump.Result r = ThreadDump.parse(42, dump.toString().getBytes(StandardCharsets.UTF_8), 7);
        assertEquals(ThreadDump.MAX_THREADS, r.threads().size());
        assertEquals(List.of("JVM 42's thread dump: 3 thread(s) past the first 65536 keep their kernel names"), r.notes());
    }
}
