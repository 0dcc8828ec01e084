package dev.jthreadtrace.session;

import dev.jthreadtrace.jsonl.TraceFileException;
import dev.jthreadtrace.jsonl.TraceReader;

import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.TraceModel;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Loads a saved JSONL trace into a model for report and check; null (after one line on err) when it cannot. */
public final class SavedTrace {
    private SavedTrace() {}

    public static TraceModel load(Path file, PrintWriter err) {
        TraceReader.Saved saved;
        try {
            saved = TraceReader.readAll(file);
        } catch (TraceFileException e) {
            err.println("jthreadtrace: " + e.getMessage());
            return null;
        }
        TraceModel model = TraceSession.replay(saved.events());
        model.attachJava(JavaJoin.join(model, saved.java()));
        return model;
    }
}
