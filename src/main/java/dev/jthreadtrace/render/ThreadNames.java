package dev.jthreadtrace.render;

import dev.jthreadtrace.model.TraceModel;

/** The name a live line prints for a thread. */
@FunctionalInterface
public interface ThreadNames {
    String of(TraceModel model, int tid);

    /** The kernel's name (comm), as the model knows it now. */
    ThreadNames KERNEL = TraceModel::nameOf;
}
