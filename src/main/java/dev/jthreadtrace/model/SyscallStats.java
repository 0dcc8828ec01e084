package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Arrays;
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
    private final Map<ThreadInfo, ThreadFigures> byThread = new IdentityHashMap<>();
    /** The figures of every folded task, summed: the whole trace's table reads them with the kept tasks'. */
    private final ThreadFigures folded = new ThreadFigures();

    /**
     * One thread's figures: its syscall numbers in order and three figures for each, in two arrays.
     * A thread makes a few distinct calls; a TreeMap of boxed numbers cost ~150 bytes for one, kept
     * for every thread a program ever ran.
     */
    private static final class ThreadFigures {
        private int[] nrs = new int[0];
        /** calls, errors, nanos for {@code nrs[i]} at {@code 3 * i}. */
        private long[] figures = new long[0];

        /** The offset of {@code nr}'s three figures, made zero on first sight. */
        int of(int nr) {
            int i = Arrays.binarySearch(nrs, nr);
            if (i >= 0) return 3 * i;
            i = -i - 1;
            int[] n = new int[nrs.length + 1];
            System.arraycopy(nrs, 0, n, 0, i);
            n[i] = nr;
            System.arraycopy(nrs, i, n, i + 1, nrs.length - i);
            long[] f = new long[figures.length + 3];
            System.arraycopy(figures, 0, f, 0, 3 * i);
            System.arraycopy(figures, 3 * i, f, 3 * i + 3, figures.length - 3 * i);
            nrs = n;
            figures = f;
            return 3 * i;
        }
    }

    /** One syscall's figures; {@code name} is the table's, or {@code syscall_NNN}. */
    public record Row(int nr, String name, long calls, long errors, long nanos) {
        Row plus(long[] figures) {
            return new Row(nr, name, calls + figures[0], errors + figures[1], Sums.add(nanos, figures[2]));
        }
    }

    void add(ThreadInfo thread, TraceEvent.Syscall s) {
        int nr = s.nr();
        if (nr < 0 || nr >= SyscallTable.MAX_NR || !s.returned()) return;
        ThreadFigures own = byThread.computeIfAbsent(thread, t -> new ThreadFigures());
        int at = own.of(nr);
        long[] figures = own.figures;
        figures[at]++;
        if (s.error()) figures[at + 1]++;
        figures[at + 2] = Sums.add(figures[at + 2], Math.max(0, s.exitNs() - s.ns()));
    }

    /** An ended task folded: its figures join the folded tasks' sum, and its own go. */
    void forget(ThreadInfo t) {
        ThreadFigures own = byThread.remove(t);
        if (own == null) return;
        for (int i = 0; i < own.nrs.length; i++) {
            int at = folded.of(own.nrs[i]);
            folded.figures[at] += own.figures[3 * i];
            folded.figures[at + 1] += own.figures[3 * i + 1];
            folded.figures[at + 2] = Sums.add(folded.figures[at + 2], own.figures[3 * i + 2]);
        }
    }

    /** Every syscall called at least once by any of the threads, in syscall-number order. */
    public List<Row> rows(Iterable<ThreadInfo> threads) {
        Map<Integer, Row> sum = new TreeMap<>();
        for (ThreadInfo t : threads) add(sum, byThread.get(t));
        return new ArrayList<>(sum.values());
    }

    /** The whole trace's table: the kept {@code threads}' figures and the folded tasks' sum. */
    public List<Row> rowsWithFolded(Iterable<ThreadInfo> threads) {
        Map<Integer, Row> sum = new TreeMap<>();
        for (ThreadInfo t : threads) add(sum, byThread.get(t));
        add(sum, folded);
        return new ArrayList<>(sum.values());
    }

    private static void add(Map<Integer, Row> sum, ThreadFigures own) {
        if (own == null) return;
        for (int i = 0; i < own.nrs.length; i++) {
            int nr = own.nrs[i];
            long[] figures = Arrays.copyOfRange(own.figures, 3 * i, 3 * i + 3);
            sum.merge(nr, new Row(nr, SyscallTable.name(nr), 0, 0, 0).plus(figures),
                    (a, b) -> new Row(nr, a.name(), a.calls() + b.calls(), a.errors() + b.errors(), Sums.add(a.nanos(), b.nanos())));
        }
    }

    /** One thread's syscalls, in syscall-number order. */
    public List<Row> rows(ThreadInfo thread) {
        return rows(List.of(thread));
    }
}
