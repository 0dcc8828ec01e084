package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's side of the tree over time, on event streams as the tracer gives them: an execve
 * from a thread (the old leader ends inside its join, the exec'ing thread goes on with the
 * leader's tid) and orphans given to a subreaper or init when their parent process ends.
 */
class KernelParentsTest {
    private static final long MS = 1_000_000, SIGCHLD = 17;
    private static final int TRACER = 90, MAIN = 100;

    private static TraceModel model(List<TraceEvent> events) {
        TraceModel m = new TraceModel();
        events.forEach(m::accept);
        return m;
    }

    private static TraceEvent.Syscall call(long ns, long exitNs, int tid, int nr, long... args) {
        return new TraceEvent.Syscall(ns, exitNs, tid, nr, java.util.Arrays.copyOf(args, 6), 0, false, true, Captures.NONE);
    }

    @Test
    void anExecFromAThreadEndsTheOldLeaderInItsJoinAndTheExecingThreadGoesOnAsTheLeader() {
        int idler = 101, execer = 102;
        List<TraceEvent> e = new ArrayList<>();
        e.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/x/prog", List.of("prog")));
        e.add(new TraceEvent.Spawned(MS, MAIN, idler, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD, 0));
        e.add(new TraceEvent.Spawned(2 * MS, MAIN, execer, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD, 0));
        e.add(new TraceEvent.Exited(9 * MS, idler, 0)); // killed by the exec: the kernel says exited 0
        e.add(new TraceEvent.Syscall(3 * MS, 10 * MS, MAIN, SyscallTable.FUTEX, new long[] {0x5000, 265, execer, 0, 0, 0xffffffffL},
                0, false, false, Captures.NONE, TraceEvent.Cut.ENDED, false));
        e.add(new TraceEvent.Exec(10 * MS, MAIN, execer, "/bin/true"));
        e.add(call(8 * MS, 10 * MS, MAIN, SyscallTable.EXECVE, 1, 2, 3));
        e.add(call(11 * MS, 11 * MS, MAIN, SyscallTable.EXIT_GROUP, 0));
        e.add(new TraceEvent.Exited(12 * MS, MAIN, 0));
        e.add(new TraceEvent.TraceEnded(13 * MS, 0));
        TraceModel m = model(e);

        ThreadInfo old = m.root(), now = m.thread(MAIN);
        assertNotSame(old, now);
        assertEquals(new Exit.ReplacedByExec(execer, true), old.exit());
        assertEquals(10 * MS, old.end());
        assertEquals(List.of("prog"), old.nameHistory());
        assertEquals(execer, now.formerTid());
        assertEquals(MAIN, now.tid());
        assertFalse(now.isThread(), "the leader now");
        assertSame(old, now.creatorInfo());
        assertEquals(List.of("prog", "true"), now.nameHistory());
        assertEquals("exit_group(0)", now.exit().how());
        assertSame(now, m.thread(execer), "its former tid still finds it");
        assertEquals(new Exit.ReplacedByExec(execer, false), m.thread(idler).exit());
        assertEquals(0, m.process(MAIN).exit().value());

        assertTrue(Metric.summary(m).get("futex.wait.time") >= 7 * MS, "the cut join's blocked time counts");
        assertEquals(0L, Metric.summary(m).get("futex.joins"), "it never returned");
    }

    /** main (a subreaper or not) forks middle, middle makes cparent with CLONE_PARENT and forks orphan, then exits. */
    private static TraceModel orphans(boolean subreaper) {
        int middle = 201, cparent = 202, orphan = 203;
        List<TraceEvent> e = new ArrayList<>();
        e.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/x/prog", List.of("prog")));
        if (subreaper) e.add(call(MS / 2, MS / 2, MAIN, SyscallTable.PRCTL, 36, 1));
        e.add(new TraceEvent.Spawned(MS, MAIN, middle, TraceEvent.SpawnKind.FORK, SIGCHLD, 0));
        e.add(new TraceEvent.Spawned(2 * MS, middle, cparent, TraceEvent.SpawnKind.FORK, CloneFlags.CLONE_PARENT | SIGCHLD, 0));
        e.add(new TraceEvent.Spawned(3 * MS, middle, orphan, TraceEvent.SpawnKind.FORK, SIGCHLD, 0));
        e.add(call(4 * MS, 4 * MS, middle, SyscallTable.EXIT_GROUP, 0));
        e.add(new TraceEvent.Exited(5 * MS, middle, 0));
        e.add(new TraceEvent.Exited(6 * MS, cparent, 7));
        e.add(new TraceEvent.Exited(7 * MS, orphan, 5));
        e.add(new TraceEvent.Exited(8 * MS, MAIN, 0));
        e.add(new TraceEvent.TraceEnded(9 * MS, 0));
        return model(e);
    }

    @Test
    void anOrphanGoesToTheSubreaperAncestor() {
        TraceModel m = orphans(true);
        assertEquals(MAIN, m.thread(203).osParent());
        assertEquals(List.of(new ThreadInfo.Reparent(5 * MS, 201, MAIN)), m.thread(203).reparents());
        assertEquals(MAIN, m.thread(202).osParent(), "CLONE_PARENT: its creator's parent, from its birth");
        assertTrue(m.thread(202).reparents().isEmpty(), "its parent, main, outlived middle");
    }

    @Test
    void withoutASubreaperAnOrphanGoesToInit() {
        TraceModel m = orphans(false);
        assertEquals(1, m.thread(203).osParent());
        assertEquals(List.of(new ThreadInfo.Reparent(5 * MS, 201, 1)), m.thread(203).reparents());
        assertEquals(201, m.thread(201).tid());
        assertInstanceOf(Exit.GroupExit.class, m.thread(201).exit());
    }
}
