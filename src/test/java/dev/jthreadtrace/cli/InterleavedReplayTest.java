package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.StartClock;
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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls that other threads' lines interrupt: the live lines print them strace's way, begun
 * ({@code <unfinished ...>}) and later {@code <... NAME resumed>}, in time order. The JSONL keeps
 * an {@code enter} record where such a call began, so {@code report} prints the very same lines;
 * a call nothing interrupted is its {@code syscall} record alone. A trace cut short ends its
 * lines as they stood: the pending call unfinished, nothing it never had.
 */
class InterleavedReplayTest {
    private static final int MAIN = 500, WORKER = 501;
    private static final long MS = 1_000_000;
    private static final int READ = SyscallTable.number("read").orElseThrow();
    private static final long[] WORKER_READ = {3, 0x7000, 1, 0, 0, 0}, MAIN_WRITE = {4, 0x7100, 1, 0, 0, 0},
            MAIN_READ = {9, 0x7100, 1, 0, 0, 0}, WORKER_WRITE = {6, 0x7000, 1, 0, 0, 0},
            JOIN = {0x7f00007ff990L, 265, WORKER, 0, 0, 0xffffffffL}, CLONE3 = {0x7ffc0000, 88, 0, 0, 0, 0},
            NAME = {15, 0x7200, 0, 0, 0, 0};

    /** A byte relayed: the worker waits in read while main writes, main waits in read while the worker writes, then main joins it. */
    private static List<TraceEvent> relay() {
        Captures a = byteAt(1), name = new Captures();
        name.put(1, "relay-0".getBytes(StandardCharsets.US_ASCII));
        return List.of(
                new TraceEvent.TargetStarted(0, MAIN, RecordedTrace.TRACER, "/opt/relay", List.of("relay")),
                new TraceEvent.Exec(MS / 2, MAIN, MAIN, "/opt/relay"),
                new TraceEvent.Spawned(MS, MAIN, WORKER, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD),
                new TraceEvent.Syscall(MS - 100_000, MS + 100_000, MAIN, SyscallTable.CLONE3, CLONE3, WORKER, false, true, Captures.NONE),
                // Nothing comes between its entry and its return, but it renames its thread: the line begins with the old name.
                new TraceEvent.SyscallEntered(MS + 500_000, WORKER, SyscallTable.PRCTL, NAME, name),
                new TraceEvent.Syscall(MS + 500_000, MS + 600_000, WORKER, SyscallTable.PRCTL, NAME, 0, false, true, name),
                new TraceEvent.SyscallEntered(2 * MS, WORKER, READ, WORKER_READ, Captures.NONE),
                new TraceEvent.SyscallEntered(3 * MS, MAIN, SyscallTable.WRITE, MAIN_WRITE, a),
                new TraceEvent.Syscall(3 * MS, 3 * MS + 100_000, MAIN, SyscallTable.WRITE, MAIN_WRITE, 1, false, true, a),
                new TraceEvent.Syscall(2 * MS, 4 * MS, WORKER, READ, WORKER_READ, 1, false, true, a),
                new TraceEvent.SyscallEntered(5 * MS, MAIN, READ, MAIN_READ, Captures.NONE),
                new TraceEvent.SyscallEntered(6 * MS, WORKER, SyscallTable.WRITE, WORKER_WRITE, a),
                new TraceEvent.Syscall(6 * MS, 6 * MS + 50_000, WORKER, SyscallTable.WRITE, WORKER_WRITE, 1, false, true, a),
                new TraceEvent.Syscall(5 * MS, 7 * MS, MAIN, READ, MAIN_READ, 1, false, true, a),
                new TraceEvent.SyscallEntered(8 * MS, MAIN, SyscallTable.FUTEX, JOIN, Captures.NONE),
                new TraceEvent.Exited(9 * MS, WORKER, 0),
                new TraceEvent.Syscall(8 * MS, 10 * MS, MAIN, SyscallTable.FUTEX, JOIN, 0, false, true, Captures.NONE),
                new TraceEvent.Syscall(11 * MS, 11 * MS, MAIN, SyscallTable.EXIT_GROUP, new long[6], 0, false, false, Captures.NONE),
                new TraceEvent.Exited(12 * MS, MAIN, 0),
                new TraceEvent.TraceEnded(13 * MS, 0));
    }

    /** The byte "a" at argument {@code arg}, as the tracer copies a read's or write's buffer. */
    private static Captures byteAt(int arg) {
        Captures c = new Captures();
        c.put(arg, new byte[] {'a'});
        return c;
    }

    /** The live run: each event into the model, the JSONL file and the text lines, as the session hands them. */
    private static String live(List<TraceEvent> events, Path jsonl) throws IOException {
        boolean[] all = TraceSelection.parse("all").shown();
        StartClock clock = StartClock.live();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TraceModel model = new TraceModel();
        try (OutputStream file = Files.newOutputStream(jsonl); Output json = new Output(file, false); Output lines = new Output(text, false)) {
            JsonLines sink = new JsonLines(json, 32, all, clock);
            LiveSink both = sink.then(new TextLines(lines, Palette.PLAIN, all, LineOptions.defaults(32), ThreadNames.KERNEL, clock));
            for (TraceEvent e : events) {
                model.accept(e);
                both.event(e, model);
            }
            sink.finalRecords(model, List.of());
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** What report printed, and how it ended. */
    private record Replayed(int code, String out, String err) {}

    private static Replayed report(Path trace) throws IOException {
        Path out = trace.resolveSibling(trace.getFileName() + ".txt");
        CliTest.Result r = CliTest.run("report", "--color", "never", "--report", "none", "-o", out.toString(), trace.toString());
        return new Replayed(r.code(), Files.readString(out), r.err());
    }

    @Test
    void reportPrintsAnInterruptedCallAsTheLiveLinesDidWhereItBegan(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("relay.jsonl");
        String live = live(relay(), trace);
        assertTrue(live.contains("[501 relay] prctl(PR_SET_NAME, \"relay-0\") = 0 <0.000100>\n"), live);
        assertTrue(live.contains("[501 relay-0] read(3,  <unfinished ...>\n")
                && live.contains("[501 relay-0] <... read resumed>\"a\", 1) = 1 <0.002000>\n"), live);
        assertTrue(live.contains("[500 relay] write(4, \"a\", 1) = 1 <0.000100>\n"), "a call nothing interrupted is one line: " + live);

        Replayed replayed = report(trace);
        assertEquals(0, replayed.code(), replayed.err());
        assertEquals(live, replayed.out(), "the same lines, in the same order");

        // Only the rename and the three calls something else came into have an enter record; each the call's entry.
        List<String> records = Files.readAllLines(trace);
        List<String> enters = records.stream().filter(l -> l.contains("\"type\":\"enter\"")).toList();
        assertEquals(4, enters.size(), String.join("\n", records));
        assertTrue(enters.getFirst().contains("\"name\":\"relay\"") && enters.getFirst().contains("\"syscall\":\"prctl\""),
                enters.getFirst());
        assertTrue(enters.get(1).contains("\"tid\":501") && enters.get(1).contains("\"text\":\"read(3, \""), enters.get(1));
        List<TraceEvent.SyscallEntered> read = TraceReader.read(trace).stream()
                .filter(e -> e instanceof TraceEvent.SyscallEntered).map(e -> (TraceEvent.SyscallEntered) e).toList();
        assertEquals(List.of(MS + 500_000, 2 * MS, 5 * MS, 8 * MS), read.stream().map(TraceEvent.SyscallEntered::ns).toList());
        assertArrayEquals(JOIN, read.getLast().args());
    }

    @Test
    void aTraceCutShortEndsWithItsPendingCallUnfinishedAndNothingInvented(@TempDir Path tmp) throws IOException {
        Path trace = tmp.resolve("relay.jsonl");
        String live = live(relay(), trace);
        List<String> records = Files.readAllLines(trace);
        // Cut right after main's read began: the worker's write and main's return are lost.
        int mainRead = indexOf(records, "\"type\":\"enter\",", "\"tid\":500");
        Path cut = Files.write(tmp.resolve("cut.jsonl"), records.subList(0, mainRead + 1));

        Replayed replayed = report(cut);
        assertEquals(ExitCodes.TOOL_FAILED, replayed.code(), "a cut-short trace still fails: " + replayed.err());
        assertTrue(replayed.err().contains("cut short after line " + (mainRead + 1)), replayed.err());
        String upToThere = live.substring(0, live.indexOf("read(9,  <unfinished ...>\n") + "read(9,  <unfinished ...>\n".length());
        assertEquals(upToThere, replayed.out(), "the live lines up to the cut, the pending call unfinished");
        assertFalse(replayed.out().contains("= ?"), replayed.out());

        // Cut right after main's join began: no futex call returned before, yet its entry says the run showed futex.
        int join = indexOf(records, "\"type\":\"enter\",", "\"syscall\":\"futex\"");
        Replayed joining = report(Files.write(tmp.resolve("join.jsonl"), records.subList(0, join + 1)));
        String begun = "FUTEX_BITSET_MATCH_ANY <unfinished ...>\n";
        assertEquals(live.substring(0, live.indexOf(begun) + begun.length()), joining.out());
    }

    @Test
    void aTraceWithoutEnterRecordsIsPrintedAsBefore(@TempDir Path tmp) throws IOException {
        // A trace written before enter records (or by a run that did not report entries): each call one line, at its return.
        List<TraceEvent> events = new ArrayList<>(relay());
        events.removeIf(e -> e instanceof TraceEvent.SyscallEntered);
        Path trace = tmp.resolve("old.jsonl");
        String live = live(events, trace);
        assertFalse(Files.readString(trace).contains("\"type\":\"enter\""));
        Replayed replayed = report(trace);
        assertEquals(0, replayed.code(), replayed.err());
        assertEquals(live, replayed.out());
        assertFalse(live.contains("unfinished"), live);
    }

    private static int indexOf(List<String> lines, String... parts) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (Arrays.stream(parts).allMatch(line::contains)) return i;
        }
        throw new AssertionError("no line with " + List.of(parts) + " in\n" + String.join("\n", lines));
    }
}
