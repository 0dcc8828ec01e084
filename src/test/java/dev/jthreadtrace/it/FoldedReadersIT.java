package dev.jthreadtrace.it;

import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.FoldedMetrics;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.HtmlReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readers of a model that folds, on real traces: a real program traced to JSONL, its events read
 * into a model that keeps a few ended tasks ({@code new TraceModel(keepEnded, ...)}, what
 * --keep-ended builds) and into one that keeps all, the latter the oracle. A join whose futex wait
 * the kernel answered EAGAIN long after its thread ended (the program prints the kernel's answer)
 * is counted after the thread folded; the HTML page of a folded churn, opened in Chromium, has the
 * folded groups in its spawn tree and timeline and counts every task as the unfolded page does.
 */
@Timeout(240)
class FoldedReadersIT {
    /** A trace written by the tool, and what the traced program printed. */
    private record Saved(Path file, String out) {}

    private static Saved trace(Path dir, String... command) {
        return trace(dir, List.of(), command);
    }

    private static Saved trace(Path dir, List<String> options, String... command) {
        Path out = dir.resolve("trace.jsonl");
        List<String> args = new java.util.ArrayList<>(List.of("run", "--format", "jsonl", "-o", out.toString()));
        args.addAll(options);
        args.add("--");
        args.addAll(List.of(command));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.toString());
        return new Saved(out, r.out());
    }

    private static TraceModel load(Path file, int keepEnded) throws Exception {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        TraceReader.Saved saved = TraceReader.read(file, m::accept);
        m.attachJava(JavaJoin.join(m, saved.java()));
        return m;
    }

    @Test
    void aJoinTheKernelAnsweredAfterItsThreadFoldedIsCounted(@TempDir Path dir) throws Exception {
        Saved saved = trace(dir, Traced.fixture("late_join").toString(), "20");
        Path file = saved.file();
        Matcher said = Pattern.compile("late join of (\\d+): EAGAIN").matcher(saved.out());
        assertTrue(said.find(), "the kernel answered EAGAIN: " + saved.out());
        int late = Integer.parseInt(said.group(1));

        TraceModel whole = load(file, -1), folded = load(file, 2);
        List<Integer> joined = whole.futexAnalysis().joins().stream().map(FutexAnalysis.Join::joined).toList();
        assertTrue(joined.contains(late), "the unbounded model joins " + late + ": " + joined);
        // Not all 20 pthread joins wait: one whose thread had already ended makes no futex call (a busy
        // machine: 19 in one suite run). The folded model must count exactly what the unbounded one does.
        assertTrue(joined.size() <= 21, "at most 20 pthread joins and the late one: " + joined);
        assertTrue(folded.folded().all().tasks() >= 19, "folded: " + folded.folded().all().tasks());
        assertTrue(folded.threads().stream().noneMatch(t -> t.tid() == late), "the late-joined thread folded before its join returned");
        assertEquals(new FoldedMetrics.Answer.Value(joined.size()), Metric.FUTEX_JOINS.answer(folded));
    }

    private static String page(TraceModel m, Path html) throws Exception {
        StringBuilder b = new StringBuilder();
        HtmlReport.write(m, List.of(), line -> b.append(line).append('\n'));
        Files.writeString(html, b, StandardCharsets.UTF_8);
        return HtmlIT.render(html, null).dom();
    }

    @Test
    void theHtmlPageOfAFoldedChurnShowsItsGroupsInChromium(@TempDir Path dir) throws Exception {
        Path file = trace(dir, Traced.fixture("churn").toString(), "300").file();
        TraceModel keptTen = load(file, 10);
        long n = keptTen.folded().all().tasks();
        // 301 tasks ended: main and the 9 threads that ended last are kept (main for its kept children).
        assertEquals(291, n);
        String whole = page(load(file, -1), dir.resolve("whole.html")), folded = page(keptTen, dir.resolve("folded.html"));
        Matcher tasks = Pattern.compile("<li>(301 tasks: [^<]*)").matcher(whole);
        assertTrue(tasks.find(), whole);
        assertTrue(folded.contains("<li>" + tasks.group(1)), "the folded page counts every task: " + tasks.group(1));
        assertTrue(folded.contains("<li id=\"folded\">" + n + " ended tasks folded past --keep-ended 10"), folded);
        Matcher row = Pattern.compile("<li class=\"folded\" data-folded=\"" + n + "\" data-creator=\"\\d+\">\u22ef " + n
                + " ended threads like churn folded, tids \\d+\\.\\.\\d+, @").matcher(folded);
        assertTrue(row.find(), "one row for the folded threads, under main: " + folded);
        assertTrue(folded.contains("id=\"kernel-folded\">\u22ef " + n + " ended tasks folded past --keep-ended 10, " + n + " of them re-parented"), folded);
        assertTrue(folded.contains("data-folded-lane="), "a timeline lane for the group");
        assertFalse(whole.contains("folded past"), "nothing folded, nothing said");
    }

    /** {@code report} of a saved trace through the CLI, with {@code args} before the file; its output. */
    private static String report(Path dir, String name, Path file, String... args) throws Exception {
        Path out = dir.resolve(name);
        List<String> all = new java.util.ArrayList<>(List.of("report", "--no-live", "--color", "never", "--width", "120"));
        all.addAll(List.of(args));
        all.add(file.toString());
        all.addAll(1, List.of("-o", out.toString()));
        java.io.StringWriter err = new java.io.StringWriter();
        int code = dev.jthreadtrace.cli.Main.run(all.toArray(String[]::new), new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(err));
        assertEquals(0, code, err.toString());
        return Files.readString(out);
    }

    /** The lines of {@code text} that start with {@code prefix}. */
    private static List<String> linesStarting(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    /**
     * The threads fixture's main joins inner-1 and sibling. With one ended task kept both fold, and
     * main (kept: it leads the process) keeps its two "J"s: its timeline lane is the unfolded
     * report's, character for character (same trace, same axis), its HTML lane has the same join
     * marks and its Perfetto track the same join instants. The folded lanes come in start order.
     */
    @Test
    void aKeptJoinersMarksStayWhenTheThreadsItJoinedFold(@TempDir Path dir) throws Exception {
        Path file = trace(dir, Traced.fixture("threads").toString()).file();
        TraceModel whole = load(file, -1), folded = load(file, 1);
        int main = whole.root().tid();
        List<FutexAnalysis.Join> mainJoins = whole.futexAnalysis().joins().stream().filter(j -> j.joiner() == main).toList();
        assertEquals(2, mainJoins.size(), "main joins inner-1 and sibling: " + whole.futexAnalysis().joins());
        assertTrue(folded.folded().all().tasks() >= 2 && folded.thread(mainJoins.get(0).joined()) == null
                && folded.thread(mainJoins.get(1).joined()) == null, "both joined threads folded");
        assertEquals(mainJoins, folded.futexAnalysis().joinMarks().stream().filter(j -> j.joiner() == main).toList());
        assertTrue(folded.futexAnalysis().joins().stream().noneMatch(j -> j.joiner() == main), "listed joins are the kept threads'");

        String lane = main + " threads ";
        List<String> wholeLane = linesStarting(report(dir, "whole.txt", file, "--report", "timeline"), lane);
        String foldedText = report(dir, "folded.txt", file, "--report", "timeline", "--keep-ended", "1");
        assertEquals(wholeLane, linesStarting(foldedText, lane));
        assertEquals(2, wholeLane.getFirst().chars().filter(c -> c == 'J').count(), wholeLane.toString());
        List<Long> starts = new java.util.ArrayList<>();
        for (String l : linesStarting(foldedText, "\u22ef ")) starts.add((long) l.indexOf('\u2504'));
        assertEquals(starts.stream().sorted().toList(), starts, "folded lanes in start order:\n" + foldedText);
        assertTrue(starts.size() >= 2, foldedText);

        Pattern htmlJoin = Pattern.compile("threads joined (\\d+) ");
        report(dir, "w.txt", file, "--report", "timeline", "--html", dir.resolve("whole.html").toString());
        report(dir, "f.txt", file, "--report", "timeline", "--keep-ended", "1", "--html", dir.resolve("folded.html").toString());
        assertEquals(matches(htmlJoin, Files.readString(dir.resolve("whole.html"))), matches(htmlJoin, Files.readString(dir.resolve("folded.html"))));
        assertEquals(2, matches(htmlJoin, Files.readString(dir.resolve("folded.html"))).size());

        Pattern instant = Pattern.compile("\"name\":\"joined (\\d+)\",\"cat\":\"join\",\"pid\":" + main + ",\"tid\":" + main + ",");
        List<String> wholeInstants = matches(instant, report(dir, "whole.json", file, "--format", "perfetto"));
        assertEquals(2, wholeInstants.size());
        assertEquals(wholeInstants, matches(instant, report(dir, "folded.json", file, "--format", "perfetto", "--keep-ended", "1")));
    }

    private static List<String> matches(Pattern p, String text) {
        List<String> out = new java.util.ArrayList<>();
        for (Matcher m = p.matcher(text); m.find(); ) out.add(m.group(1));
        return out;
    }

    /**
     * {@code threads{created_at="glob"}.count} once a JVM's threads folded (fold11's leftover: it was
     * unknown): a Java fixture starting 60 threads at one site and 20 at another, each joined before
     * the next, read into a model that keeps 3 ended tasks and into one that keeps all, the oracle;
     * every site's count is the oracle's, and so is the live run's with --keep-ended 3 and a replay's
     * ({@code check --keep-ended 3}).
     */
    @Test
    void creationSiteCountsOfFoldedJavaThreadsAreTheUnfoldedOnes(@TempDir Path dir) throws Exception {
        List<String> java = JvmIT.java(dev.jthreadtrace.fixtures.TwoSiteChurn.class.getName(), "60");
        Path file = trace(dir, java.toArray(String[]::new)).file();
        List<String> exprs = List.of("threads{created_at=\"*TwoSiteChurn.main(*\"}.count == 60",
                "threads{created_at=\"*TwoSiteChurn.startSecond(*\"}.count == 20",
                "threads{created_at=\"*TwoSiteChurn.*\"}.count == 80", "threads{created_at=\"nowhere*\"}.count == 0");
        List<dev.jthreadtrace.check.Assertion> assertions = exprs.stream().map(dev.jthreadtrace.check.AssertionParser::parse).toList();
        TraceModel whole = load(file, -1), folded = load(file, 3);
        assertTrue(folded.folded().all().jvmTasks() >= 70, "the Java threads folded: " + folded.folded().all().jvmTasks());
        List<String> oracle = dev.jthreadtrace.check.AssertionEvaluator.evaluate(assertions, whole).stream()
                .map(dev.jthreadtrace.check.AssertionResult::actual).toList();
        assertEquals(List.of("60", "20", "80", "0"), oracle, "the unfolded model counts the loop's threads");
        assertEquals(oracle, dev.jthreadtrace.check.AssertionEvaluator.evaluate(assertions, folded).stream()
                .map(dev.jthreadtrace.check.AssertionResult::actual).toList());

        List<String> args = new java.util.ArrayList<>(List.of("run", "--no-live", "--report", "none", "--keep-ended", "3"));
        for (String e : exprs) args.addAll(List.of("--assert", e));
        args.add("--");
        args.addAll(java);
        Tool.Result live = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, live.code(), live.toString());
        List<String> check = new java.util.ArrayList<>(List.of("check", "--keep-ended", "3"));
        for (String e : exprs) check.addAll(List.of("--assert", e));
        check.add(file.toString());
        Tool.Result replay = Tool.run(Tool.jar(check.toArray(String[]::new)));
        assertEquals(0, replay.code(), replay.toString());
        assertTrue(replay.out().contains("PASS  threads{created_at=\"*TwoSiteChurn.main(*\"}.count == 60"), replay.out());
    }

    /**
     * A folded trace written again ({@code report --format jsonl}) is the live run's, byte for byte:
     * the live run folds at events that write no record (a call's entry), the replay at the next one
     * that does, and both write the folded thread records before that record, with the same sequence
     * numbers (hostile10i F2: each came one event later in the replay).
     */
    @Test
    void aFoldedTraceWrittenAgainIsTheLiveRunsRecordForRecord(@TempDir Path dir) throws Exception {
        Path file = trace(dir, List.of("--keep-ended", "10"), Traced.fixture("churn").toString(), "300").file();
        String live = Files.readString(file);
        assertTrue(live.contains("\"folded\":true"), "threads folded");
        Path again = dir.resolve("again.jsonl");
        java.io.StringWriter err = new java.io.StringWriter();
        int code = dev.jthreadtrace.cli.Main.run(new String[] {"report", "--format", "jsonl", "-o", again.toString(), file.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertEquals(live, Files.readString(again));
    }
}
