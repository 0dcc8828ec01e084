package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Tasks for the fold's tests: built by the model from events, as a trace would build them. */
final class FoldTasks {
    static final int MAIN = 3000, TRACER = 2999;
    static final long MS = 1_000_000;
    static final long PTHREAD = RecordedTrace.PTHREAD;

    private FoldTasks() {}

    /**
     * A churn: the main thread starts {@code names.length} threads one after the other, each named,
     * one futex wake and (every second one) one 1 MiB mmap, then ending by its own exit; main lives on.
     */
    static TraceModel churn(String... names) {
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/opt/churn", List.of("churn")));
        for (int i = 0; i < names.length; i++) {
            int tid = MAIN + 1 + i;
            long at = (i + 1) * 10 * MS;
            events.add(new TraceEvent.Spawned(at, MAIN, tid, TraceEvent.SpawnKind.CLONE3, PTHREAD));
            events.add(call(at + MS, tid, SyscallTable.PRCTL, new long[] {15, 0, 0, 0, 0, 0}, 0, names[i]));
            events.add(call(at + 2 * MS, tid, SyscallTable.FUTEX, new long[] {0x5000, 129, 1, 0, 0, 0}, 0, null));
            if (i % 2 == 0) events.add(call(at + 3 * MS, tid, SyscallTable.MMAP, new long[] {0, 1 << 20, 3, 0x20022, -1, 0}, 0x7f0000000000L + ((long) i << 24), null));
            events.add(call(at + (4 + i) * MS, tid, SyscallTable.EXIT, new long[6], 0, null));
            events.add(new TraceEvent.Exited(at + (4 + i) * MS + 100, tid, 0));
        }
        TraceModel m = new TraceModel();
        events.forEach(m::accept);
        return m;
    }

    private static TraceEvent.Syscall call(long ns, int tid, int nr, long[] args, long ret, String name) {
        Captures c = Captures.NONE;
        if (name != null) {
            c = new Captures();
            c.put(1, name.getBytes(StandardCharsets.UTF_8));
        }
        boolean returns = nr != SyscallTable.EXIT;
        return new TraceEvent.Syscall(ns, ns + 1000, tid, nr, args, ret, false, returns, c);
    }

    /** {@code creator}'s clone3 of a pthread {@code child} at {@code ns} whose CLONE_CHILD_CLEARTID word is {@code clearTid}. */
    static void spawn(List<TraceEvent> events, long ns, int creator, int child, long clearTid) {
        events.add(new TraceEvent.Spawned(ns, creator, child, TraceEvent.SpawnKind.CLONE3, PTHREAD));
        byte[] args = java.nio.ByteBuffer.allocate(88).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, PTHREAD).putLong(16, clearTid)
                .putLong(24, clearTid).putLong(40, clearTid & ~0xfffffL).putLong(48, 0x7fff80).array();
        Captures c = new Captures();
        c.put(0, args);
        events.add(new TraceEvent.Syscall(ns - 100, ns + 100, creator, SyscallTable.CLONE3, new long[] {0x100, 88, 0, 0, 0, 0}, child,
                false, true, c));
    }

    /** {@code tid} calls exit at {@code ns} and ends. */
    static void exit(List<TraceEvent> events, long ns, int tid) {
        events.add(new TraceEvent.Syscall(ns, ns, tid, SyscallTable.EXIT, new long[6], 0, false, false, Captures.NONE));
        events.add(new TraceEvent.Exited(ns + 100, tid, 0));
    }

    /** A task with no events behind it, ended as given ({@code exit} null: still running). */
    static ThreadInfo task(int tid, int tgid, String name, long start, Long end, Exit exit) {
        ThreadInfo t = new ThreadInfo(tid, tgid, start, Hooks.initial(name));
        if (end != null) t.ended(end, exit);
        return t;
    }
}
