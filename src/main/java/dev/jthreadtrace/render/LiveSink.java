package dev.jthreadtrace.render;

import dev.jthreadtrace.event.TraceEvent;

import dev.jthreadtrace.model.TraceModel;

/** Receives each event after the model has taken it in (so names and creators are current). */
public interface LiveSink {
    void event(TraceEvent event, TraceModel model);

    /** This sink, then {@code next}, for each event. */
    default LiveSink then(LiveSink next) {
        return (event, model) -> {
            event(event, model);
            next.event(event, model);
        };
    }

    /** Nothing to write: {@code --no-live}. */
    LiveSink NONE = (event, model) -> { };
}
