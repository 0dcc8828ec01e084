package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallTable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded event stream with fixed tids and times (the shape of the threads fixture's trace:
 * main creates inner-1; inner-1 pins itself to CPU 0, blocks SIGUSR1 and creates inner-2; inner-1
 * joins inner-2; main joins inner-1 and creates sibling), for golden tests of the model and renderers.
 */
public final class RecordedTrace {
    public static final int TRACER = 1199, MAIN = 1201, INNER1 = 1202, INNER2 = 1203, SIBLING = 1204;
    static final long MS = 1_000_000;
    public static final long PTHREAD = CloneFlags.CLONE_VM | CloneFlags.CLONE_FS | CloneFlags.CLONE_FILES
            | CloneFlags.CLONE_SIGHAND | CloneFlags.CLONE_THREAD | CloneFlags.CLONE_SYSVSEM | CloneFlags.CLONE_SETTLS
            | CloneFlags.CLONE_PARENT_SETTID | CloneFlags.CLONE_CHILD_CLEARTID;

    private final List<TraceEvent> events = new ArrayList<>();

    public static List<TraceEvent> threadsFixture() {
        RecordedTrace r = new RecordedTrace();
        r.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/opt/fixtures/threads", List.of("threads")));
        r.add(new TraceEvent.Exec(MS / 2, MAIN, MAIN, "/opt/fixtures/threads"));
        r.syscall(0, MS, MAIN, SyscallTable.EXECVE, new long[] {1, 2, 3, 0, 0, 0}, 0, null);
        r.syscall(2 * MS, 2 * MS + 1000, MAIN, SyscallTable.MMAP, new long[] {0, 8 << 20, 0, 0x20022, -1, 0}, 0x7f0000000000L, null);
        r.spawn(3 * MS, MAIN, INNER1, 0x7f00007ff990L, 0x7f0000000000L);
        r.name(4 * MS, INNER1, "inner-1");
        r.syscall(5 * MS, 5 * MS + 500, INNER1, SyscallTable.SCHED_SETAFFINITY, new long[] {0, 8, 0x10, 0, 0, 0}, 0,
                cap(2, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}));
        r.syscall(6 * MS, 6 * MS + 500, INNER1, SyscallTable.RT_SIGPROCMASK, new long[] {0, 0x10, 0, 8, 0, 0}, 0,
                cap(1, le64(1L << 9)));
        r.syscall(7 * MS, 7 * MS + 1000, INNER1, SyscallTable.MMAP, new long[] {0, 8 << 20, 0, 0x20022, -1, 0}, 0x7f1000000000L, null);
        // glibc's block-everything around clone must not count as a setting
        r.syscall(8 * MS, 8 * MS + 100, INNER1, SyscallTable.RT_SIGPROCMASK, new long[] {0, 0x10, 0x20, 8, 0, 0}, 0, cap(1, le64(-1L)));
        r.spawn(8 * MS + 200, INNER1, INNER2, 0x7f10007ff990L, 0x7f1000000000L);
        r.syscall(8 * MS + 400, 8 * MS + 500, INNER1, SyscallTable.RT_SIGPROCMASK, new long[] {2, 0x20, 0, 8, 0, 0}, 0, cap(1, le64(1L << 9)));
        r.name(9 * MS, INNER2, "inner-2");
        r.syscall(10 * MS, 10 * MS + 100, INNER2, SyscallTable.FUTEX, new long[] {0x5000, 129, 1, 0, 0, 0}, 1, null);
        r.syscall(9 * MS + 500, 10 * MS + 200, INNER1, SyscallTable.FUTEX, new long[] {0x5000, 128, 0, 0, 0, 0}, 0, null);
        r.exit(12 * MS, INNER2);
        r.syscall(11 * MS, 12 * MS + 100, INNER1, SyscallTable.FUTEX, new long[] {0x7f10007ff990L, 265, INNER2, 0, 0, 0xffffffffL}, 0, null);
        r.exit(13 * MS, INNER1);
        r.syscall(3 * MS + 500, 13 * MS + 100, MAIN, SyscallTable.FUTEX, new long[] {0x7f00007ff990L, 265, INNER1, 0, 0, 0xffffffffL}, 0, null);
        r.spawn(14 * MS, MAIN, SIBLING, 0x7f00007ff990L, 0x7f0000000000L);
        r.name(15 * MS, SIBLING, "sibling");
        r.exit(16 * MS, SIBLING);
        r.syscall(17 * MS, 17 * MS, MAIN, SyscallTable.EXIT_GROUP, new long[] {0, 0, 0, 0, 0, 0}, 0, null);
        r.add(new TraceEvent.Exited(18 * MS, MAIN, 0));
        r.add(new TraceEvent.TraceEnded(20 * MS, 0));
        return r.events;
    }

    private void add(TraceEvent e) {
        events.add(e);
    }

    private void syscall(long entry, long exit, int tid, int nr, long[] args, long ret, Captures captures) {
        boolean returns = nr != SyscallTable.EXIT && nr != SyscallTable.EXIT_GROUP;
        events.add(new TraceEvent.Syscall(entry, exit, tid, nr, args, ret, ret < 0 && ret > -4096, returns,
                captures == null ? Captures.NONE : captures));
    }

    private void spawn(long ns, int creator, int child, long childTid, long stack) {
        events.add(new TraceEvent.Spawned(ns, creator, child, TraceEvent.SpawnKind.CLONE3, PTHREAD));
        byte[] args = ByteBuffer.allocate(88).order(ByteOrder.LITTLE_ENDIAN).putLong(0, PTHREAD).putLong(16, childTid)
                .putLong(24, childTid).putLong(40, stack).putLong(48, 0x7fff80).putLong(56, childTid - 0x2d0).array();
        syscall(ns - 100, ns + 100, creator, SyscallTable.CLONE3, new long[] {0x100, 88, 0, 0, 0, 0}, child, cap(0, args));
    }

    private void name(long ns, int tid, String name) {
        syscall(ns, ns + 50, tid, SyscallTable.PRCTL, new long[] {15, 0x200, 0, 0, 0, 0}, 0,
                cap(1, name.getBytes(StandardCharsets.UTF_8)));
    }

    private void exit(long ns, int tid) {
        syscall(ns, ns, tid, SyscallTable.EXIT, new long[] {0, 0, 0, 0, 0, 0}, 0, null);
        events.add(new TraceEvent.Exited(ns + 100, tid, 0));
    }

    private static Captures cap(int arg, Object value) {
        Captures c = new Captures();
        c.put(arg, value);
        return c;
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v).array();
    }

    public static TraceModel model(List<TraceEvent> events) {
        TraceModel m = new TraceModel();
        events.forEach(m::accept);
        return m;
    }
}
