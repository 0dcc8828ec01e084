package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Which task a tid named at a moment, and its name then: a thread's exec takes its leader's tid (the
 * old leader's records before it stay the old leader's, named as then), and the kernel reuses tids.
 */
class TidHoldersTest {
    private static final long MS = 1_000_000;
    private static final int TRACER = 90, MAIN = 100, REUSED = 101, EXECER = 102;

    private static TraceModel model() {
        List<TraceEvent> e = new ArrayList<>();
        e.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/x/prog", List.of("prog")));
        e.add(new TraceEvent.Spawned(MS, MAIN, REUSED, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD, 0));
        e.add(new TraceEvent.Exited(2 * MS, REUSED, 0));
        e.add(new TraceEvent.Spawned(3 * MS, MAIN, EXECER, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD, 0));
        e.add(new TraceEvent.Spawned(4 * MS, MAIN, REUSED, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD, 0));
        e.add(new TraceEvent.Exec(10 * MS, MAIN, EXECER, "/bin/true", null, null, "true"));
        e.add(new TraceEvent.Syscall(11 * MS, 11 * MS, MAIN, SyscallTable.EXIT_GROUP, new long[6], 0, false, true, Captures.NONE));
        e.add(new TraceEvent.Exited(12 * MS, MAIN, 0));
        e.add(new TraceEvent.TraceEnded(13 * MS, 0));
        TraceModel m = new TraceModel();
        e.forEach(m::accept);
        return m;
    }

    @Test
    void theLeadersTidNamesTheOldLeaderUntilTheExecAndItsNameThenIsTheOldProgramsOne() {
        TraceModel m = model();
        TidHolders holders = new TidHolders(m);
        ThreadInfo old = m.root(), execer = m.thread(MAIN);
        assertNotSame(old, execer);
        assertSame(old, holders.at(MAIN, 5 * MS), "before the exec: the old leader");
        assertSame(execer, holders.at(MAIN, 10 * MS), "from the exec on: the thread that exec'd");
        assertSame(execer, holders.at(EXECER, 5 * MS), "under its own tid before");
        assertEquals("prog", holders.nameAt(MAIN, 5 * MS));
        assertEquals("prog", holders.nameAt(execer, 5 * MS), "the exec'ing thread before its exec: the old program's name");
        assertEquals("true", holders.nameAt(execer, 11 * MS));
        assertEquals("true", holders.nameAt(MAIN, 11 * MS));
    }

    @Test
    void aReusedTidNamesTheTaskThatHeldItThen() {
        TraceModel m = model();
        TidHolders holders = new TidHolders(m);
        ThreadInfo first = holders.at(REUSED, MS + MS / 2), second = holders.at(REUSED, 5 * MS);
        assertNotSame(first, second);
        assertEquals(MS, first.start());
        assertEquals(4 * MS, second.start());
        assertSame(first, holders.at(REUSED, 3 * MS), "between the two: the last to hold it");
        assertNull(holders.at(REUSED, MS / 2), "before any held it");
    }
}
