package dev.jthreadtrace.it;

import dev.jthreadtrace.cli.Main;
import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.ExitPolicy;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.ExecArguments;
import dev.jthreadtrace.ptrace.Launch;
import dev.jthreadtrace.ptrace.Tracer;
import dev.jthreadtrace.render.LineFormat;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.StartClock;
import dev.jthreadtrace.render.TextLines;
import dev.jthreadtrace.render.ThreadNames;
import dev.jthreadtrace.session.Interrupts;
import dev.jthreadtrace.session.TraceSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A saved trace's {@code report} prints the live run's lines, strace's way: a call that other
 * threads' lines interrupt begins with {@code <unfinished ...>} where it began and ends with
 * {@code <... NAME resumed>} where it returned, in the order the live run printed them. The fixture,
 * native/relay.c, passes a byte along threads blocked in read, a thread sleeps, main joins.
 */
@Timeout(120)
class ReplayLinesIT {
    /** {@code TIME [TID NAME] REST}: one live line. */
    private static final Pattern LINE = Pattern.compile(" *(\\S+) \\[(\\d+) [^]]*\\] (.*)");
    private static final String UNFINISHED = " <unfinished ...>";
    private static final Pattern RESUMED = Pattern.compile("<\\.\\.\\. (\\w+) resumed>.*");
    private static final Pattern CALL = Pattern.compile("(\\w+)\\(.*");
    /** A heap in which the tool reads a trace, but not one that keeps 200 000 calls. */
    private static final int SMALL_HEAP_MB = 16;
    /** The calls the relay blocks in (the default -e shows no read or write), and its renames. */
    private static final String RELAY_CALLS = "read,write,clock_nanosleep,futex,prctl";

    /** What one traced run printed live and wrote to its JSONL file. */
    private record Live(String lines, Path trace) {}

    /**
     * Traces the relay fixture once through the session the CLI uses, the tracer reporting the shown
     * calls' entries as {@code run} has it do for text and for JSONL: the JSONL into {@code trace} and,
     * beside it, the text lines {@code run} prints with {@code options} (one start time for both).
     */
    private static Live trace(Path trace, TraceSelection selection, LineOptions options) throws Exception {
        StartClock clock = StartClock.live();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Launch launch = Launch.of(List.of(Traced.fixture("relay").toString(), "5"), System.getenv());
        CaptureLimits limits = new CaptureLimits(options.fdPaths(), options.stringMax());
        try (OutputStream stream = Files.newOutputStream(trace); Output out = new Output(stream, false);
             Output lines = new Output(text, false)) {
            JsonLines jsonl = new JsonLines(out, options.stringMax(), selection.shown(), clock);
            LiveSink both = jsonl.then(new TextLines(lines, Palette.PLAIN, selection.shown(), options, ThreadNames.KERNEL, clock));
            TraceModel model = TraceSession.run(queue -> Tracer.start(launch, selection.recorded(), selection.shown(), limits,
                    ExitPolicy.EVERY, ExecArguments.NONE, true, queue), both, out::flush, Interrupts.DEFAULT).model();
            assertEquals(0, model.targetExit().value(), "relay exits 0");
            jsonl.finalRecords(model, List.of());
        }
        return new Live(text.toString(StandardCharsets.UTF_8), trace);
    }

    /** {@code report --report none ARGS}: the lines alone, and its exit code. */
    private static Tool.Result report(Path out, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("report", "--color", "never", "--report", "none", "-o", out.toString()));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
        return new Tool.Result(code, Files.readString(out), err.toString());
    }

    @Test
    void reportPrintsTheLiveLinesOfTheSameRunLineForLine(@TempDir Path tmp) throws Exception {
        // run -- relay 5, then report trace.jsonl
        Live plain = trace(tmp.resolve("plain.jsonl"), TraceSelection.defaults(), LineOptions.defaults(32));
        assertInterleaved(plain.lines(), false);
        Tool.Result replayed = report(tmp.resolve("plain.txt"), plain.trace().toString());
        assertEquals(0, replayed.code(), replayed.err());
        assertEquals(plain.lines(), replayed.out(), "the same lines in the same order; nothing removed");

        // run -e trace=read,write,clock_nanosleep,futex,prctl -y -tt, then report -y -tt (-e: the run's, from the trace)
        LineOptions defaults = LineOptions.defaults(32);
        LineOptions yTt = new LineOptions(LineOptions.TimeFormat.WALL_MICROS, true, defaults.statuses(), defaults.signals(), true, 32);
        Live chosen = trace(tmp.resolve("chosen.jsonl"), TraceSelection.parse(RELAY_CALLS), yTt);
        assertInterleaved(chosen.lines(), true);
        assertTrue(chosen.lines().contains("read(3<pipe:["), "-y names the pipes: " + chosen.lines());
        Tool.Result again = report(tmp.resolve("chosen.txt"), "-y", "-tt", chosen.trace().toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(chosen.lines(), again.out());
    }

    @Test
    void aTraceCutShortShowsItsPendingCallUnfinishedAndInventsNothing(@TempDir Path tmp) throws Exception {
        Live live = trace(tmp.resolve("relay.jsonl"), TraceSelection.parse(RELAY_CALLS), LineOptions.defaults(32));
        List<String> records = Files.readAllLines(live.trace());
        // Cut after the last call that had begun and not yet returned when the next record came.
        ObjectMapper json = new ObjectMapper();
        int cutAfter = -1;
        for (int i = 0; i < records.size(); i++) if (records.get(i).contains("\"type\":\"enter\"")) cutAfter = i;
        assertTrue(cutAfter > 0, "the relay's interrupted calls have enter records");
        JsonNode pending = json.readTree(records.get(cutAfter));
        Path cut = Files.write(tmp.resolve("cut.jsonl"), records.subList(0, cutAfter + 1));

        Tool.Result replayed = report(tmp.resolve("cut.txt"), cut.toString());
        assertEquals(125, replayed.code(), "a trace cut short still fails: " + replayed.err());
        assertTrue(replayed.err().contains("cut short after line " + (cutAfter + 1)), replayed.err());
        // The live lines up to that call's beginning, which ends unfinished: no result, no resumed line.
        String began = LineFormat.seconds(pending.get("ns").asLong(), 10) + " [" + pending.get("tid").asInt() + " "
                + pending.get("name").asText() + "] " + pending.get("text").asText();
        int at = live.lines().indexOf(began);
        assertTrue(at > 0, began + " in\n" + live.lines());
        assertEquals(live.lines().substring(0, at + began.length()) + UNFINISHED + "\n", replayed.out());
    }

    @Test
    void runFormatJsonlThenReportFollowsStracesRules(@TempDir Path tmp) throws Exception {
        // The CLI end to end: run --format jsonl -o trace.jsonl -- relay 5; report trace.jsonl.
        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result run = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "-e", "trace=" + RELAY_CALLS,
                "--", Traced.fixture("relay").toString(), "5"));
        assertEquals(0, run.code(), run.err());
        Tool.Result report = Tool.run(Tool.jar("report", "--report", "none", trace.toString()));
        assertEquals(0, report.code(), report.err());
        assertInterleaved(report.out(), true);

        // Each shown call of the trace is one line where it began (whole, or unfinished), per thread in the trace's order.
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> recorded = new HashMap<>(), printed = new HashMap<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode r = json.readTree(line);
            if (r.path("type").asText().equals("syscall") && r.path("shown").asBoolean()) {
                recorded.computeIfAbsent(r.get("tid").asText(), k -> new ArrayList<>()).add(r.get("syscall").asText());
            }
        }
        for (String line : report.out().lines().toList()) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), line);
            Matcher call = CALL.matcher(m.group(3));
            if (call.matches()) printed.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(call.group(1));
        }
        // restart_syscall and the like keep their names; exit_group, which never returns, is a call too.
        assertEquals(recorded, printed);
    }

    @Test
    void aHugeTracesReplayHoldsThePendingCallsOnlyNotTheCallsBetween(@TempDir Path tmp) throws Exception {
        // A worker asleep in read from the first moment to the last while main makes CALLS getpid calls in between:
        // to print the read where it began, report needs that one call, not every call (or line) that came before its return.
        int calls = 200_000;
        Path trace = tmp.resolve("huge.jsonl");
        int main = 4000, worker = 4001, getpid = SyscallTable.number("getpid").orElseThrow(), read = SyscallTable.number("read").orElseThrow();
        long[] none = new long[6], readArgs = {3, 0x7000, 1, 0, 0, 0};
        TraceModel model = new TraceModel();
        try (OutputStream stream = Files.newOutputStream(trace); Output out = new Output(stream, false)) {
            JsonLines jsonl = new JsonLines(out, 32, TraceSelection.parse("read,getpid").shown(), StartClock.live());
            java.util.function.Consumer<TraceEvent> take = e -> {
                model.accept(e);
                jsonl.event(e, model);
            };
            take.accept(new TraceEvent.TargetStarted(0, main, 1, "/opt/huge", List.of("huge")));
            take.accept(new TraceEvent.Spawned(1000, main, worker, TraceEvent.SpawnKind.CLONE3, 0));
            take.accept(new TraceEvent.SyscallEntered(2000, worker, read, readArgs, Captures.NONE));
            long ns = 3000;
            for (int i = 0; i < calls; i++, ns += 1000) {
                take.accept(new TraceEvent.SyscallEntered(ns, main, getpid, none, Captures.NONE));
                take.accept(new TraceEvent.Syscall(ns, ns + 500, main, getpid, none, main, false, true, Captures.NONE));
            }
            take.accept(new TraceEvent.Syscall(2000, ns, worker, read, readArgs, 0, false, true, Captures.NONE));
            take.accept(new TraceEvent.Exited(ns + 1000, worker, 0));
            take.accept(new TraceEvent.Exited(ns + 2000, main, 0));
            take.accept(new TraceEvent.TraceEnded(ns + 3000, 0));
            jsonl.finalRecords(model, List.of());
        }
        assertEquals(1, Files.lines(trace).filter(l -> l.contains("\"type\":\"enter\"")).count(), "only the read's entry is saved");

        // In a heap far smaller than those calls would take, kept as events (~25 MB) or as lines (a plain java -jar:
        // the launchers' AOT cache holds only for the heap it was made with).
        List<String> command = new ArrayList<>(Tool.bareJar("report", "--report", "none", "-o", tmp.resolve("huge.txt").toString(),
                trace.toString()));
        command.add(command.indexOf("-jar"), "-Xmx" + SMALL_HEAP_MB + "m");
        Tool.Result report = Tool.run(command);
        assertEquals(0, report.code(), report.err());
        List<String> lines = Files.readAllLines(tmp.resolve("huge.txt"));
        assertEquals(calls + 5, lines.size(), "the worker's start, its read's beginning and end, every getpid, two exits");
        assertTrue(lines.get(1).endsWith("[4001 huge] read(3,  <unfinished ...>"), lines.get(1));
        assertTrue(lines.get(calls + 2).contains("[4001 huge] <... read resumed>"), lines.get(calls + 2));
    }

    /**
     * strace -f's rules: a thread's call that another line interrupted ends {@code <unfinished ...>}
     * and the thread's next line is its {@code <... NAME resumed>}, at a time no earlier; there is at
     * least one of each, and with {@code reads} shown, relay-0's read (asleep in it while main writes).
     */
    private static void assertInterleaved(String lines, boolean reads) {
        Map<String, String> open = new HashMap<>();
        Map<String, Double> lastTime = new HashMap<>();
        int unfinished = 0;
        for (String line : lines.lines().toList()) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "a line: " + line);
            String tid = m.group(2), rest = m.group(3);
            // A thread's "+++ thread started" line has its creator's time, which may come after its first call's.
            if (!rest.startsWith("+++ ")) {
                double time = seconds(m.group(1));
                Double before = lastTime.put(tid, time);
                assertTrue(before == null || time >= before, "one thread's calls go forward in time: " + line + "\n" + lines);
            }
            String pending = open.remove(tid);
            Matcher resumed = RESUMED.matcher(rest);
            if (pending != null) {
                assertTrue(resumed.matches() && resumed.group(1).equals(pending) || rest.startsWith("+++ "),
                        "after " + pending + " <unfinished ...> its thread's next line resumes it: " + line + "\n" + lines);
            } else {
                assertFalse(resumed.matches(), "nothing to resume: " + line + "\n" + lines);
            }
            if (rest.endsWith(UNFINISHED)) {
                Matcher call = CALL.matcher(rest);
                assertTrue(call.matches(), line);
                open.put(tid, call.group(1));
                unfinished++;
            }
        }
        assertTrue(unfinished > 0 && (!reads || lines.contains("relay-0] <... read resumed>\"")), "calls interrupted:\n" + lines);
        assertTrue(open.isEmpty(), "every unfinished call resumed: " + open);
    }

    /** The time column: seconds since the exec, or -tt's {@code HH:MM:SS.micros} as seconds of the day. */
    private static double seconds(String column) {
        if (!column.contains(":")) return Double.parseDouble(column);
        String[] hms = column.split(":");
        return Integer.parseInt(hms[0]) * 3600 + Integer.parseInt(hms[1]) * 60 + Double.parseDouble(hms[2]);
    }
}
