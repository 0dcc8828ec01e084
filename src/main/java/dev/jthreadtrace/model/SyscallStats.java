package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * strace -c's figures, per syscall and per thread: calls, failed calls and the time inside them
 * (entry stop to exit stop: wall-clock time, as strace -w). A call that never returns (exit,
 * exit_group) is not counted, as strace does not count it. Aggregates only: per thread a small
 * map of the syscalls it made (a few entries), never a list of calls.
 */
public final class SyscallStats {
    /** calls, errors, nanos, by syscall number, for one thread. */
    private final Map<ThreadInfo, Map<Integer, long[]>> byThread = new IdentityHashMap<>();

    /** One syscall's figures; {@code name} is the table's, or {@code syscall_NNN}. */
    public record Row(int nr, String name, long calls, long errors, long nanos) {
        Row plus(long[] figures) {
            return new Row(nr, name, calls + figures[0], errors + figures[1], Sums.add(nanos, figures[2]));
        }
    }

    void add(ThreadInfo thread, TraceEvent.Syscall s) {
        int nr = s.nr();
        if (nr < 0 || nr >= SyscallTable.MAX_NR || !s.returned()) return;
        long[] figures = byThread.computeIfAbsent(thread, t -> new TreeMap<>()).computeIfAbsent(nr, n -> new long[3]);
        figures[0]++;
        if (s.error()) figures[1]++;
        figures[2] = Sums.add(figures[2], Math.max(0, s.exitNs() - s.ns()));
    }

    /** Every syscall called at least once by any of the threads, in syscall-number order. */
    public List<Row> rows(Iterable<ThreadInfo> threads) {
        Map<Integer, Row> sum = new TreeMap<>();
        for (ThreadInfo t : threads) {
            Map<Integer, long[]> own = byThread.get(t);
            if (own == null) continue;
            own.forEach((nr, figures) -> sum.merge(nr, new Row(nr, SyscallTable.name(nr), 0, 0, 0).plus(figures),
                    (a, b) -> new Row(nr, a.name(), a.calls() + b.calls(), a.errors() + b.errors(), Sums.add(a.nanos(), b.nanos()))));
        }
        return new ArrayList<>(sum.values());
    }

    /** One thread's syscalls, in syscall-number order. */
    public List<Row> rows(ThreadInfo thread) {
        return rows(List.of(thread));
    }
}
