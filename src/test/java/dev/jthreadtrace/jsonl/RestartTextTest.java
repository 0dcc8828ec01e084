package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.StartClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A restart_syscall's JSONL {@code text} names the call it continues, as the text lines and strace do. */
class RestartTextTest {
    private static final int PID = 100, WAITER = 101;

    @Test
    void aRestartSyscallContinuingAFutexWaitSaysResumingInterruptedFutex() {
        long[] wait = {0x9000, 128, 0, 0x7000, 0, 0};
        long[] other = {0x5000, 0, 0, 0, 0, 0};
        List<TraceEvent> events = List.of(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")),
                new TraceEvent.Spawned(10, PID, WAITER, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800),
                new TraceEvent.Syscall(100, 300, WAITER, SyscallTable.FUTEX, wait, -516, true, true, Captures.NONE),
                new TraceEvent.Syscall(400, 900, WAITER, SyscallTable.RESTART_SYSCALL, wait, 0, false, true, Captures.NONE),
                // the registers of a call the trace did not record: not the futex
                new TraceEvent.Syscall(1_000, 1_200, WAITER, SyscallTable.RESTART_SYSCALL, other, 0, false, true, Captures.NONE));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceModel model = new TraceModel();
        try (Output out = new Output(bytes, false)) {
            JsonLines lines = new JsonLines(out, 32, TraceSelection.parse("all").shown(), "0123456789abcdef", StartClock.saved(0));
            for (TraceEvent e : events) {
                model.accept(e);
                lines.event(e, model);
            }
        }
        Matcher m = Pattern.compile("\"text\":\"(restart_syscall[^\"]*)\"").matcher(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(true, m.find());
        assertEquals("restart_syscall(<... resuming interrupted futex ...>) = 0", m.group(1));
        assertEquals(true, m.find());
        assertEquals("restart_syscall(<... resuming interrupted call ...>) = 0", m.group(1));
    }
}
