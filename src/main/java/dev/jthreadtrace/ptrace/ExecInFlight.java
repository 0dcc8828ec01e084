package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.SyscallTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process is executing a new program right now: one of its threads is inside execve or
 * execveat ({@code /proc/PID/task/TID/syscall} names the call a blocked task is in; an exec from a
 * non-main thread blocks in {@code de_thread} while the other threads are killed). Meanwhile the
 * process looks broken to an attach: its main thread a zombie, its dying threads refusing a seize
 * with EPERM; it is whole again a few milliseconds later.
 */
final class ExecInFlight {
    private static final int EXECVE = SyscallTable.number("execve").orElseThrow(),
            EXECVEAT = SyscallTable.number("execveat").orElseThrow();

    private ExecInFlight() {}

    /** The tid of a thread of {@code pid} inside an exec now, or 0 when none is (or the process is gone). */
    static int thread(int pid) {
        for (int tid : EndLooker.tids(pid)) {
            if (inExec(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid)))) return tid;
        }
        return 0;
    }

    private static boolean inExec(Path task) {
        try {
            String text = Files.readString(task.resolve("syscall"), StandardCharsets.US_ASCII).strip();
            int space = text.indexOf(' ');
            if (space <= 0) return false; // "running", or "-1 ..." outside a call
            int nr = Integer.parseInt(text.substring(0, space));
            return nr == EXECVE || nr == EXECVEAT;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
