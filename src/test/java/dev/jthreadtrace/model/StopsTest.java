package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A thread held in a group stop when the trace ended, with the sender its stop signal's siginfo named; a SIGCONT or a call ends it. */
class StopsTest {
    private static final int MAIN = 300, CHILD = 310, TRACER = 1;
    private static final long MS = 1_000_000;

    private static byte[] siginfo(int signo, int code, int pid) {
        return ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN).putInt(0, signo).putInt(8, code).putInt(16, pid).array();
    }

    private static List<TraceEvent> forkedAndStopped() {
        List<TraceEvent> e = new ArrayList<>();
        e.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/bin/x", List.of("x")));
        e.add(new TraceEvent.Spawned(MS, MAIN, CHILD, TraceEvent.SpawnKind.FORK, 0));
        e.add(new TraceEvent.SignalDelivered(2 * MS, CHILD, Stops.SIGSTOP, siginfo(Stops.SIGSTOP, -6, MAIN)));
        e.add(new TraceEvent.GroupStopped(2 * MS + 10, CHILD, Stops.SIGSTOP));
        return e;
    }

    private static TraceModel model(List<TraceEvent> events) {
        List<TraceEvent> all = new ArrayList<>(events);
        all.add(new TraceEvent.TraceEnded(10 * MS, 0));
        return RecordedTrace.model(all);
    }

    /**
     * In a PID namespace si_pid is the sender's pid there: the traced task it names (the child's
     * parent, 1 in the namespace), else the pid as the child saw it with no task (0: from outside).
     */
    @Test
    void aSenderInAPidNamespaceIsTheTaskItsPidNamesThere() {
        for (int[] sent : new int[][] {{1, CHILD - 1, -1}, {7, -1, 7}, {0, -1, 0}}) {
            List<TraceEvent> e = new ArrayList<>();
            e.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/bin/x", List.of("x")));
            e.add(new TraceEvent.Spawned(MS, MAIN, CHILD - 1, TraceEvent.SpawnKind.FORK, 0, 1));
            e.add(new TraceEvent.Spawned(MS, CHILD - 1, CHILD, TraceEvent.SpawnKind.FORK, 0, 2));
            e.add(new TraceEvent.SignalDelivered(2 * MS, CHILD, Stops.SIGSTOP, siginfo(Stops.SIGSTOP, 0, sent[0])));
            e.add(new TraceEvent.GroupStopped(2 * MS + 10, CHILD, Stops.SIGSTOP));
            HangAnalysis.Stopped s = model(e).hang().stopped().getFirst();
            assertEquals(sent[1], s.senderPid(), "si_pid " + sent[0]);
            assertEquals(sent[2], s.senderAsSeen(), "si_pid " + sent[0]);
            assertFalse(s.byTgkill());
        }
    }

    @Test
    void aThreadStoppedAtTheEndNamesItsSignalAndSender() {
        TraceModel m = model(forkedAndStopped());
        List<HangAnalysis.Stopped> stopped = m.hang().stopped();
        assertEquals(1, stopped.size());
        HangAnalysis.Stopped s = stopped.getFirst();
        assertEquals(CHILD, s.thread().tid());
        assertEquals(Stops.SIGSTOP, s.signal());
        assertEquals(MAIN, s.senderPid());
        assertTrue(s.byTgkill(), "SI_TKILL");
        assertTrue(m.hang().blocked().isEmpty(), "in no call: not blocked");
    }

    @Test
    void aSigcontOrACallOfTheThreadEndsItsStop() {
        List<TraceEvent> continued = forkedAndStopped();
        continued.add(new TraceEvent.SignalDelivered(3 * MS, CHILD, Stops.SIGCONT, siginfo(Stops.SIGCONT, 0, MAIN)));
        assertTrue(model(continued).hang().stopped().isEmpty());
        List<TraceEvent> ran = forkedAndStopped();
        ran.add(new TraceEvent.SyscallEntered(3 * MS, CHILD, 0, new long[6], dev.jthreadtrace.decode.Captures.NONE));
        assertFalse(model(ran).hang().stopped().stream().anyMatch(s -> s.thread().tid() == CHILD));
    }

    @Test
    void aTerminalsStopComesFromTheKernel() {
        List<TraceEvent> e = new ArrayList<>();
        e.add(new TraceEvent.TargetStarted(0, MAIN, TRACER, "/bin/x", List.of("x")));
        e.add(new TraceEvent.SignalDelivered(2 * MS, MAIN, Stops.SIGTSTP, siginfo(Stops.SIGTSTP, 0x80, 0)));
        e.add(new TraceEvent.GroupStopped(2 * MS + 10, MAIN, Stops.SIGTSTP));
        HangAnalysis.Stopped s = model(e).hang().stopped().getFirst();
        assertEquals(0, s.senderPid());
        assertEquals(Stops.SIGTSTP, s.signal());
    }

    /** A sender is kept only until its thread runs again or ends: a later stop whose delivery was not seen names no old sender. */
    @Test
    void aSenderGoesWhenItsThreadRunsAgainOrEnds() {
        List<TraceEvent> e = forkedAndStopped();
        e.add(new TraceEvent.SyscallEntered(3 * MS, CHILD, 0, new long[6], dev.jthreadtrace.decode.Captures.NONE));
        // Stopped again, its delivery not seen (e.g. a stop signal pending from before): the sender is not known.
        e.add(new TraceEvent.GroupStopped(4 * MS, CHILD, Stops.SIGSTOP));
        HangAnalysis.Stopped s = model(e).hang().stopped().getFirst();
        assertEquals(-1, s.senderPid(), "not the first stop's sender");
        assertFalse(s.beforeAttach(), "a run: nothing is before an attach");

        Stops stops = new Stops();
        ThreadTable table = new ThreadTable();
        ThreadInfo child = table.started(CHILD, TRACER, "x");
        for (int i = 0; i < 3 * Stops.MAX; i++) {
            stops.delivered(child, new TraceEvent.SignalDelivered(i, CHILD, Stops.SIGSTOP, siginfo(Stops.SIGSTOP, 0, MAIN)), table);
            stops.ran(child);
        }
        assertEquals(0, stops.senders(), "each stop's sender went when its thread ran");
        stops.delivered(child, new TraceEvent.SignalDelivered(0, CHILD, Stops.SIGSTOP, siginfo(Stops.SIGSTOP, 0, MAIN)), table);
        stops.ended(child);
        assertEquals(0, stops.senders(), "nor is one kept past its thread's end");
    }

    /** Attached to a process already stopped: the trace sees its group stop with no delivery; the stop began before the attach. */
    @Test
    void aStopSeenAtAnAttachWithNoDeliveryBeganBeforeIt() {
        List<TraceEvent> e = new ArrayList<>();
        e.add(new TraceEvent.Attached(0, MAIN, TRACER, "/bin/x", List.of("x"),
                List.of(new TraceEvent.ExistingTask(MAIN, MAIN, 1, "x", 0, "0", 0, false))));
        e.add(new TraceEvent.GroupStopped(MS, MAIN, Stops.SIGSTOP));
        HangAnalysis.Stopped s = model(e).hang().stopped().getFirst();
        assertTrue(s.beforeAttach());
        assertEquals(-1, s.senderPid());
    }
}
