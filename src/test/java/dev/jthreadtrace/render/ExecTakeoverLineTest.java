package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.RecordedTrace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread that is not the leader execs: its execve began under its own tid and returns under the
 * leader's. The return is a "resumed" line at its time, after the takeover line, as strace prints
 * it; it used to be the whole call again at its entry time, a time before the line above it. The
 * leader's own unfinished call is not taken for the execve's beginning.
 */
class ExecTakeoverLineTest {
    private static final int LEADER = 300, EXECER = 302;
    private static final long MS = 1_000_000;

    @Test
    void theExecveReturnsAsAResumedLineAfterTheTakeover() {
        assertResumedAfterTheTakeover(false);
    }

    @Test
    void theLeadersOwnUnfinishedCallIsNotTakenForTheExecvesBeginning() {
        String text = assertResumedAfterTheTakeover(true);
        String resumed = text.lines().filter(l -> l.contains("execve resumed")).findFirst().orElseThrow();
        assertFalse(resumed.contains("0x5000"), text);
    }

    private static String assertResumedAfterTheTakeover(boolean leaderWaits) {
        long[] execArgs = {1, 2, 3, 0, 0, 0};
        List<TraceEvent> events = new ArrayList<>(List.of(
                new TraceEvent.TargetStarted(0, LEADER, RecordedTrace.TRACER, "/opt/x", List.of("x")),
                new TraceEvent.Exec(MS / 2, LEADER, LEADER, "/opt/x")));
        if (leaderWaits) {
            events.add(new TraceEvent.SyscallEntered(MS, LEADER, SyscallTable.FUTEX, new long[] {0x5000, 128, 0, 0, 0, 0}, Captures.NONE));
        }
        events.addAll(List.of(
                new TraceEvent.SyscallEntered(2 * MS, EXECER, SyscallTable.EXECVE, execArgs, Captures.NONE),
                new TraceEvent.Exec(3 * MS, LEADER, EXECER, "/bin/sh"),
                new TraceEvent.Syscall(2 * MS, 4 * MS, LEADER, SyscallTable.EXECVE, execArgs, 0, false, true, Captures.NONE),
                new TraceEvent.TraceEnded(5 * MS, 0)));
        List<String> lines = PlainLines.of(events).lines().toList();
        int takeover = 0;
        while (takeover < lines.size() && !lines.get(takeover).contains("exec'd and took over tid " + LEADER)) takeover++;
        assertTrue(takeover + 1 < lines.size(), String.join("\n", lines));
        String resumed = lines.get(takeover + 1);
        assertTrue(resumed.contains("[" + LEADER + " ") && resumed.contains("<... execve resumed>) = 0"), String.join("\n", lines));
        double previous = -1;
        for (String line : lines) {
            double t = Double.parseDouble(line.strip().split(" ")[0]);
            assertTrue(t >= previous, "times go forward: " + String.join("\n", lines));
            previous = t;
        }
        assertEquals(1, lines.stream().filter(l -> l.contains("execve(")).count(), "the call's beginning once: " + String.join("\n", lines));
        return String.join("\n", lines);
    }
}
