package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;

import java.util.List;

/**
 * A Go program's runtime threads (its Ms): every thread of a process whose ELF file says Go that
 * never had a name of its own. Its scheduler starts them as blocked syscalls and locked goroutines
 * come and go, so {@code diff} counts them apart, and a fold counts them apart too.
 */
public final class GoRuntime {
    /** The bytes of a name the kernel keeps (TASK_COMM_LEN less its NUL). */
    private static final int COMM_BYTES = 15;

    private GoRuntime() {}

    /** Whether {@code t} of process {@code p} (null: not known) is one of its Go runtime's threads; {@code leader}: the process's first task, or null. */
    public static boolean owns(ProcessInfo p, ThreadInfo leader, ThreadInfo t) {
        if (p == null || !TraceEvent.Exec.GO.equals(p.runtime())) return false;
        String program = program(p, leader);
        String comm = program.length() > COMM_BYTES ? program.substring(0, COMM_BYTES) : program;
        return t.nameHistory().stream().allMatch(comm::equals);
    }

    /** The basename of what the process exec'd last, or of its leader's first name (an attached process), or "?". */
    public static String program(ProcessInfo p, ThreadInfo leader) {
        List<String> exec = p == null ? List.of() : p.exec();
        String path = !exec.isEmpty() ? exec.getLast() : leader != null ? leader.nameHistory().getFirst() : "?";
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
