package dev.jthreadtrace.render;

import dev.jthreadtrace.event.TraceEvent;

import dev.jthreadtrace.model.TraceModel;

/** Receives each event after the model has taken it in (so names and creators are current). */
public interface LiveSink {
    void event(TraceEvent event, TraceModel model);

    /**
     * The events of a saved trace that is cut short (no {@code end} record) have all been handed
     * on: what waits for a later event is written as the trace leaves it.
     */
    default void cutShort(TraceModel model) {
    }

    /** This sink, then {@code next}, for each event. */
    default LiveSink then(LiveSink next) {
        LiveSink first = this;
        return new LiveSink() {
            @Override
            public void event(TraceEvent event, TraceModel model) {
                first.event(event, model);
                next.event(event, model);
            }

            @Override
            public void cutShort(TraceModel model) {
                first.cutShort(model);
                next.cutShort(model);
            }
        };
    }

    /** Nothing to write: {@code --no-live}. */
    LiveSink NONE = (event, model) -> { };
}
