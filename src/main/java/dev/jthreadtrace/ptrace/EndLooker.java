package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The last look before a trace ends ({@link TraceEvent.EndLook}): what each task of the traced
 * processes is blocked in, from {@code /proc/PID/task/TID/syscall} (the kernel's own record of
 * the call a sleeping task is in, which needs no stop), and for a futex wait on a lock the lock's
 * word read now with {@code process_vm_readv}: a mutex handed on since the wait began names its
 * owner of now. Run on the thread that ends the trace, not the ptrace thread (which may sit in
 * waitpid for ever on a hung program): neither read needs the tracer. A process gone meanwhile,
 * a read refused, leaves the task out or its word unread.
 */
final class EndLooker {
    private EndLooker() {}

    static TraceEvent.EndLook look(Collection<Integer> processes) {
        List<TraceEvent.LookedTask> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            for (int pid : processes) {
                for (int tid : tasksOf(pid)) {
                    TraceEvent.LookedTask t = task(pid, tid, arena);
                    if (t != null) out.add(t);
                }
            }
        }
        return new TraceEvent.EndLook(System.nanoTime(), out);
    }

    private static List<Integer> tasksOf(int pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            return tasks.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Integer::valueOf).sorted().toList();
        } catch (IOException | RuntimeException e) {
            return List.of(); // the process is gone
        }
    }

    /** One task of {@code pid} (at an attach, seized but not yet interrupted); null when it is gone. */
    static TraceEvent.LookedTask lookAt(int pid, int tid) {
        try (Arena arena = Arena.ofConfined()) {
            return task(pid, tid, arena);
        }
    }

    private static TraceEvent.LookedTask task(int pid, int tid, Arena arena) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid), "syscall"),
                    StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null; // the task ended
        }
        long[] call = parse(text);
        if (call == null) return new TraceEvent.LookedTask(tid, TraceEvent.LookedTask.NOT_IN_A_CALL, new long[6], null);
        int nr = (int) call[0];
        long[] args = java.util.Arrays.copyOfRange(call, 1, 7);
        // restart_syscall keeps the interrupted call's argument registers: the model matches them with its wait.
        int bytes = nr == SyscallTable.FUTEX || nr == SyscallTable.RESTART_SYSCALL ? FutexOps.ownerBytes(args) : 0;
        return new TraceEvent.LookedTask(tid, nr, args, bytes == 0 ? null : read(pid, args[0], bytes, arena));
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

    private static byte[] read(int pid, long address, int length, Arena arena) {
        MemorySegment buffer = arena.allocate(length), local = arena.allocate(16), remote = arena.allocate(16);
        local.set(JAVA_LONG, 0, buffer.address());
        local.set(JAVA_LONG, 8, length);
        remote.set(JAVA_LONG, 0, address);
        remote.set(JAVA_LONG, 8, length);
        return Libc.processVmReadv(pid, local, remote) == length ? buffer.toArray(JAVA_BYTE) : null;
    }
}
