package dev.jthreadtrace.render;

import dev.jthreadtrace.model.SyscallStats;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Escape;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * strace's {@code -c} table over the shown syscalls, in strace's layout, so scripts that read
 * strace's summary read this one: % time, seconds, usecs/call, calls, errors, syscall, and a total.
 * The time is wall-clock time inside the call (strace {@code -w}): a tracer sees the call's entry
 * and exit, not the CPU time the kernel spent in it.
 */
public final class SyscallSummary {
    /** strace's {@code -S} keys: by time (the default), calls, errors or name, or in syscall-number order. */
    public enum Sort {
        TIME(Comparator.comparingLong(SyscallStats.Row::nanos).reversed()),
        CALLS(Comparator.comparingLong(SyscallStats.Row::calls).reversed()),
        ERRORS(Comparator.comparingLong(SyscallStats.Row::errors).reversed()),
        NAME(Comparator.comparing(SyscallStats.Row::name)),
        NOTHING((a, b) -> 0);

        private final Comparator<SyscallStats.Row> order;

        Sort(Comparator<SyscallStats.Row> order) {
            this.order = order;
        }

        /** {@code time}, {@code calls}, ...; throws naming the choices. */
        public static Sort parse(String key) {
            return Arrays.stream(values()).filter(s -> s.name().equalsIgnoreCase(key.strip())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown sort key '" + key + "' (use "
                            + Arrays.stream(values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ")"));
        }
    }

    private static final String COLUMNS = "------ ----------- ----------- --------- --------- ";

    private SyscallSummary() {}

    /**
     * @param shown by syscall number, the syscalls to count (those {@code -e} shows); null for all
     */
    public static void render(TraceModel model, boolean[] shown, Sort sort, Consumer<String> out) {
        // The folded tasks' calls are in the whole trace's table (summed at their fold).
        table(model.syscallStats().rowsWithFolded(model.threads()), shown, sort, out);
    }

    /**
     * {@code --summary-by thread}: a table per thread that made a shown call, headed by the thread
     * (its name escaped: it comes from the traced program), then the whole trace's.
     */
    public static void renderByThread(TraceModel model, boolean[] shown, Sort sort, Consumer<String> out) {
        for (var t : model.threads()) {
            List<SyscallStats.Row> rows = model.syscallStats().rows(t).stream()
                    .filter(r -> shown == null || (r.nr() < shown.length && shown[r.nr()])).toList();
            if (rows.isEmpty()) continue;
            out.accept("thread " + t.tid() + " " + Escape.text(t.name()) + " (process " + t.tgid() + "):");
            table(rows, shown, sort, out);
            out.accept("");
        }
        if (model.folded().any()) {
            out.accept(SummaryFacts.plural(model.folded().all().tasks(), "folded task") + " (--keep-ended " + model.folded().keepEnded()
                    + "): no table of their own, their calls are in the table of all threads");
            out.accept("");
        }
        out.accept("all threads:");
        render(model, shown, sort, out);
    }

    private static void table(List<SyscallStats.Row> all, boolean[] shown, Sort sort, Consumer<String> out) {
        // Ties keep syscall-number order, as strace's sort does.
        List<SyscallStats.Row> rows = all.stream()
                .filter(r -> shown == null || (r.nr() < shown.length && shown[r.nr()]))
                .sorted(sort.order).toList();
        int nameWidth = Math.max(16, rows.stream().mapToInt(r -> r.name().length() + 1).max().orElse(0));
        long totalNanos = rows.stream().mapToLong(SyscallStats.Row::nanos).sum();
        long totalCalls = rows.stream().mapToLong(SyscallStats.Row::calls).sum();
        long totalErrors = rows.stream().mapToLong(SyscallStats.Row::errors).sum();
        out.accept("% time     seconds  usecs/call     calls    errors syscall");
        out.accept(COLUMNS + "-".repeat(nameWidth));
        for (SyscallStats.Row r : rows) {
            double percent = totalNanos == 0 ? 0 : 100.0 * r.nanos() / totalNanos;
            out.accept(line(percent, r.nanos(), r.calls(), r.errors(), r.name()));
        }
        out.accept(COLUMNS + "-".repeat(nameWidth));
        out.accept(line(100, totalNanos, totalCalls, totalErrors, "total"));
    }

    private static String line(double percent, long nanos, long calls, long errors, String name) {
        long micros = nanos / 1000;
        return String.format(Locale.ROOT, "%6.2f %11.6f %11d %9d %9s %s", percent, nanos / 1e9,
                calls == 0 ? 0 : micros / calls, calls, errors == 0 ? "" : Long.toString(errors), name);
    }
}
