package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.check.AssertionEvaluator;
import dev.jthreadtrace.check.AssertionParser;
import dev.jthreadtrace.check.Vocabulary;
import dev.jthreadtrace.cli.Main;
import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.jsonl.JsonLines;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.session.FoldPlan;
import dev.jthreadtrace.session.TraceSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Past {@code --keep-ended}, ended threads fold into their group, and the tool's memory stays flat
 * however many threads the command makes: {@code native/churn} creating and joining 3 000 and
 * 30 000 threads one at a time, with 500 ended threads kept. The counts stay exact (the kernel's
 * clone3 count, as strace -f -c gives it), the tree shows the folded row, an assertion over a name
 * selector registered before the trace stays exact and one over {@code {thread=}} fails as unknown,
 * and a saved trace read back folds at the same points: the same report, the same records.
 *
 * <p>{@code -Djthreadtrace.it.keep-ended=100000} traces with the default bound (nothing folds): the
 * memory bound and the folded rows then fail, as they must.
 */
@Timeout(900)
class MemoryFoldIT {
    private static final Pattern PEAK = Pattern.compile("peak RSS (\\d+) KiB");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEEP = Integer.getInteger("jthreadtrace.it.keep-ended", 500);
    private static final long SMALL = 3_000, LARGE = 30_000;
    /**
     * How much more the large run may cost than the small one: without the fold each of its 27 000 more
     * threads keeps ~600 bytes (16 MiB and more, MemoryBoundsIT); folded, only the JVM's own noise is left.
     */
    private static final long BOUND_KIB = 6 * 1024;

    @TempDir
    Path dir;

    private record Run(long peakKib, Tool.Result result) {}

    /** churn {@code n} traced with the bound, no call shown (the model records what it needs), the text report on stdout. */
    private static Run churn(long n) {
        List<String> command = new ArrayList<>(List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "run",
                "--no-live", "--stats", "-e", "trace=exit_group", "--keep-ended", Integer.toString(KEEP), "--color", "never",
                "--width", "120", "--report", "summary,tree",
                "--assert", "threads{name=\"churn\"}.count == " + (n + 1), "--assert", "threads.total == " + (n + 1),
                "--assert", "syscalls.calls{thread=\"churn\"} >= 0",
                "--", Traced.fixture("churn").toString(), Long.toString(n)));
        Tool.Result r = Tool.run(command, java.util.Map.of(), 400);
        Matcher m = PEAK.matcher(r.err());
        assertTrue(m.find(), r.err());
        return new Run(Long.parseLong(m.group(1)), r);
    }

    /** The clone3 calls of {@code churn n} as strace -f -c counts them: the threads the program made. */
    private Long straceClones(long n) throws Exception {
        Path out = dir.resolve("strace.txt");
        Process p = new ProcessBuilder("strace", "-f", "-c", "-o", out.toString(), "-e", "trace=clone3",
                Traced.fixture("churn").toString(), Long.toString(n)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "strace -f -c churn " + n);
        assertEquals(0, p.exitValue());
        for (String line : Files.readAllLines(out)) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 5 && cols[cols.length - 1].equals("clone3")) return Long.parseLong(cols[3]);
        }
        throw new AssertionError("no clone3 row in strace -c:\n" + Files.readString(out));
    }

    @Test
    void foldedChurnCostsWhatASmallOneDoesAndCountsEveryThread() throws Exception {
        Run small = churn(SMALL);
        Run large = churn(LARGE);
        System.out.println("MemoryFoldIT: --keep-ended " + KEEP + ": peak RSS " + SMALL + " threads " + small.peakKib() + " KiB, "
                + LARGE + " threads " + large.peakKib() + " KiB");
        assertTrue(large.peakKib() - small.peakKib() < BOUND_KIB, SMALL + " threads: " + small.peakKib() + " KiB, " + LARGE
                + " threads: " + large.peakKib() + " KiB (bound: " + BOUND_KIB + " KiB more)");

        long clones = straceClones(LARGE);
        assertEquals(LARGE, clones, "strace -f -c counts the threads churn made");
        String out = large.result().out();
        // One assertion fails, as unknown: the exit status is the assertions'.
        assertEquals(90, large.result().code(), large.result().err());
        assertTrue(out.contains("  " + (clones + 1) + " tasks: 1 process, " + clones + " threads (peak 2 alive at once)"), out);
        Matcher folded = Pattern.compile("  (\\d+) ended tasks folded past --keep-ended " + KEEP + ":").matcher(out);
        assertTrue(folded.find(), out);
        long n = Long.parseLong(folded.group(1));
        // Everything past the bound folded but the main thread, which ended last (with its own end, nothing after it folds).
        assertTrue(n >= LARGE - KEEP && n <= LARGE, n + " folded of " + LARGE + "\n" + out);
        Matcher row = Pattern.compile("└─⋯ " + n + " ended threads like churn folded, tids (\\d+)\\.\\.(\\d+)").matcher(out);
        assertTrue(row.find(), "the tree's folded row under the command:\n" + out);
        assertTrue(out.contains("PASS  threads{name=\"churn\"}.count == " + (LARGE + 1) + "   actual " + (LARGE + 1)), out);
        assertTrue(out.contains("PASS  threads.total == " + (LARGE + 1)), out);
        assertTrue(out.contains("FAIL  syscalls.calls{thread=\"churn\"} >= 0"), out);
        assertTrue(out.contains("actual unknown: " + n + " threads folded"), out);
    }

    @Test
    void aSavedTraceReplaysTheFoldAndReportsAsTheLiveRun(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("churn.jsonl");
        String assertion = "threads{name=\"churn\"}.count == " + (SMALL + 1);
        FoldPlan fold = new FoldPlan(KEEP, AssertionEvaluator.foldSelectors(List.of(AssertionParser.parse(assertion, Vocabulary.TRACE))));
        TraceSelection selection = TraceSelection.defaults();
        TraceModel live;
        try (OutputStream stream = Files.newOutputStream(file); Output out = new Output(stream, false)) {
            JsonLines sink = new JsonLines(out, 32, selection.shown());
            live = TraceSession.run(List.of(Traced.fixture("churn").toString(), Long.toString(SMALL)), System.getenv(),
                    selection.recorded(), CaptureLimits.DEFAULT, fold, true, sink, out::flush).model();
            sink.finalRecords(live, AssertionEvaluator.evaluate(List.of(AssertionParser.parse(assertion, Vocabulary.TRACE)), live));
        }
        long folded = live.folded().all().tasks();
        assertTrue(folded >= SMALL - KEEP, folded + " folded");

        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(file)) records.add(JSON.readTree(line));
        assertEquals(KEEP, records.getFirst().path("keep_ended").asInt(), "the start record says the bound");
        List<JsonNode> threads = records.stream().filter(r -> r.path("type").asText().equals("thread")).toList();
        assertEquals(SMALL + 1, threads.size(), "a thread record for every task, folded or kept");
        assertEquals(folded, threads.stream().filter(t -> t.path("folded").asBoolean(false)).count());
        JsonNode firstFolded = threads.stream().filter(t -> t.path("folded").asBoolean(false)).findFirst().orElseThrow();
        assertTrue(firstFolded.path("joined_by").isNull() && firstFolded.path("end").isNumber(), firstFolded.toString());
        int firstFoldedAt = records.indexOf(firstFolded);
        assertTrue(records.get(firstFoldedAt + 1).path("type").asText().matches("syscall|spawn|exit|thread|enter"),
                "written at its fold, among the events: " + records.get(firstFoldedAt + 1));
        JsonNode summary = records.getLast();
        assertEquals(folded, summary.path("folded").asLong());
        assertEquals(SMALL + 1, summary.path("metrics").path("threads.total").asLong());
        assertEquals(SMALL, summary.path("syscalls").path("clone3").path("calls").asLong(), "the -c figures with the folded calls");

        // The report of the saved trace is the live run's, byte for byte: the replay folds where the run did.
        List<String> lines = new ArrayList<>();
        new Report(live, Palette.PLAIN, 120, lines::add).render(EnumSet.allOf(ReportSection.class));
        String report = command(tmp.resolve("report.txt"), "report", "--color", "never", "--width", "120", "--no-live", file.toString());
        // Then the run's assertion, exact through the fold: its selector was counted at each fold.
        assertEquals(String.join("\n", lines) + "\n\nASSERTIONS\n  PASS  " + assertion + "   actual " + (SMALL + 1)
                + "\n1 passed, 0 failed\n", report);
        assertTrue(report.contains("⋯ " + folded + " ended threads like churn folded"), report);
        // Written again, record for record: the folded tasks' records at the same places.
        Path copy = tmp.resolve("copy.jsonl");
        command(copy, "report", "--format", "jsonl", file.toString());
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));

        // check replays with its own selectors registered: a glob the run did not register is exact too (every thread is
        // named churn: its sum is the whole trace's).
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new String[] {"check", "--assert", "threads{name=\"ch*\"}.count == " + (SMALL + 1),
                "--assert", "futex.waits{name=\"c*\"} == " + summary.path("metrics").path("futex.waits").asLong(), file.toString()},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, out + "\n" + err);
        // A bound given to report may only lower the trace's.
        String lower = command(tmp.resolve("lower.txt"), "report", "--color", "never", "--no-live", "--report", "summary",
                "--keep-ended", "100", file.toString());
        assertTrue(lower.contains("ended tasks folded past --keep-ended 100:"), lower);
    }

    private static String command(Path output, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("-o", output.toString()));
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        return Files.readString(output);
    }
}
