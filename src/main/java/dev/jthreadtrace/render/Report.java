package dev.jthreadtrace.render;

import dev.jthreadtrace.model.TidHolders;
import dev.jthreadtrace.model.TraceModel;

import java.util.Set;
import java.util.function.Consumer;

/**
 * The end-of-trace report: the chosen {@link ReportSection}s in their order, each rendered by its
 * own class. Pure text from the model (colour through the palette); the lines go to a consumer so
 * the same code writes to stdout, a file or a test, and none is wider than the width ({@link Fit}).
 */
public final class Report {
    /** The narrowest report: its tables' fixed columns need this much. */
    public static final int MIN_WIDTH = 60;

    private final ReportContext context;

    public Report(TraceModel model, Palette palette, int width, Consumer<String> out) {
        int fitted = Math.max(MIN_WIDTH, width);
        Consumer<String> within = line -> Fit.lines(line, fitted).forEach(out);
        this.context = new ReportContext(model, palette, fitted, within, new SpawnForest(model), new TidHolders(model));
    }

    public void render(Set<ReportSection> sections) {
        if (!context.model().started()) {
            context.out().accept("(the command never started: nothing was traced)");
            return;
        }
        for (ReportSection section : ReportSection.values()) {
            if (sections.contains(section)) section.renderer().apply(context).render();
        }
    }
}
