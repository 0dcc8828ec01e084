package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /proc/PID/task/TID/syscall} as the kernel writes it, and a look at this very process. */
class EndLookerTest {
    @Test
    void aSleepingTaskSaysItsCallAndItsSixArguments() {
        long[] call = EndLooker.parse("202 0x55957ad6d1e0 0x80 0x2 0x0 0x7f2c9a5af990 0xffffffffffffffff 0x7ffd1e0 0x7f2c9a4e\n");
        assertArrayEquals(new long[] {202, 0x55957ad6d1e0L, 0x80, 2, 0, 0x7f2c9a5af990L, -1}, call);
    }

    @Test
    void aTaskOutsideACallOrRunningSaysNone() {
        assertNull(EndLooker.parse("-1 0x7ffd1e0 0x7f2c9a4e\n"));
        assertNull(EndLooker.parse("running\n"));
        assertNull(EndLooker.parse(""));
        assertNull(EndLooker.parse("202 0x1 0x2 0x3 zz 0x5 0x6 0x7 0x8"));
    }

    @Test
    void aLookAtThisProcessListsItsThreadsSomeInACall() throws Exception {
        Thread sleeper = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(100);
        try {
            TraceEvent.EndLook look = EndLooker.look(List.of((int) ProcessHandle.current().pid()));
            assertTrue(look.tasks().size() >= 2, look.tasks().toString());
            // The sleeper parks in futex (202) or sleeps in clock_nanosleep/nanosleep: some thread is in a call.
            assertTrue(look.tasks().stream().anyMatch(t -> t.nr() >= 0), look.tasks().toString());
            assertEquals(0, EndLooker.look(List.of(Integer.MAX_VALUE)).tasks().size(), "a process that is gone: nothing");
        } finally {
            sleeper.interrupt();
        }
    }
}
