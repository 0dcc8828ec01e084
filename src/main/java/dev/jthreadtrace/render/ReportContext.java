package dev.jthreadtrace.render;

import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.function.Consumer;

/**
 * What every report section renders with: the finished model, the palette, the width, where the
 * lines go, and the spawn forest (built once for all sections).
 */
record ReportContext(TraceModel model, Palette palette, int width, Consumer<String> out, SpawnForest forest) {
    /** Width of the thread label column in the timeline, futex and mmap tables. */
    static final int LABEL_WIDTH = 26;
    /** Rows a list shows before it says how many more there are. */
    static final int MAX_ROWS = 200;

    /** One part of the report. */
    interface Section {
        void render();
    }

    /** {@code 1202 inner-1}: the name escaped, as every string from the target. */
    String label(ThreadInfo t) {
        return t.tid() + " " + Escape.text(t.name());
    }

    String label(int tid) {
        return tid + " " + Escape.text(model.nameOf(tid));
    }
}
