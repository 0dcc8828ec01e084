package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.RecordedTrace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live line of a name written to a comm file: the target's bytes escaped (a quote and a bracket too); the thread field after it has the new name. */
class CommLineTest {
    @Test
    void aCommWriteIsOneEscapedLineAndTheNewNameIsOnTheNextLines() {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        byte[] name = {'a', '"', ']', (byte) 0xff, '\n'};
        int at = 0;
        while (events.get(at).ns() <= 5_000_000) at++;
        events.add(at, new TraceEvent.CommWritten(5_000_000, RecordedTrace.MAIN, RecordedTrace.INNER1,
                SyscallTable.number("pwritev2").orElseThrow(), 5, name));
        String text = PlainLines.of(events);
        assertTrue(text.contains("+++ named " + RecordedTrace.INNER1 + " \"a\\\"\\x5d\\xff\\n\" through its /proc comm file (pwritev2 on fd 5) +++"), text);
        assertTrue(text.contains("[" + RecordedTrace.INNER1 + " a\"\\x5d\\xff\\n] "), "the thread field: brackets escaped there: " + text);
    }

    /** A name seen in /proc (set through io_uring): where it was seen and by whose stop, the name escaped as a written one's. */
    @Test
    void aNameSeenInProcSaysWhereItWasSeen() {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        int at = 0;
        while (events.get(at).ns() <= 5_000_000) at++;
        events.add(at, new TraceEvent.CommSeen(5_000_000, RecordedTrace.INNER1, new byte[] {'v', '"', (byte) 0xff},
                TraceEvent.SeenAt.IO_URING_ENTER, RecordedTrace.MAIN));
        String text = PlainLines.of(events);
        assertTrue(text.contains("[" + RecordedTrace.INNER1 + " v\"\\xff] +++ named \"v\\\"\\xff\", seen in /proc at io_uring_enter of "
                + RecordedTrace.MAIN + " (no stop showed the write: io_uring) +++"), text);
    }
}
