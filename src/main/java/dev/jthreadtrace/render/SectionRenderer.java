package dev.jthreadtrace.render;

import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** What every report section's renderer starts from: the context, and a thread's label as all sections print it. */
abstract class SectionRenderer implements ReportContext.Section {
    protected final ReportContext ctx;
    protected final TraceModel model;
    protected final Palette palette;
    protected final Consumer<String> out;

    SectionRenderer(ReportContext ctx) {
        this.ctx = ctx;
        this.model = ctx.model();
        this.palette = ctx.palette();
        this.out = ctx.out();
    }

    /** {@code 1202 inner-1}. */
    protected String label(ThreadInfo t) {
        return ctx.label(t);
    }

    protected String label(int tid) {
        return ctx.label(tid);
    }

    /** Tid {@code tid} as it was at {@code ns} (see {@link ReportContext#label(int, long)}). */
    protected String label(int tid, long ns) {
        return ctx.label(tid, ns);
    }

    /**
     * The first {@code max} items, a line each, then {@code … N more WHAT} when there were more: a
     * list the report cuts always says how much it cut.
     */
    protected <T> void list(List<T> items, int max, String what, Function<T, String> line) {
        for (T item : items.subList(0, Math.min(items.size(), max))) out.accept(line.apply(item));
        if (items.size() > max) out.accept("  … " + (items.size() - max) + " more " + what);
    }
}
