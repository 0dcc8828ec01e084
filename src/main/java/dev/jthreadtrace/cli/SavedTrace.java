package dev.jthreadtrace.cli;

import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.TraceFileException;
import dev.jthreadtrace.render.TraceReader;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Loads a saved JSONL trace into a model for report and check; null (after one line on err) when it cannot. */
final class SavedTrace {
    private SavedTrace() {}

    static TraceModel load(Path file, PrintWriter err) {
        TraceReader.Saved saved;
        try {
            saved = TraceReader.readAll(file);
        } catch (TraceFileException e) {
            err.println("jthreadtrace: " + e.getMessage());
            return null;
        }
        TraceModel model = TraceSession.replay(saved.events());
        model.attachJava(saved.java());
        return model;
    }
}
