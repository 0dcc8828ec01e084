package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;


/**
 * The last look before a trace ends ({@link TraceEvent.EndLook}): what each task of the traced
 * processes is blocked in, from {@code /proc/PID/task/TID/syscall} (the kernel's own record of
 * the call a sleeping task is in, which needs no stop), and for a futex wait on a lock the lock's
 * word read now through /proc/PID/mem (see {@link #read}): a mutex handed on since the wait began names its
 * owner of now. Run on the thread that ends the trace, not the ptrace thread (which may sit in
 * waitpid for ever on a hung program): neither read needs the tracer. A process gone meanwhile,
 * a read refused, leaves the task out or its word unread.
 */
final class EndLooker {
    private EndLooker() {}

    static TraceEvent.EndLook look(Collection<Integer> processes) {
        List<TraceEvent.LookedTask> out = new ArrayList<>();
        for (int pid : processes) {
            for (int tid : tids(pid)) {
                TraceEvent.LookedTask t = task(pid, tid);
                if (t != null) out.add(t);
            }
        }
        return new TraceEvent.EndLook(System.nanoTime(), out);
    }

    /** The tids of process {@code pid}'s tasks now (/proc/PID/task), in order; none when the process is gone. */
    static List<Integer> tids(int pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            return tasks.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Integer::valueOf).sorted().toList();
        } catch (IOException | RuntimeException e) {
            return List.of(); // the process is gone
        }
    }

    /** One task of {@code pid} (at an attach, seized but not yet interrupted); null when it is gone. */
    static TraceEvent.LookedTask lookAt(int pid, int tid) {
        return task(pid, tid);
    }

    private static TraceEvent.LookedTask task(int pid, int tid) {
        Path dir = Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid));
        char before = state(dir);
        String text;
        try {
            text = Files.readString(dir.resolve("syscall"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null; // the task ended
        }
        long[] call = parse(text);
        // Asleep before and after the read: the registers are those of the call it sleeps in now.
        int nr = call == null ? TraceEvent.LookedTask.NOT_IN_A_CALL : trusted(before, state(dir), wchan(dir), call);
        if (nr == TraceEvent.LookedTask.NOT_IN_A_CALL) {
            return new TraceEvent.LookedTask(tid, TraceEvent.LookedTask.NOT_IN_A_CALL, new long[6], null);
        }
        long[] args = java.util.Arrays.copyOfRange(call, 1, 7);
        int bytes = lockBytes(nr, args);
        return new TraceEvent.LookedTask(tid, nr, args, bytes == 0 ? null : read(pid, args[0], bytes));
    }

    /**
     * How many bytes of the lock at the call's first argument to read: a lock's head only for a
     * futex wait ({@link #trusted} made a restart_syscall asleep in the kernel's futex code one).
     * A restart_syscall whose wchan could not be read (null, or "0" where the kernel hides it) is
     * of an unknown kind: a poll's or a nanosleep's registers shaped like a contended wait's
     * (nfds 128 reads as FUTEX_WAIT_PRIVATE) would have had a "lock" read at its pollfd array and
     * carried into end_look as a futex word; its word stays unread (the wait's own read stands).
     */
    static int lockBytes(int nr, long[] args) {
        return nr == SyscallTable.FUTEX ? FutexOps.ownerBytes(args) : 0;
    }

    /**
     * The call a task is in, from what {@code /proc/PID/task/TID/syscall} said ({@code nr}) and the
     * task's state around that read: {@code /proc} gives the registers of any task not running,
     * one in a signal or group stop ({@code T}) or a ptrace stop ({@code t}) too, whose
     * {@code orig_ax} keeps the number of a call that returned (or was interrupted by the stop and
     * is begun again at the continue). Only a task asleep ({@code S}, {@code D}) both times is in
     * that call. A restart_syscall (a timed wait a signal or a stop interrupted, continued with what
     * is left of its timeout) asleep in the kernel's futex code ({@code wchan} futex_wait_queue,
     * futex_wait_queue_me...) is the FUTEX_WAIT whose argument registers it keeps: the kernel turns
     * only a timed FUTEX_WAIT/FUTEX_WAIT_BITSET into one (futex_wait_restart); one asleep in
     * hrtimer_nanosleep/do_nanosleep the clock_nanosleep or nanosleep (told by its first two
     * arguments); one asleep in the poll code (poll_schedule_timeout, do_poll, do_sys_poll) the
     * poll: of the polling calls only a poll with a timeout is continued as restart_syscall
     * (do_restart_poll; ppoll, select and pselect6 are begun again as themselves, epoll_wait ends
     * with EINTR), and its argument registers are the poll's (fds, nfds, timeout). Other restarts
     * stay restart_syscall; {@link TraceEvent.LookedTask#NOT_IN_A_CALL} for a task not in a call.
     */
    static int trusted(char before, char after, String wchan, long[] call) {
        if (!asleep(before) || !asleep(after)) return TraceEvent.LookedTask.NOT_IN_A_CALL;
        int nr = (int) call[0];
        if (nr != SyscallTable.RESTART_SYSCALL || wchan == null) return nr;
        if (wchan.startsWith("futex")) return SyscallTable.FUTEX;
        // clock_nanosleep(clock, flags, req, rem) begins with a clock id and 0 or TIMER_ABSTIME, nanosleep(req, rem) with a pointer.
        if (wchan.contains("nanosleep")) return Long.compareUnsigned(call[1], 16) < 0 && Long.compareUnsigned(call[2], 1) <= 0
                ? CLOCK_NANOSLEEP : NANOSLEEP;
        if (inPollCode(wchan)) return POLL;
        return nr;
    }

    /** The kernel's poll sleep (an inlined helper names its caller): not epoll's (ep_poll, do_epoll_wait). */
    private static boolean inPollCode(String wchan) {
        return wchan.startsWith("poll_schedule_timeout") || wchan.startsWith("do_poll") || wchan.startsWith("do_sys_poll");
    }

    private static final int CLOCK_NANOSLEEP = SyscallTable.number("clock_nanosleep").orElseThrow(),
            NANOSLEEP = SyscallTable.number("nanosleep").orElseThrow(), POLL = SyscallTable.number("poll").orElseThrow();

    private static boolean asleep(char state) {
        return state == 'S' || state == 'D';
    }

    /** The state letter of {@code /proc/PID/task/TID/stat} (after the name in parentheses, which may hold any byte); '?' when gone. */
    static char state(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            return close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /** The kernel function a sleeping task waits in ({@code /proc/PID/task/TID/wchan}), or null. */
    private static String wchan(Path task) {
        try {
            return Files.readString(task.resolve("wchan"), StandardCharsets.ISO_8859_1).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code /proc/PID/task/TID/syscall}: {@code NR ARG1..ARG6 SP PC} (hex arguments) while the task
     * sleeps in a call; {@code -1 SP PC} outside one, {@code running} while it runs. The number and
     * the six arguments, or null when it is in no call.
     */
    static long[] parse(String text) {
        String[] f = text.strip().split(" ");
        if (f.length < 7) return null;
        try {
            long nr = Long.parseLong(f[0]);
            if (nr < 0 || nr > Integer.MAX_VALUE) return null;
            long[] out = new long[7];
            out[0] = nr;
            for (int i = 1; i <= 6; i++) {
                if (!f[i].startsWith("0x")) return null;
                out[i] = Long.parseUnsignedLong(f[i].substring(2), 16);
            }
            return out;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * {@code length} bytes at {@code address} of {@code pid}, or null. Through /proc/PID/mem, not
     * process_vm_readv: the tasks run here (no stop), and a lock's head reaches past its word into
     * a page the program may never touch; on a userfaultfd page nobody fills process_vm_readv waits
     * for ever (the kernel retries its fault), where /proc/PID/mem's read fails at once.
     */
    private static byte[] read(int pid, long address, int length) {
        if (address < 0) return null;
        ByteBuffer bytes = ByteBuffer.allocate(length);
        try (FileChannel mem = FileChannel.open(Path.of("/proc", Integer.toString(pid), "mem"), StandardOpenOption.READ)) {
            while (bytes.hasRemaining() && mem.read(bytes, address + bytes.position()) > 0) {
                // a short read goes on where it stopped
            }
        } catch (IOException | RuntimeException e) {
            return null; // the process is gone, the page unreadable
        }
        return bytes.hasRemaining() ? null : bytes.array();
    }
}
