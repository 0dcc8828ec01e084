package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.cli.Main;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.fixtures.WebApp;
import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.render.StartClock;
import dev.jthreadtrace.render.SyscallSummary;
import dev.jthreadtrace.render.TextLines;
import dev.jthreadtrace.render.ThreadNames;
import dev.jthreadtrace.session.TraceSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live trace written as JSONL does everything the live run did when read back: the same report,
 * the same live lines with the same flags, the same -c table, and a JSONL copy that is the same
 * records.
 */
@Timeout(120)
class SavedTraceIT {
    private static String report(TraceModel model) {
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 120, lines::add).render(EnumSet.allOf(ReportSection.class));
        return String.join("\n", lines);
    }

    /** What one live run printed: its lines, and its model for the report and the table. */
    private record Live(String lines, TraceModel model) {}

    /**
     * Traces {@code fixture} once, with the JSONL into {@code file} and, beside it in the same session,
     * the text lines run would print with {@code options} (the two share the start time, as one run has one).
     */
    private static Live trace(String fixture, Path file, TraceSelection selection, LineOptions options) throws Exception {
        StartClock clock = StartClock.live();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (OutputStream stream = Files.newOutputStream(file); Output out = new Output(stream, false);
             Output lines = new Output(text, false)) {
            JsonLines sink = new JsonLines(out, 32, selection.shown(), clock);
            LiveSink both = sink.then(new TextLines(lines, Palette.PLAIN, selection.shown(), options, ThreadNames.KERNEL, clock));
            TraceModel live = TraceSession.run(List.of(Traced.fixture(fixture).toString()), System.getenv(), selection.recorded(), true,
                    both, out::flush).model();
            sink.finalRecords(live, List.of());
            lines.flush();
            return new Live(text.toString(StandardCharsets.UTF_8), live);
        }
    }

    private static String reportCommand(Path out, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("report", "--color", "never", "--width", "120", "-o", out.toString()));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        return Files.readString(out);
    }

    @Test
    void savedJsonlRebuildsTheSameModel(@TempDir Path tmp) throws Exception {
        for (String fixture : List.of("threads", "forker")) {
            Path file = tmp.resolve(fixture + ".jsonl");
            Live live = trace(fixture, file, TraceSelection.defaults(), LineOptions.defaults(32));
            List<TraceEvent> events = TraceReader.read(file);
            TraceModel saved = TraceSession.replay(events);
            assertEquals(report(live.model()), report(saved), fixture);
        }
    }

    @Test
    void reportPrintsTheLiveLinesAgainWithTheSameFlagsAndTheSameSummaryTable(@TempDir Path tmp) throws Exception {
        // run -tt -z -e clone3,prctl,futex,exit,sched_setaffinity -- threads
        TraceSelection selection = TraceSelection.parse("clone3,prctl,futex,exit,sched_setaffinity");
        LineOptions defaults = LineOptions.defaults(32);
        LineOptions ttz = new LineOptions(LineOptions.TimeFormat.WALL_MICROS, true, EnumSet.of(LineOptions.Status.SUCCESSFUL),
                defaults.signals(), false, 32);
        Path file = tmp.resolve("threads.jsonl");
        Live live = trace("threads", file, selection, ttz);
        assertTrue(live.lines().contains("inner-2] prctl(PR_SET_NAME, \"inner-2\")") && live.lines().lines().count() > 10, live.lines());

        String all = reportCommand(tmp.resolve("a.txt"), "-tt", "-z", "-e", "clone3,prctl,futex,exit,sched_setaffinity", file.toString());
        assertEquals(live.lines() + report(live.model()) + "\n", all);
        // Without -e the lines are what the run showed.
        String again = reportCommand(tmp.resolve("b.txt"), "-tt", "-z", "--no-live", file.toString());
        assertTrue(all.endsWith(again), "--no-live prints the report alone");
        assertEquals(all, reportCommand(tmp.resolve("c.txt"), "-tt", "-z", file.toString()), "-e defaults to the run's choice");

        // run -c -S calls: the table over the shown calls, as the live run's model counts them.
        List<String> table = new ArrayList<>();
        SyscallSummary.render(live.model(), selection.shown(), SyscallSummary.Sort.CALLS, table::add);
        assertEquals(String.join("\n", table) + "\n", reportCommand(tmp.resolve("t.txt"), "-c", "-S", "calls", file.toString()));
        assertTrue(table.stream().anyMatch(l -> l.endsWith(" futex")), String.join("\n", table));
    }

    @Test
    void reportFormatJsonlOfAJvmTraceIsTheSameRecordsAndReadsBack(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("web.jsonl"), copy = tmp.resolve("copy.jsonl");
        List<String> run = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(),
                "--assert", "inherits{name=\"app-pool-*\", hook=\"ccl\"} == \"*@app1\"", "--"));
        run.addAll(JvmIT.java(WebApp.class.getName()));
        Tool.Result traced = Tool.run(Tool.jar(run.toArray(String[]::new)));
        assertEquals(0, traced.code(), traced.err());
        Tool.Result rewritten = Tool.run(Tool.jar("report", "--format", "jsonl", "-o", copy.toString(), trace.toString()));
        assertEquals(0, rewritten.code(), rewritten.err());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> before = new ArrayList<>(), after = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) before.add(json.readTree(line));
        for (String line : Files.readAllLines(copy)) after.add(json.readTree(line));
        assertTrue(before.stream().anyMatch(n -> n.path("type").asText().equals("java")), "the Java records travel too");
        assertTrue(before.stream().anyMatch(n -> n.path("type").asText().equals("assertion")), "and the assertion results");
        assertEquals(before, after, "report --format jsonl writes the trace it read");

        Tool.Result report = Tool.run(Tool.jar("report", "--no-live", "--report", "tree", "--width", "200", copy.toString()));
        assertEquals(0, report.code(), report.err());
        // Its creation site follows its row: on it, or under it (after its columns) when the row is too wide.
        List<String> rows = report.out().lines().toList();
        int pool = rows.indexOf(rows.stream().filter(l -> l.contains("app-pool-1 ")).findFirst().orElseThrow());
        String site = "created at dev.jthreadtrace.fixtures.WebAppLazyPool.handle(";
        assertTrue(rows.subList(pool, Math.min(rows.size(), pool + 4)).stream().anyMatch(l -> l.contains(site)), report.out());
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "threads{name=\"app-pool-*\"}.count == 1", copy.toString()));
        assertEquals(0, check.code(), check.out() + check.err());
        // The lines of a JVM trace carry the Java names, from the agent's records in the file.
        Tool.Result lines = Tool.run(Tool.jar("report", "--report", "none", "-e", "prctl", copy.toString()));
        assertTrue(lines.out().lines().anyMatch(l -> l.contains(" request-handler] prctl(PR_SET_NAME")), lines.out());
    }
}
