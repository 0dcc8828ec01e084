package dev.jthreadtrace.session;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.jsonl.TraceFileException;
import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.text.Escape;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * A saved JSONL trace loaded into a model for report, check and diff, with what the caller must
 * tell the user: lines that were not the trace's records, and whether it was cut short. Loading
 * reads the file once and keeps no event; {@link #replay} reads it again into a sink (the live
 * lines, a JSONL copy, a picture), in flat memory however long the trace.
 *
 * @param saved what the file holds besides its events: header, Java records, assertion results
 */
public record SavedTrace(Path file, TraceModel model, TraceReader.Saved saved) {
    public boolean truncated() {
        return saved.truncated();
    }

    public int skippedLines() {
        return saved.skippedLines();
    }

    public TraceReader.Header header() {
        return saved.header();
    }

    /** The assertion results the trace was written with (run --assert ... --format jsonl). */
    public List<SavedAssertion> assertions() {
        return saved.assertions();
    }

    /** What the JVM agents reported, in time order: for Java names on replayed live lines. */
    public List<JavaRecord> javaRecords() {
        return saved.java();
    }

    /** The trace, or null after one line on {@code err} when it cannot be read at all. Notes the skipped lines. */
    public static SavedTrace load(Path file, PrintWriter err) {
        TraceModel model = new TraceModel();
        TraceReader.Saved saved;
        try {
            saved = TraceReader.read(file, model::accept);
        } catch (TraceFileException e) {
            err.println("jthreadtrace: " + e.getMessage());
            return null;
        }
        model.attachJava(JavaJoin.join(model, saved.java()));
        if (saved.skippedLines() > 0) {
            err.println("jthreadtrace: note: skipped " + saved.skippedLines() + " line" + (saved.skippedLines() == 1 ? "" : "s")
                    + " of " + Escape.text(file.toString()) + " that are not this trace's records (the traced program's own output?)");
        }
        if (saved.gluedLines() > 0) {
            err.println("jthreadtrace: note: " + saved.gluedLines() + " line" + (saved.gluedLines() == 1 ? "" : "s") + " of "
                    + Escape.text(file.toString()) + " began with bytes that are not this trace's (the traced program's output"
                    + " without a newline?); the record after them was read");
        }
        return new SavedTrace(file, model, saved);
    }

    /**
     * The events again, in order, each into a fresh model and then {@code sink}, as a live run hands
     * them (a call interrupted by other records has its {@code enter} record, so the lines print it
     * when it began); the Java view is joined at the end. A trace cut short is ended as it stops
     * ({@link LiveSink#cutShort}). Throws when the file changed since it was loaded.
     */
    public TraceModel replay(LiveSink sink) throws TraceFileException {
        TraceModel again = new TraceModel();
        TraceReader.Saved read = TraceReader.read(file, event -> {
            again.accept(event);
            sink.event(event, again);
        });
        if (read.truncated()) sink.cutShort(again);
        again.attachJava(JavaJoin.join(again, saved.java()));
        return again;
    }

    /** The one line that says a trace is cut short. */
    public String truncationWarning() {
        return Escape.text(file.toString()) + " is cut short after line " + saved.truncatedAfterLine() + " (no end or summary record: the run was killed,"
                + " or the disk filled up)";
    }
}
