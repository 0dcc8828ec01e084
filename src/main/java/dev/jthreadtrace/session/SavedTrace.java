package dev.jthreadtrace.session;

import dev.jthreadtrace.jsonl.TraceFileException;
import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.TraceModel;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * A saved JSONL trace loaded into a model for report and check, with what the caller must tell
 * the user: lines that were not the trace's records, and whether it was cut short.
 *
 * @param truncatedAfterLine 0 when complete; else the last line of a complete record
 */
public record SavedTrace(TraceModel model, int skippedLines, int truncatedAfterLine) {
    public boolean truncated() {
        return truncatedAfterLine > 0;
    }

    /** The trace, or null after one line on {@code err} when it cannot be read at all. Notes the skipped lines. */
    public static SavedTrace load(Path file, PrintWriter err) {
        return load(file, err, dev.jthreadtrace.render.LiveSink.NONE);
    }

    /** The same, replaying each event into {@code sink} too (a picture made from a saved trace). */
    public static SavedTrace load(Path file, PrintWriter err, dev.jthreadtrace.render.LiveSink sink) {
        TraceReader.Saved saved;
        try {
            saved = TraceReader.readAll(file);
        } catch (TraceFileException e) {
            err.println("jthreadtrace: " + e.getMessage());
            return null;
        }
        TraceModel model = TraceSession.replay(saved.events(), sink);
        model.attachJava(JavaJoin.join(model, saved.java()));
        if (saved.skippedLines() > 0) {
            err.println("jthreadtrace: note: skipped " + saved.skippedLines() + " line" + (saved.skippedLines() == 1 ? "" : "s")
                    + " of " + file + " that are not this trace's records (the traced program's own output?)");
        }
        return new SavedTrace(model, saved.skippedLines(), saved.truncatedAfterLine());
    }

    /** The one line that says a trace is cut short. */
    public String truncationWarning(Path file) {
        return file + " is cut short after line " + truncatedAfterLine + " (no end or summary record: the run was killed,"
                + " or the disk filled up)";
    }
}
