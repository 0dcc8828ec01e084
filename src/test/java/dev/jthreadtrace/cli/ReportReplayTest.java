package dev.jthreadtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.check.AssertionEvaluator;
import dev.jthreadtrace.check.AssertionParser;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.RecordedTrace;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A saved trace does what the live run did: report prints the lines the live sink printed (same
 * flags), the -c table, and --format jsonl writes the same records again. The "live run" here is
 * the recorded threads-fixture stream fed to the live sinks, as the session feeds them.
 */
class ReportReplayTest {
    private static final List<JavaRecord> JAVA = List.of(
            new JavaRecord.Started(RecordedTrace.MAIN, 2_900_000, RecordedTrace.MAIN, 1, "main", 20, "inner-one-with-a-long-name",
                    Map.of("InheritableThreadLocal#1", "r-42"), List.of(new JavaRecord.Frame("com.example.App", "main", "App.java", 12)),
                    Map.of("ccl", "app@1a2b3c", "daemon", "false")));

    /** The live run: the events into the model, the JSONL file and the text lines, which share the start time. */
    private static String live(Path jsonl, LineOptions options, boolean[] shown, boolean[] textShown) throws IOException {
        return live(jsonl, options, shown, textShown, List.of());
    }

    private static String live(Path jsonl, LineOptions options, boolean[] shown, boolean[] textShown, List<JavaRecord> java)
            throws IOException {
        StartClock clock = StartClock.live();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TraceModel model = new TraceModel();
        try (OutputStream file = Files.newOutputStream(jsonl); Output json = new Output(file, false); Output lines = new Output(text, false)) {
            JsonLines sink = new JsonLines(json, 32, shown, clock);
            LiveSink both = sink.then(new TextLines(lines, Palette.PLAIN, textShown, options, ThreadNames.KERNEL, clock));
            for (TraceEvent e : RecordedTrace.threadsFixture()) {
                model.accept(e);
                both.event(e, model);
            }
            model.attachJava(JavaJoin.join(model, java));
            sink.finalRecords(model, AssertionEvaluator.evaluate(List.of(AssertionParser.parse("threads.total == 4")), model));
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    private static String report(Path out, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("report", "--color", "never", "--width", "100", "-o", out.toString()));
        all.addAll(List.of(args));
        CliTest.Result r = CliTest.run(all.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return Files.readString(out);
    }

    private static List<String> reportOf(TraceModel model) {
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 100, lines::add).render(EnumSet.allOf(ReportSection.class));
        return lines;
    }

    @Test
    void theLinesComeAgainWithTheSameFlags(@TempDir Path tmp) throws IOException {
        Path trace = tmp.resolve("trace.jsonl");
        boolean[] all = TraceSelection.parse("all").shown();
        LineOptions defaults = LineOptions.defaults(32);
        // -tt -z: wall-clock microseconds from the saved start time, failed calls left out.
        LineOptions ttz = new LineOptions(LineOptions.TimeFormat.WALL_MICROS, true, EnumSet.of(LineOptions.Status.SUCCESSFUL),
                defaults.signals(), false, 32);
        String lines = live(trace, ttz, all, all);
        String replayed = report(tmp.resolve("out.txt"), "-tt", "-z", "--no-live", trace.toString());
        assertTrue(!replayed.contains("clone3("), "--no-live: only the report");
        String withLines = report(tmp.resolve("out2.txt"), "-tt", "-z", trace.toString());
        assertTrue(withLines.startsWith(lines), "same lines:\n" + lines + "\n---\n" + withLines);
        assertTrue(lines.matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\[1201 threads\\] .*"), lines);

        // -e futex -r: the chosen calls, seconds since the previous line.
        boolean[] futex = TraceSelection.parse("futex").shown();
        LineOptions delta = new LineOptions(LineOptions.TimeFormat.DELTA, true, defaults.statuses(), defaults.signals(), false, 32);
        String futexLines = live(trace, delta, all, futex);
        String futexReplayed = report(tmp.resolve("out3.txt"), "-e", "futex", "-r", "--report", "none", trace.toString());
        assertEquals(futexLines, futexReplayed.substring(0, futexLines.length()));
        assertTrue(futexLines.contains("futex(") && !futexLines.contains("mmap("), futexLines);
    }

    @Test
    void withoutMinusEThePreviousRunsChoiceIsShownAndTheJavaNamesComeBack(@TempDir Path tmp) throws IOException {
        Path trace = tmp.resolve("trace.jsonl");
        boolean[] shown = TraceSelection.parse("clone3,prctl").shown();
        String lines = live(trace, LineOptions.defaults(32), shown, shown, JAVA);
        String replayed = report(tmp.resolve("out.txt"), "--report", "none", trace.toString());
        String replayedLines = replayed.substring(0, replayed.indexOf("\n\nASSERTIONS") + 1);
        assertEquals(lines.lines().count(), replayedLines.lines().count(), replayedLines);
        assertEquals(withoutNames(lines), withoutNames(replayedLines), "the same lines but for the names");
        // The live sink here knew only kernel names; the agent's start() record, from before the clone, names the thread.
        assertTrue(replayedLines.contains("[1202 inner-one-with-a-long-name] prctl(PR_SET_NAME, \"inner-1\")"), replayedLines);
        assertTrue(replayedLines.contains("[1201 main] clone3("), "main made a record: " + replayedLines);
        assertTrue(replayed.contains("PASS  threads.total == 4   actual 4"), "the run's assertion results: " + replayed);
    }

    private static String withoutNames(String lines) {
        return lines.replaceAll("\\[(\\d+) [^]]+\\]", "[$1]").replaceAll("created by (\\d+) [^,]+,", "created by $1,");
    }

    @Test
    void theSummaryTableIsTheLiveRunsTable(@TempDir Path tmp) throws IOException {
        Path trace = tmp.resolve("trace.jsonl");
        boolean[] all = TraceSelection.parse("all").shown();
        live(trace, LineOptions.defaults(32), all, all);
        TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());
        for (SyscallSummary.Sort sort : SyscallSummary.Sort.values()) {
            List<String> table = new ArrayList<>();
            SyscallSummary.render(model, all, sort, table::add);
            String replayed = report(tmp.resolve(sort + ".txt"), "-c", "-S", sort.name().toLowerCase(), trace.toString());
            assertEquals(String.join("\n", table) + "\n\nASSERTIONS\n  PASS  threads.total == 4   actual 4\n1 passed, 0 failed\n", replayed);
        }
        List<String> byThread = new ArrayList<>();
        SyscallSummary.renderByThread(model, all, SyscallSummary.Sort.TIME, byThread::add);
        assertTrue(report(tmp.resolve("t.txt"), "-c", "--summary-by", "thread", trace.toString()).startsWith(String.join("\n", byThread)));
        // -C: lines, report, then the table.
        String both = report(tmp.resolve("C.txt"), "-C", trace.toString());
        assertTrue(both.contains("THREADS BY CREATOR") && both.contains("% time     seconds") && both.contains("clone3("), both);
    }

    @Test
    void reportFormatJsonlWritesTheSameRecordsWhichReadBackAgain(@TempDir Path tmp) throws IOException {
        Path trace = tmp.resolve("trace.jsonl"), copy = tmp.resolve("copy.jsonl"), again = tmp.resolve("again.jsonl");
        boolean[] shown = TraceSelection.parse("clone3,futex").shown();
        live(trace, LineOptions.defaults(32), shown, shown, JAVA);
        assertEquals(0, CliTest.run("report", "--format", "jsonl", "-o", copy.toString(), trace.toString()).code());
        assertEquals(records(trace), records(copy), "identity as JSON");
        // What report wrote, report and check read back.
        assertEquals(0, CliTest.run("report", "--format", "jsonl", "-o", again.toString(), copy.toString()).code());
        assertEquals(records(trace), records(again));
        CliTest.Result check = CliTest.run("check", "--assert", "inherits{name=\"inner-one*\", hook=\"itl:InheritableThreadLocal#1\"} == \"r-42\"",
                copy.toString());
        assertEquals(0, check.code(), check.out() + check.err());
        assertTrue(reportOf(RecordedTrace.model(RecordedTrace.threadsFixture())).size() > 10);
    }

    private static List<JsonNode> records(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) out.add(json.readTree(line));
        assertTrue(out.size() > 20, "a whole trace: " + out.size() + " records");
        return out;
    }
}
