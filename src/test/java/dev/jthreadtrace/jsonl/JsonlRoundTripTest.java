package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.StartClock;
import dev.jthreadtrace.session.TraceSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer and the reader agree on the contract without any ptrace: a recorded stream written as
 * JSONL and read back gives the same events (written again, byte for byte the same text) and a
 * model with the same final records.
 */
class JsonlRoundTripTest {
    /** A file read back: its events, kept here (the reader hands them on), and the rest. */
    record Read(List<TraceEvent> events, TraceReader.Saved saved) {
        static Read of(Path file) throws TraceFileException {
            List<TraceEvent> events = new ArrayList<>();
            return new Read(events, TraceReader.read(file, events::add));
        }

        List<JavaRecord> java() {
            return saved.java();
        }
    }

    private static String write(List<TraceEvent> events, List<JavaRecord> java) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceModel model = new TraceModel();
        try (Output out = new Output(bytes, false)) {
            JsonLines lines = new JsonLines(out, 32, TraceSelection.parse("all").shown(), "0123456789abcdef",
                    StartClock.saved(1_700_000_000_123_456_789L));
            for (TraceEvent e : events) {
                model.accept(e);
                lines.event(e, model);
            }
            model.attachJava(JavaJoin.join(model, java));
            lines.finalRecords(model, List.of());
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBackToTheSameTrace(@TempDir Path tmp) throws Exception {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        // The tracer's failure value travels too.
        events.set(events.size() - 1, new TraceEvent.TraceEnded(events.getLast().ns(), 0, "IllegalStateException: boom"));
        List<JavaRecord> java = List.of(
                new JavaRecord.Constructed(RecordedTrace.MAIN, 3_000_000, RecordedTrace.MAIN, 1, "main", 20, "inner-1",
                        false, Map.of("RequestContext", "r-42")),
                new JavaRecord.Started(RecordedTrace.MAIN, 3_500_000, RecordedTrace.MAIN, 1, "main", 20, "inner-1", Map.of(),
                        List.of(new JavaRecord.Frame("com.example.App", "main", "App.java", 12)), Map.of("ccl", "app@1", "daemon", "false")),
                new JavaRecord.Mounts(RecordedTrace.MAIN, 4_000_000, RecordedTrace.INNER1, 77));
        String first = write(events, java);
        Path file = Files.writeString(tmp.resolve("trace.jsonl"), first);

        Read saved = Read.of(file);
        assertEquals(events.size(), saved.events().size());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(events.get(i).getClass(), saved.events().get(i).getClass(), "event " + i);
        }
        assertEquals("IllegalStateException: boom", ((TraceEvent.TraceEnded) saved.events().getLast()).failure());
        assertEquals(java.size(), saved.java().size());
        assertEquals(java.getFirst(), saved.java().getFirst());
        assertEquals(java.get(1), saved.java().get(1), "a started record's stack and settings come back");

        String second = write(saved.events(), saved.java());
        assertEquals(first, second, "written, read and written again: the same text");
        assertTrue(first.contains("\"type\":\"thread\"") && first.contains("\"itl\":{\"RequestContext\":\"r-42\"}"), first);
        assertTrue(first.contains("\"virtual_thread_mounts\":77"), first);

        // Version 1, saved by jthreadtrace 0.1: a "mounted" record per mount, read as counts.
        String mounts = first.lines().filter(l -> l.contains("\"kind\":\"mounts\"")).findFirst().orElseThrow();
        String mounted = mounts.replace("\"kind\":\"mounts\",\"count\":77", "\"kind\":\"mounted\",\"id\":31");
        Path v1 = Files.writeString(tmp.resolve("v1.jsonl"), first.replace(mounts, mounted).replace("\"v\":2,", "\"v\":1,"));
        Read old = Read.of(v1);
        assertEquals(List.of(new JavaRecord.Mounts(RecordedTrace.MAIN, 4_000_000, RecordedTrace.INNER1, 1)),
                old.java().stream().filter(j -> j instanceof JavaRecord.Mounts).toList());
    }

    /**
     * A virtual thread's start() record folds into its construction record (the loader it started
     * with wins); one whose construction is not in the trace (before an attach) is kept as its own
     * record, and comes back from the file.
     */
    @Test
    void aVirtualThreadsStartFoldsIntoItsConstructionOrIsKeptAlone(@TempDir Path tmp) throws Exception {
        int pid = RecordedTrace.MAIN;
        List<JavaRecord> java = List.of(
                new JavaRecord.Constructed(pid, 3_000_000, pid, 1, "main", 30, "v-1", true, Map.of(), List.of(), Map.of("ccl", "old@1")),
                new JavaRecord.VirtualStarted(pid, 3_100_000, 0, 30, Map.of("ccl", "new@2")),
                new JavaRecord.VirtualStarted(pid, 3_200_000, 0, 99, Map.of("ccl", "app@3")));
        String first = write(RecordedTrace.threadsFixture(), java);
        assertTrue(first.contains("\"kind\":\"constructed\",\"by_id\":1,\"by_name\":\"main\",\"id\":30,\"name\":\"v-1\",\"virtual\":true,"
                + "\"itl\":{},\"stack\":[],\"attributes\":{\"ccl\":\"new@2\"}"), first);
        assertEquals(1, first.lines().filter(l -> l.contains("\"kind\":\"virtual_started\"")).count(), first);
        TraceReader.Saved saved = Read.of(Files.writeString(tmp.resolve("v.jsonl"), first)).saved();
        assertEquals(new JavaRecord.VirtualStarted(pid, 3_200_000, 0, 99, Map.of("ccl", "app@3")), saved.java().getLast());
        assertEquals(first, write(RecordedTrace.threadsFixture(), saved.java()), "written, read and written again: the same text");
    }

    @Test
    void aSignalsSiginfoAndTheCapturesOfEverySlotComeBack(@TempDir Path tmp) throws Exception {
        byte[] siginfo = java.nio.ByteBuffer.allocate(dev.jthreadtrace.decode.Siginfo.SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(0, 10).putInt(8, 0).putInt(16, 4242).putInt(20, 1000).array();
        dev.jthreadtrace.decode.Captures open = new dev.jthreadtrace.decode.Captures();
        open.put(1, "/etc/passwd".getBytes(StandardCharsets.UTF_8));
        open.put(dev.jthreadtrace.decode.Captures.RETURNED, "/etc/passwd");
        dev.jthreadtrace.decode.Captures clone3 = new dev.jthreadtrace.decode.Captures();
        clone3.put(dev.jthreadtrace.decode.Captures.EXTRA, new dev.jthreadtrace.decode.Chunks.Writer().add(new byte[32]).add((byte[]) null)
                .add(new byte[] {7, 0, 0, 0}).bytes());
        List<TraceEvent> events = List.of(
                new TraceEvent.TargetStarted(0, 100, 1, "/bin/prog", List.of("prog")),
                new TraceEvent.Syscall(1_000, 2_000, 100, dev.jthreadtrace.decode.SyscallTable.OPENAT,
                        new long[] {-100, 0x1000, 0x80000, 0, 0, 0}, 3, false, true, open),
                new TraceEvent.Syscall(3_000, 4_000, 100, dev.jthreadtrace.decode.SyscallTable.CLONE3,
                        new long[] {0x2000, 88, 0, 0, 0, 0}, 101, false, true, clone3),
                new TraceEvent.SignalDelivered(5_000, 100, 10, siginfo),
                new TraceEvent.SignalDelivered(6_000, 100, 12),
                new TraceEvent.TraceEnded(7_000, 0));
        String first = write(events, List.of());
        assertTrue(first.contains("\"siginfo\":{\"hex\":\"0a000000") && first.contains(
                "\"text\":\"{si_signo=SIGUSR1, si_code=SI_USER, si_pid=4242, si_uid=1000}\""), first);
        assertTrue(first.contains("= 3</etc/passwd>"), "the returned fd's path (-y) is in the text: " + first);
        Read saved = Read.of(Files.writeString(tmp.resolve("trace.jsonl"), first));
        TraceEvent.SignalDelivered signal = (TraceEvent.SignalDelivered) saved.events().get(3);
        assertEquals(java.util.HexFormat.of().formatHex(siginfo), java.util.HexFormat.of().formatHex(signal.siginfo()));
        assertEquals(null, ((TraceEvent.SignalDelivered) saved.events().get(4)).siginfo(), "a trace without siginfo reads as before");
        assertEquals(first, write(saved.events(), List.of()), "written, read and written again: the same text");
    }

    @Test
    void anAttachsExistingThreadsAndItsDetachComeBackAsTheyWere(@TempDir Path tmp) throws Exception {
        long t0 = 1_000_000_000L;
        List<TraceEvent> events = List.of(
                new TraceEvent.Attached(t0, 500, 900, "/usr/bin/server", List.of("server", "--port", "8080"), List.of(
                        new TraceEvent.ExistingTask(500, 500, 1, "server", 0, "0-1", 0, false),
                        new TraceEvent.ExistingTask(501, 500, 1, "acceptor", 1L << 9, "0", 2, true))),
                new TraceEvent.Spawned(t0 + 1_000_000, 501, 502, TraceEvent.SpawnKind.CLONE3,
                        CloneFlags.CLONE_THREAD | CloneFlags.CLONE_VM),
                new TraceEvent.Detached(t0 + 2_000_000, 3),
                new TraceEvent.TraceEnded(t0 + 2_000_001, 0));
        String first = write(events, List.of(new JavaRecord.Present(500, t0, 501, 17, "acceptor-thread-with-a-long-name",
                java.util.Map.of("daemon", "true"))));
        Path file = Files.writeString(tmp.resolve("attach.jsonl"), first);
        Read saved = Read.of(file);
        // The reader counts time from the start record (ns 0): the rest is the same event.
        assertEquals(events.get(0), withNs(saved.events().get(0), t0), "the existing threads and their settings");
        assertEquals(new TraceEvent.Detached(2_000_000, 3), saved.events().get(2));
        assertEquals(first, write(saved.events(), saved.java()), "written, read and written again: the same text");

        TraceModel model = TraceSession.replay(saved.events());
        model.attachJava(JavaJoin.join(model, saved.java()));
        assertTrue(model.attached());
        assertEquals(3, model.detachedTasks());
        var acceptor = model.thread(501);
        assertTrue(acceptor.existedAtAttach() && acceptor.creator() == null);
        assertEquals("[USR1]", acceptor.inherited().value(Hook.SIGMASK));
        assertEquals("2", acceptor.inherited().value(Hook.SECCOMP));
        assertEquals("acceptor-thread-with-a-long-name", acceptor.java().name(), "joined by the OS tid the thread dump gave");
        assertEquals("true", acceptor.inheritedValue("daemon"), "the daemon flag the thread dump gave, read back");
        var child = model.thread(502);
        assertEquals(501, child.creator());
        assertEquals("[USR1]", child.inherited().value(Hook.SIGMASK), "inherited from an existing thread");
        assertEquals(1, child.osParent(), "a thread's kernel parent is its process's parent");
    }

    /**
     * The calls read before an attach's interrupt and the last look before the end come back: the
     * text is written again the same, and the trace read back has the same hang (the owner read at
     * the end, the wait continued in restart_syscall known as the futex wait it is).
     */
    @Test
    void theCallsReadAtTheAttachAndTheLookAtTheEndComeBack(@TempDir Path tmp) throws Exception {
        long t0 = 1_000_000_000L;
        long[] timed = {0x9000, 393, 2, 0x7000, 0, 0xffffffffL};
        byte[] headByMain = java.nio.ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 2).putInt(8, 700)
                .putInt(12, 2).array();
        byte[] headByA = headByMain.clone();
        headByA[8] = (byte) 701;
        headByA[9] = 2; // 701 = 0x2bd
        List<TraceEvent> events = List.of(
                new TraceEvent.Attached(t0, 700, 900, "/x", List.of("x"), List.of(
                        new TraceEvent.ExistingTask(700, 700, 1, "x", 0, "0", 0, false, 0, null,
                                List.of(new TraceEvent.SharedMapping(0x7f0000000000L, 0x7f0000001000L, 0x2000, 0x1a, 4242))),
                        new TraceEvent.ExistingTask(701, 700, 1, "a", 0, "0", 0, false, 0,
                                new TraceEvent.LookedTask(701, SyscallTable.FUTEX, timed, headByMain)))),
                new TraceEvent.EndLook(t0 + 1_000_000, List.of(new TraceEvent.LookedTask(700, -1, new long[6], null),
                        new TraceEvent.LookedTask(701, SyscallTable.RESTART_SYSCALL, timed, headByA))),
                new TraceEvent.Syscall(t0 + 10, t0 + 2_000_000, 701, SyscallTable.RESTART_SYSCALL, timed, 0, false, false,
                        dev.jthreadtrace.decode.Captures.NONE, TraceEvent.Cut.DETACHED),
                new TraceEvent.Detached(t0 + 2_000_000, 2),
                new TraceEvent.TraceEnded(t0 + 2_000_001, 0));
        String first = write(events, List.of());
        assertTrue(first.contains("\"in_call\":{\"nr\":202,") && first.contains("\"type\":\"end_look\""), first);
        assertTrue(first.contains("\"shared_mappings\":[{\"start\":139637976727552,\"end\":139637976731648,\"offset\":8192,\"dev\":26,\"inode\":4242}]"), first);
        Read saved = Read.of(Files.writeString(tmp.resolve("look.jsonl"), first));
        assertEquals(first, write(saved.events(), saved.java()), "written, read and written again: the same text");
        TraceModel model = TraceSession.replay(saved.events());
        var wait = model.hang().of(model.thread(701));
        assertEquals(SyscallTable.FUTEX, wait.call().nr());
        assertEquals(701, wait.futex().owner().tid(), "read at the end: the waiter holds it itself (a deadlock of one)");
        assertTrue(wait.futex().ownerReadAtEnd());
        assertEquals(1, model.hang().deadlocks().size());
    }

    /**
     * An attach's CLONE_VM child ({@code memory_of}, by kcmp) and a shared mmap's file (device and
     * inode) come back: the text is written again the same, and the trace read back keys the child's
     * private words by its parent's memory: its wait on the parent's private mutex and the parent's
     * wait4 for it are a deadlock, which the same trace without {@code memory_of} does not have.
     */
    @Test
    void anAttachedCloneVmChildAndASharedMappingsFileComeBack(@TempDir Path tmp) throws Exception {
        long t0 = 1_000_000_000L;
        long[] locked = {0x9000, FutexOps.FUTEX_WAIT | FutexOps.FUTEX_PRIVATE_FLAG, 2, 0, 0, 0};
        long[] waitsForChild = {800, 0x7ffe0000, 0, 0, 0, 0};
        byte[] headByParent = java.nio.ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 2).putInt(8, 700)
                .putInt(12, 1).array();
        int wait4 = SyscallTable.number("wait4").orElseThrow();
        dev.jthreadtrace.decode.Captures file = new dev.jthreadtrace.decode.Captures();
        file.put(4, "/dev/shm/seg");
        file.put(dev.jthreadtrace.decode.Captures.EXTRA, new dev.jthreadtrace.decode.FileId(0x1a, 4242));
        List<TraceEvent> events = List.of(
                new TraceEvent.Attached(t0, 700, 900, "/x", List.of("x"), List.of(
                        new TraceEvent.ExistingTask(700, 700, 1, "x", 0, "0", 0, false, 0, new TraceEvent.LookedTask(700, wait4, waitsForChild, null)),
                        new TraceEvent.ExistingTask(800, 800, 700, "c", 0, "0", 0, false, 0,
                                new TraceEvent.LookedTask(800, SyscallTable.FUTEX, locked, headByParent)).withMemoryOf(700))),
                new TraceEvent.Syscall(t0 + 5, t0 + 6, 700, SyscallTable.MMAP, new long[] {0, 4096, 3, 1, 3, 0}, 0x7f0000000000L,
                        false, true, file),
                new TraceEvent.EndLook(t0 + 1_000_000, List.of(new TraceEvent.LookedTask(700, wait4, waitsForChild, null),
                        new TraceEvent.LookedTask(800, SyscallTable.FUTEX, locked, headByParent))),
                new TraceEvent.Detached(t0 + 2_000_000, 2),
                new TraceEvent.TraceEnded(t0 + 2_000_001, 0));
        String first = write(events, List.of());
        assertTrue(first.contains("\"memory_of\":700") && first.contains("\"7\":{\"file\":{\"dev\":26,\"inode\":4242}}"), first);
        Read saved = Read.of(Files.writeString(tmp.resolve("vm.jsonl"), first));
        assertEquals(first, write(saved.events(), saved.java()), "written, read and written again: the same text");
        assertEquals(1, TraceSession.replay(saved.events()).hang().deadlocks().size(), "the child waits for its parent, which waits for it");
        Read apart = Read.of(Files.writeString(tmp.resolve("apart.jsonl"), first.replace(",\"memory_of\":700", "")));
        assertEquals(0, TraceSession.replay(apart.events()).hang().deadlocks().size(), "each its own memory: the owner is no thread of the child's");
    }

    /** An inode with its top bit set (overlayfs with xino) is written unsigned, as stat gives it, and comes back the same bits. */
    @Test
    void anInodePastLongMaxIsWrittenUnsignedAndComesBack(@TempDir Path tmp) throws Exception {
        long inode = Long.parseUnsignedLong("9223372036854775810");
        dev.jthreadtrace.decode.Captures file = new dev.jthreadtrace.decode.Captures();
        file.put(dev.jthreadtrace.decode.Captures.EXTRA, new dev.jthreadtrace.decode.FileId(0x1a, inode));
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        TraceEvent first = events.getFirst();
        events.add(1, new TraceEvent.Syscall(first.ns() + 1, first.ns() + 2, dev.jthreadtrace.model.RecordedTrace.MAIN, SyscallTable.MMAP, new long[] {0, 4096, 3, 1, 3, 0},
                0x7f0000000000L, false, true, file));
        String text = write(events, List.of());
        assertTrue(text.contains("\"inode\":9223372036854775810"), text);
        Read saved = Read.of(Files.writeString(tmp.resolve("xino.jsonl"), text));
        assertEquals(text, write(saved.events(), saved.java()), "written, read and written again: the same text");
    }

    /**
     * A name written to a thread's comm file comes back from the file byte for byte (bytes that are
     * not UTF-8 too), renames the thread in the model read back, and is written again the same.
     */
    @Test
    void aCommWriteComesBackWithItsExactBytes(@TempDir Path tmp) throws Exception {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        byte[] name = {(byte) 0xe2, (byte) 0x80, (byte) 0xae, 'e', 'v', 'i', 'l', (byte) 0xff, (byte) 0xfe, '\n'};
        int at = 0;
        while (events.get(at).ns() <= 5_000_000) at++;
        events.add(at, new TraceEvent.CommWritten(5_000_000, RecordedTrace.MAIN, RecordedTrace.INNER1, SyscallTable.number("writev").orElseThrow(), 7, name));
        String first = write(events, List.of());
        assertTrue(first.contains("\"type\":\"comm\"") && first.contains("\"new_name\":\"\u202eevil\\udcff\\udcfe\\n\""), first);
        Read saved = Read.of(Files.writeString(tmp.resolve("comm.jsonl"), first));
        TraceEvent.CommWritten back = saved.events().stream().filter(e -> e instanceof TraceEvent.CommWritten)
                .map(e -> (TraceEvent.CommWritten) e).findFirst().orElseThrow();
        assertArrayEquals(name, back.name());
        assertEquals(RecordedTrace.INNER1, back.target());
        assertEquals(7, back.fd());
        assertEquals(first, write(saved.events(), saved.java()), "written, read and written again: the same text");
        TraceModel model = TraceSession.replay(saved.events());
        assertEquals("\u202eevil\udcff\udcfe\n", model.thread(RecordedTrace.INNER1).names().getLast().name(),
                "the kernel's bytes, decoded as every kernel string is");
    }

    /** A name seen in /proc (io_uring's writes have no stop): exact bytes, where and by whom, back from the file; the model takes it. */
    @Test
    void aNameSeenInProcComesBackAndRenamesItsThread(@TempDir Path tmp) throws Exception {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        byte[] name = {'v', 'i', 'a', (byte) 0xff, '\n'};
        int at = 0;
        while (events.get(at).ns() <= 5_000_000) at++;
        events.add(at, new TraceEvent.CommSeen(5_000_000, RecordedTrace.INNER1, name, TraceEvent.SeenAt.IO_URING_ENTER, RecordedTrace.MAIN));
        String first = write(events, List.of());
        assertTrue(first.contains("\"type\":\"comm_seen\"") && first.contains("\"new_name\":\"via\\udcff\\n\",\"seen_at\":\"io_uring_enter\",\"by\":"
                + RecordedTrace.MAIN), first);
        Read saved = Read.of(Files.writeString(tmp.resolve("seen.jsonl"), first));
        TraceEvent.CommSeen back = saved.events().stream().filter(e -> e instanceof TraceEvent.CommSeen)
                .map(e -> (TraceEvent.CommSeen) e).findFirst().orElseThrow();
        assertArrayEquals(name, back.name());
        assertEquals(TraceEvent.SeenAt.IO_URING_ENTER, back.at());
        assertEquals(first, write(saved.events(), saved.java()), "written, read and written again: the same text");
        TraceModel model = TraceSession.replay(saved.events());
        assertTrue(model.thread(RecordedTrace.INNER1).names().stream().anyMatch(n -> n.name().equals("via\udcff\n")),
                "a name change of the thread, at the time it was seen");
    }

    /**
     * The threads only a JVM's own dump names come back from the file and join by OS tid: a hidden
     * Java thread gets its Java view (id, full name, daemon), one of the VM's its full name; a name
     * whose first 15 bytes are not the task's kernel name (a forged header) or of another process
     * names nothing; a count left out becomes a note.
     */
    @Test
    void theThreadsOnlyTheJvmsDumpNamesGetTheirFullNames(@TempDir Path tmp) throws Exception {
        long t0 = 1_000_000_000L;
        List<TraceEvent> events = List.of(
                new TraceEvent.Attached(t0, 600, 900, "/usr/bin/java", List.of("java", "Server"), List.of(
                        new TraceEvent.ExistingTask(600, 600, 1, "java", 0, "0-1", 0, false),
                        new TraceEvent.ExistingTask(601, 600, 1, "C2 CompilerThre", 0, "0-1", 0, false),
                        new TraceEvent.ExistingTask(602, 600, 1, "VM Periodic Tas", 0, "0-1", 0, false),
                        new TraceEvent.ExistingTask(603, 600, 1, "worker", 0, "0-1", 0, false))),
                new TraceEvent.Detached(t0 + 2_000_000, 4),
                new TraceEvent.TraceEnded(t0 + 2_000_001, 0));
        long none = JavaRecord.Dumped.NO_JAVA_ID;
        List<JavaRecord> java = List.of(
                new JavaRecord.Dumped(600, t0 + 1, 601, 17, "C2 CompilerThread0", Map.of("daemon", "true")),
                new JavaRecord.Dumped(700, t0 + 1, 602, none, "VM Periodic Task Thread of another", Map.of()),
                new JavaRecord.Dumped(600, t0 + 1, 602, none, "VM Periodic Task Thread", Map.of()),
                new JavaRecord.Dumped(600, t0 + 1, 603, none, "GC Thread#9", Map.of()),
                new JavaRecord.Dumped(600, t0 + 1, 0, none, "", Map.of(JavaRecord.Dumped.LEFT_OUT, "2")));
        String first = write(events, java);
        Read saved = Read.of(Files.writeString(tmp.resolve("dumped.jsonl"), first));
        assertEquals(java.stream().map(r -> r.osTid() + ":" + ((JavaRecord.Dumped) r).name()).toList(),
                saved.saved().java().stream().map(r -> r.osTid() + ":" + ((JavaRecord.Dumped) r).name()).toList());
        assertEquals(first, write(saved.events(), saved.saved().java()), "written, read and written again: the same text");

        TraceModel model = TraceSession.replay(saved.events());
        model.attachJava(JavaJoin.join(model, saved.saved().java()));
        var compiler = model.thread(601);
        assertEquals("C2 CompilerThread0", compiler.name());
        assertEquals(17, compiler.java().id());
        assertEquals("true", compiler.inheritedValue("daemon"));
        assertEquals("VM Periodic Task Thread", model.thread(602).name());
        assertEquals(null, model.thread(602).java(), "the VM's own thread is no Java thread");
        assertEquals("worker", model.thread(603).name(), "a name that is not the kernel's names nothing");
        assertTrue(model.notes().stream().anyMatch(n -> n.contains("JVM 600: 2 thread(s) keep their kernel names: "
                + "no thread dump of it within the agent's bounds")),
                model.notes().toString());
    }

    private static TraceEvent withNs(TraceEvent e, long ns) {
        TraceEvent.Attached a = (TraceEvent.Attached) e;
        return new TraceEvent.Attached(ns, a.pid(), a.tracerPid(), a.path(), a.argv(), a.tasks());
    }
}
