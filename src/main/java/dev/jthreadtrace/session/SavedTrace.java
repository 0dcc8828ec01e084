package dev.jthreadtrace.session;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.jsonl.TraceFileException;
import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.text.Escape;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A saved JSONL trace loaded into a model for report, check and diff, with what the caller must
 * tell the user: lines that were not the trace's records, and whether it was cut short. Loading
 * reads the file once and keeps no event; {@link #replay} reads it again into a sink (the live
 * lines, a JSONL copy, a picture), in flat memory however long the trace.
 *
 * @param saved what the file holds besides its events: header, Java records, assertion results
 * @param fold  how its model folded ended tasks: the bound the run saved (or a lower one asked for), which a
 *              {@link #replay} folds with again
 */
public record SavedTrace(Path file, TraceModel model, TraceReader.Saved saved, FoldPlan fold) {
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
        return load(file, null, Map.of(), err);
    }

    /**
     * The same, its model folding as the live run's did (the bound in its start record), or earlier:
     * {@code keepEnded} (report's or check's {@code --keep-ended}, null when not given) lowers the
     * bound, never raises it (one note says so). {@code selectors}: the assertions to check, registered
     * before the first event so their counts stay exact over folded tasks.
     */
    public static SavedTrace load(Path file, Integer keepEnded, Map<String, Predicate<ThreadInfo>> selectors, PrintWriter err) {
        FoldPlan[] plan = new FoldPlan[1];
        TraceModel[] model = new TraceModel[1];
        TraceReader.Saved saved;
        try {
            saved = TraceReader.readInto(file, savedBound -> {
                plan[0] = FoldPlan.forSaved(savedBound, keepEnded, selectors);
                if (keepEnded != null && plan[0].keepEnded() != keepEnded) {
                    err.println("jthreadtrace: note: --keep-ended " + keepEnded + " is above the bound " + Escape.text(file.toString())
                            + " was traced with (" + savedBound + "): a saved trace folds where its run did, or earlier");
                }
                model[0] = plan[0].newModel();
                return model[0]::accept;
            });
        } catch (TraceFileException e) {
            err.println("jthreadtrace: " + e.getMessage());
            return null;
        }
        model[0].attachJava(JavaJoin.join(model[0], saved.java()));
        if (saved.skippedLines() > 0) {
            err.println("jthreadtrace: note: skipped " + saved.skippedLines() + " line" + (saved.skippedLines() == 1 ? "" : "s")
                    + " of " + Escape.text(file.toString()) + " that are not this trace's records (the traced program's own output?)");
        }
        if (saved.gluedLines() > 0) {
            err.println("jthreadtrace: note: " + saved.gluedLines() + " line" + (saved.gluedLines() == 1 ? "" : "s") + " of "
                    + Escape.text(file.toString()) + " began with bytes that are not this trace's (the traced program's output"
                    + " without a newline?); the record after them was read");
        }
        return new SavedTrace(file, model[0], saved, plan[0]);
    }

    /**
     * The events again, in order, each into a fresh model and then {@code sink}, as a live run hands
     * them (a call interrupted by other records has its {@code enter} record, so the lines print it
     * when it began); the Java view is joined at the end. A trace cut short is ended as it stops
     * ({@link LiveSink#cutShort}). Throws when the file changed since it was loaded.
     */
    public TraceModel replay(LiveSink sink) throws TraceFileException {
        TraceModel again = fold.newModel();
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
