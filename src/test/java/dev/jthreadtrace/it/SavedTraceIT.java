package dev.jthreadtrace.it;

import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.session.TraceSession;

import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A live trace written as JSONL and read back gives the very report the live run printed. */
@Timeout(120)
class SavedTraceIT {
    private static String report(TraceModel model) {
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 120, lines::add).render(EnumSet.allOf(ReportSection.class));
        return String.join("\n", lines);
    }

    @Test
    void savedJsonlRebuildsTheSameModel(@TempDir Path tmp) throws Exception {
        for (String fixture : List.of("threads", "forker")) {
            Path file = tmp.resolve(fixture + ".jsonl");
            TraceSelection selection = TraceSelection.defaults();
            TraceModel live;
            try (OutputStream stream = Files.newOutputStream(file); Output out = new Output(stream, false)) {
                JsonLines sink = new JsonLines(out, 32, selection.shown());
                live = TraceSession.run(List.of(Traced.fixture(fixture).toString()), System.getenv(), selection.recorded(), true,
                        sink, out::flush).model();
                sink.finalRecords(live, List.of());
            }
            List<TraceEvent> events = TraceReader.read(file);
            TraceModel saved = TraceSession.replay(events);
            assertEquals(report(live), report(saved), fixture);
        }
    }
}
