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

    private static final int NONE = TraceEvent.LookedTask.NOT_IN_A_CALL;

    private static long[] call(long nr, long a0, long a1) {
        return new long[] {nr, a0, a1, 0x7ffd1e0L, 0, 0, 0};
    }

    @Test
    void onlyATaskAsleepBeforeAndAfterTheReadIsInTheCallProcShows() {
        assertEquals(0, EndLooker.trusted('S', 'S', "pipe_read", call(0, 3, 0x7f00)));
        assertEquals(0, EndLooker.trusted('D', 'S', "pipe_read", call(0, 3, 0x7f00)));
        // group stop: orig_ax keeps the number of the call that returned before the stop (a tgkill)
        assertEquals(NONE, EndLooker.trusted('T', 'T', "do_signal_stop", call(234, 100, 100)));
        assertEquals(NONE, EndLooker.trusted('t', 't', "ptrace_stop", call(202, 0x7f00, 0x80)));
        assertEquals(NONE, EndLooker.trusted('S', 'R', "0", call(0, 3, 0x7f00)), "woke during the read");
        assertEquals(NONE, EndLooker.trusted('R', 'S', "pipe_read", call(0, 3, 0x7f00)));
        assertEquals(NONE, EndLooker.trusted('?', '?', null, call(0, 3, 0x7f00)), "gone");
    }

    @Test
    void aRestartSyscallAsleepInFutexOrNanosleepCodeIsTheCallItContinues() {
        assertEquals(202, EndLooker.trusted('S', 'S', "futex_wait_queue", call(219, 0x7f00, 0x189)));
        assertEquals(202, EndLooker.trusted('S', 'S', "futex_wait_queue_me", call(219, 0x7f00, 0x189)));
        assertEquals(230, EndLooker.trusted('S', 'S', "hrtimer_nanosleep", call(219, 0, 0)), "clock_nanosleep(CLOCK_REALTIME, 0, ...)");
        assertEquals(230, EndLooker.trusted('S', 'S', "do_nanosleep", call(219, 1, 1)), "CLOCK_MONOTONIC, TIMER_ABSTIME");
        assertEquals(35, EndLooker.trusted('S', 'S', "hrtimer_nanosleep", call(219, 0x7ffd1e00L, 0)), "nanosleep(req, rem)");
        assertEquals(7, EndLooker.trusted('S', 'S', "poll_schedule_timeout.constprop.0", call(219, 0x7f00, 1)), "poll(fds, 1, timeout)");
        assertEquals(7, EndLooker.trusted('S', 'S', "do_sys_poll", call(219, 0x7f00, 1)), "poll_schedule_timeout inlined");
        assertEquals(219, EndLooker.trusted('S', 'S', "do_epoll_wait", call(219, 5, 0x7f00)), "epoll's code is no poll");
        assertEquals(219, EndLooker.trusted('S', 'S', "ep_poll", call(219, 5, 0x7f00)));
        assertEquals(270, EndLooker.trusted('S', 'S', "poll_schedule_timeout", call(270, 4, 0x7f00)), "pselect6 is begun again as itself");
        assertEquals(219, EndLooker.trusted('S', 'S', null, call(219, 0x7f00, 0x189)), "no wchan: unknown kind");
    }

    @Test
    void theStateIsReadAfterTheNameWhateverTheNameHolds(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("stat"), "4242 (a) R (b) T 1 4242 4242 0 -1 4194560");
        assertEquals('T', EndLooker.state(dir));
        assertEquals('?', EndLooker.state(dir.resolve("gone")));
    }

    @Test
    void aStoppedProcessIsInNoCallThoughProcShowsOne() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        int pid = (int) sleep.pid();
        try {
            java.nio.file.Path task = java.nio.file.Path.of("/proc", Integer.toString(pid), "task", Integer.toString(pid));
            waitFor(task, 'S');
            assertEquals(230, EndLooker.lookAt(pid, pid).nr(), "sleep(1) sleeps in clock_nanosleep");
            new ProcessBuilder("kill", "-STOP", Integer.toString(pid)).start().waitFor();
            waitFor(task, 'T');
            assertTrue(EndLooker.parse(java.nio.file.Files.readString(task.resolve("syscall"))) != null,
                    "/proc still shows the interrupted call's registers");
            assertEquals(NONE, EndLooker.lookAt(pid, pid).nr());
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    private static void waitFor(java.nio.file.Path task, char state) throws InterruptedException {
        for (int i = 0; i < 200 && EndLooker.state(task) != state; i++) Thread.sleep(10);
        assertEquals(state, EndLooker.state(task));
    }

    /**
     * A lock's head is read only for a futex wait: a restart_syscall whose wchan was unreadable is
     * of an unknown kind, and its argument registers (a poll's: pollfd array, nfds 128 = what
     * FUTEX_WAIT_PRIVATE reads as, timeout) were taken as a contended mutex's wait, its head read.
     */
    @Test
    void aLockIsReadOnlyForAFutexWaitNotForARestartOfUnknownKind() {
        long[] contendedWait = {0x7f00_1000L, 0x80, 2, 0, 0, 0}; // futex(word, FUTEX_WAIT_PRIVATE, 2, NULL)
        assertTrue(EndLooker.lockBytes(202, contendedWait) > 0, "a contended glibc mutex's wait: its head");
        int restart = EndLooker.trusted('S', 'S', null, new long[] {219, 0x7f00_1000L, 0x80, 2, 0, 0, 0});
        assertEquals(219, restart, "no wchan: a restart of unknown kind");
        assertEquals(0, EndLooker.lockBytes(restart, contendedWait), "nothing read for it");
        int zero = EndLooker.trusted('S', 'S', "0", new long[] {219, 0x7f00_1000L, 0x80, 2, 0, 0, 0});
        assertEquals(0, EndLooker.lockBytes(zero, contendedWait), "wchan hidden (\"0\"): nothing read");
        int futex = EndLooker.trusted('S', 'S', "futex_wait_queue", new long[] {219, 0x7f00_1000L, 0x80, 2, 0, 0, 0});
        assertTrue(EndLooker.lockBytes(futex, contendedWait) > 0, "wchan says futex: the wait it continues, its lock read");
        assertEquals(0, EndLooker.lockBytes(7, new long[] {0x7f00_1000L, 0x80, 2, 0, 0, 0}), "a poll: nothing");
    }
}
