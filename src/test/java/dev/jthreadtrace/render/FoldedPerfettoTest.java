package dev.jthreadtrace.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.perfetto.PerfettoTrace;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The Perfetto trace of the threads fixture with nothing kept of its ended threads: every track
 * still has its name and its closed life slice (named at its end, before its record folded), and
 * otherData says what folded; unfolded, otherData has no such field.
 */
class FoldedPerfettoTest {
    private static JsonNode trace(int keepEnded) throws Exception {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Output out = new Output(bytes, false);
        boolean[] shown = new boolean[512];
        PerfettoTrace sink = new PerfettoTrace(out, shown, 32, StartClock.saved(1_000_000_000L));
        for (TraceEvent e : RecordedTrace.threadsFixture()) {
            m.accept(e);
            sink.event(e, m);
        }
        sink.finish(m);
        out.flush();
        return new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
    }

    /** Each track's name (the last thread_name for its tid) and how many life slices opened and closed on it. */
    private static Map<Integer, String> tracks(JsonNode trace) {
        Map<Integer, String> out = new TreeMap<>();
        Map<Integer, Integer> open = new TreeMap<>();
        for (JsonNode e : trace.path("traceEvents")) {
            int tid = e.path("tid").asInt();
            switch (e.path("ph").asText()) {
                case "M" -> {
                    if (e.path("name").asText().equals("thread_name")) out.put(tid, e.path("args").path("name").asText());
                }
                case "B" -> open.merge(tid, 1, Integer::sum);
                case "E" -> open.merge(tid, -1, Integer::sum);
                default -> { }
            }
        }
        open.forEach((tid, n) -> out.merge(tid, " open " + n, String::concat));
        return out;
    }

    @Test
    void foldedTracksKeepTheirNamesAndClosedLives() throws Exception {
        JsonNode whole = trace(-1), folded = trace(0);
        assertEquals(tracks(whole), tracks(folded));
        assertEquals("inner-2 (1203) open 0", tracks(folded).get(1203));
        JsonNode note = folded.path("otherData").path("folded");
        assertEquals(3, note.path("tasks").asInt());
        assertEquals("1 ended thread like inner-2 folded, tid 1203, @8.0ms..@12.0ms, lifetime max 4.0ms", note.path("groups").get(0).asText());
        assertFalse(whole.path("otherData").has("folded"));
    }
}
