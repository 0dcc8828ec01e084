package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * strace -c's figures, per syscall number: calls, failed calls and the time inside them (entry
 * stop to exit stop: wall-clock time, as strace -w). A call that never returns (exit, exit_group)
 * is not counted, as strace does not. Fixed-size arrays: bounded however long the trace runs.
 */
public final class SyscallStats {
    private final long[] calls = new long[SyscallTable.MAX_NR];
    private final long[] errors = new long[SyscallTable.MAX_NR];
    private final long[] nanos = new long[SyscallTable.MAX_NR];

    /** One syscall's figures; {@code name} is the table's, or {@code syscall_NNN}. */
    public record Row(int nr, String name, long calls, long errors, long nanos) {}

    void add(TraceEvent.Syscall s) {
        int nr = s.nr();
        if (nr < 0 || nr >= SyscallTable.MAX_NR || !s.returned()) return;
        calls[nr]++;
        if (s.error()) errors[nr]++;
        nanos[nr] += Math.max(0, s.exitNs() - s.ns());
    }

    /** Every syscall called at least once, in syscall-number order. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (int nr = 0; nr < SyscallTable.MAX_NR; nr++) {
            if (calls[nr] > 0) rows.add(new Row(nr, SyscallTable.name(nr), calls[nr], errors[nr], nanos[nr]));
        }
        return rows;
    }
}
