package dev.jthreadtrace.session;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which refused ptrace calls get a note, one per process, and the bound on them. */
class RefusedPtracesTest {
    private static final int PTRACE = SyscallTable.number("ptrace").orElseThrow(), EPERM = 1;
    private static final long TRACEME = 0, ATTACH = 0x10, SEIZE = 0x4206, PEEKDATA = 2;

    private static TraceEvent.Syscall ptrace(int tid, long request, long pid, long ret) {
        return new TraceEvent.Syscall(1, 2, tid, PTRACE, new long[] {request, pid, 0, 0, 0, 0}, ret, ret < 0, true, Captures.NONE);
    }

    /** A model that has seen the command start (pid 100) and fork 101 and 102. */
    private static TraceModel model() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/bin/dbg", List.of("dbg")));
        model.accept(new TraceEvent.Spawned(1, 100, 101, TraceEvent.SpawnKind.FORK, 0));
        model.accept(new TraceEvent.Spawned(1, 100, 102, TraceEvent.SpawnKind.FORK, 0));
        return model;
    }

    @Test
    void aTraceMeAndAnAttachOfATracedTaskAreNotedOncePerProcess() {
        TraceModel model = model();
        RefusedPtraces refused = new RefusedPtraces();
        refused.look(ptrace(101, TRACEME, 0, -EPERM), model);
        refused.look(ptrace(100, SEIZE, 102, -EPERM), model);
        refused.look(ptrace(100, ATTACH, 102, -EPERM), model);
        List<String> notes = refused.notes();
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("101 dbg: ptrace(PTRACE_TRACEME) failed with EPERM: a task has one tracer, and jthreadtrace"
                + " is this one's (as under strace -f)"), notes.get(0));
        assertTrue(notes.get(1).startsWith("100 dbg: ptrace(PTRACE_SEIZE, 102) failed with EPERM (and 1 more refused): a task has one"
                + " tracer, and jthreadtrace is 102's"), notes.get(1));
    }

    @Test
    void whatTheToolDidNotCauseGetsNoNote() {
        TraceModel model = model();
        RefusedPtraces refused = new RefusedPtraces();
        refused.look(ptrace(100, ATTACH, 100, -EPERM), model); // its own process: refused untraced too
        refused.look(ptrace(100, ATTACH, 4242, -EPERM), model); // a task the tool does not trace
        refused.look(ptrace(100, SEIZE, 4242, 0), model); // allowed
        refused.look(ptrace(101, TRACEME, 0, -16), model); // another error
        refused.look(ptrace(100, PEEKDATA, 102, -EPERM), model); // a request the tool's tracing does not refuse
        assertEquals(List.of(), refused.notes());
    }

    @Test
    void pastSixteenProcessesOneLineCountsTheRest() {
        TraceModel model = model();
        RefusedPtraces refused = new RefusedPtraces();
        for (int tid = 200; tid < 200 + RefusedPtraces.MAX_NAMED + 4; tid++) refused.look(ptrace(tid, TRACEME, 0, -EPERM), model);
        List<String> notes = refused.notes();
        assertEquals(RefusedPtraces.MAX_NAMED + 1, notes.size());
        assertEquals("4 more processes had a PTRACE_TRACEME, PTRACE_ATTACH or PTRACE_SEIZE refused so; they are not named here",
                notes.getLast());
    }
}
