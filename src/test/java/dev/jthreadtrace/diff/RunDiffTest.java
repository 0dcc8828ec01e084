package dev.jthreadtrace.diff;

import dev.jthreadtrace.check.Assertion;
import dev.jthreadtrace.check.AssertionParser;
import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.check.AssertionSyntaxException;
import dev.jthreadtrace.check.DiffEvaluator;
import dev.jthreadtrace.check.Vocabulary;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.DiffReport;
import dev.jthreadtrace.render.Palette;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What changed between two recorded runs: nothing for the same program under other tids, exactly what was changed else. */
class RunDiffTest {
    /** The threads fixture as another run would give it: every tid moved by {@code by}, and the same for the rest. */
    private static List<TraceEvent> movedBy(int by, List<TraceEvent> events) {
        List<TraceEvent> out = new ArrayList<>();
        for (TraceEvent e : events) {
            out.add(switch (e) {
                case TraceEvent.TargetStarted s -> new TraceEvent.TargetStarted(s.ns(), s.pid() + by, s.tracerPid(), s.path(), s.argv());
                case TraceEvent.Exec x -> new TraceEvent.Exec(x.ns(), x.tid() + by, x.formerTid() + by, x.path());
                case TraceEvent.Spawned s -> new TraceEvent.Spawned(s.ns(), s.creator() + by, s.child() + by, s.kind(), s.flags());
                case TraceEvent.Exited x -> new TraceEvent.Exited(x.ns(), x.tid() + by, x.code());
                case TraceEvent.Syscall s -> new TraceEvent.Syscall(s.ns(), s.exitNs(), s.tid() + by, s.nr(), s.args(),
                        s.nr() == SyscallTable.CLONE3 ? s.ret() + by : s.ret(), s.error(), s.returned(), s.captures());
                default -> e;
            });
        }
        return out;
    }

    private static RunDiff diff(List<TraceEvent> base, List<TraceEvent> now) {
        return RunDiff.of(RunProfile.of("base", RecordedTrace.model(base)), RunProfile.of("new", RecordedTrace.model(now)));
    }

    @Test
    void theSameProgramUnderOtherTidsHasNoChange() {
        RunDiff diff = diff(RecordedTrace.threadsFixture(), movedBy(777, RecordedTrace.threadsFixture()));
        assertEquals(List.of(), diff.changes());
        assertEquals(3, diff.rows().size(), "threads → inner-#, inner-# → inner-#, threads → sibling");
        assertEquals(List.of("threads → inner-#", "inner-# → inner-#", "threads → sibling"),
                diff.rows().stream().map(r -> r.key().key()).toList());
        List<String> text = new ArrayList<>();
        DiffReport.render(diff, Palette.PLAIN, text::add);
        assertTrue(text.contains("no change: the same sites, thread counts, inherited settings and execs"), String.join("\n", text));
    }

    @Test
    void anotherThreadAndAnotherInheritedValueAreExactlyTheChanges() {
        List<TraceEvent> now = new ArrayList<>(RecordedTrace.threadsFixture());
        // sibling now starts with CPU 1 (main pinned itself first), and a second sibling comes.
        int at = now.indexOf(now.stream().filter(e -> e instanceof TraceEvent.Spawned s && s.child() == RecordedTrace.SIBLING)
                .findFirst().orElseThrow());
        Captures cpu1 = new Captures();
        cpu1.put(2, new byte[] {2, 0, 0, 0, 0, 0, 0, 0});
        now.add(at, new TraceEvent.Syscall(13_900_000, 13_900_100, RecordedTrace.MAIN, SyscallTable.SCHED_SETAFFINITY,
                new long[] {0, 8, 0x10, 0, 0, 0}, 0, false, true, cpu1));
        now.add(now.size() - 2, new TraceEvent.Spawned(16_500_000, RecordedTrace.MAIN, 1299, TraceEvent.SpawnKind.CLONE3,
                RecordedTrace.PTHREAD));
        now.add(now.size() - 2, new TraceEvent.Exited(16_600_000, 1299, 0));
        RunDiff diff = diff(RecordedTrace.threadsFixture(), now);
        List<String> changes = diff.changes().stream().map(RunDiffTest::describe).toList();
        assertEquals(List.of("inherited threads → sibling affinity [default] → [1]", "new threads → threads"), changes);
        assertEquals(1, DiffMetric.NEW_SITES.total(diff));
        assertEquals(1, DiffMetric.INHERITED_CHANGES.total(diff));
        assertEquals(2, DiffMetric.CHANGES.total(diff));
        assertEquals(1, DiffMetric.THREADS_COUNT.total(diff));
    }

    @Test
    void aProgramTheNewRunExecsIsAChangeAndItsThreadsArePartOfIt() {
        List<TraceEvent> now = new ArrayList<>(RecordedTrace.threadsFixture());
        // main forks a child that execs /bin/sh, whose main thread starts one thread.
        now.add(now.size() - 2, new TraceEvent.Spawned(16_100_000, RecordedTrace.MAIN, 1400, TraceEvent.SpawnKind.CLONE, 17));
        now.add(now.size() - 2, new TraceEvent.Exec(16_200_000, 1400, 1400, "/bin/sh"));
        now.add(now.size() - 2, new TraceEvent.Spawned(16_300_000, 1400, 1401, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD));
        now.add(now.size() - 2, new TraceEvent.Exited(16_400_000, 1401, 0));
        now.add(now.size() - 2, new TraceEvent.Exited(16_500_000, 1400, 0));
        RunDiff diff = diff(RecordedTrace.threadsFixture(), now);
        assertEquals(List.of("new process threads → sh", "new sh → sh", "exec /bin/sh"),
                diff.changes().stream().map(RunDiffTest::describe).toList());
        SiteRow shThread = diff.rows().stream().filter(r -> r.isNew() && !r.key().process()).findFirst().orElseThrow();
        assertEquals("sh", shThread.key().program(), "the thread of the exec'd program is the program's");
        SiteRow shProcess = diff.rows().stream().filter(r -> r.key().process()).findFirst().orElseThrow();
        assertEquals("sh", shProcess.key().program(), "a process is in the program it exec'd");
        assertEquals(1, DiffMetric.PROCESSES_COUNT.total(diff));
        assertEquals(2, DiffMetric.THREADS_COUNT.total(diff), "the process's first thread and the thread it started");
        assertEquals(1, DiffMetric.NEW_EXECS.total(diff));
        assertEquals(0, DiffMetric.NEW_EXECS.total(diff(now, RecordedTrace.threadsFixture())), "vanished, not new");
    }

    /** {@code forks} children of main that never exec (a pre-fork server's workers), appended to the threads fixture. */
    static List<TraceEvent> forking(int forks) {
        List<TraceEvent> events = new ArrayList<>(RecordedTrace.threadsFixture());
        for (int i = 0; i < forks; i++) {
            events.add(events.size() - 2, new TraceEvent.Spawned(16_100_000 + i * 1000L, RecordedTrace.MAIN, 1500 + i,
                    TraceEvent.SpawnKind.CLONE, 17));
        }
        for (int i = 0; i < forks; i++) events.add(events.size() - 2, new TraceEvent.Exited(16_900_000 + i * 1000L, 1500 + i, 0));
        return events;
    }

    /**
     * Children that never exec are processes like any other: one worker and five are a change of the
     * process count at their site (the program's name forked from main), which diff.changes,
     * diff.count_changes, diff.processes.count and diff.threads.count all see; the same count under
     * other tids is none.
     */
    @Test
    void forkedWorkersThatNeverExecAreComparedAtTheirSite() {
        RunDiff diff = diff(forking(1), forking(5));
        assertEquals(List.of("count process threads → threads 1 → 5"), diff.changes().stream().map(RunDiffTest::describe).toList());
        assertEquals(1, DiffMetric.COUNT_CHANGES.total(diff));
        assertEquals(4, DiffMetric.PROCESSES_COUNT.total(diff));
        assertEquals(4, DiffMetric.THREADS_COUNT.total(diff));
        List<String> text = new ArrayList<>();
        DiffReport.render(diff, Palette.PLAIN, text::add);
        assertTrue(text.contains("  ~ process count  threads: threads → threads (process)  1 → 5"), String.join("\n", text));
        assertEquals(List.of(), diff(forking(5), movedBy(50, forking(5))).changes(), "the same workers under other tids");
        assertEquals(List.of("new process threads → threads"),
                diff(RecordedTrace.threadsFixture(), forking(2)).changes().stream().map(RunDiffTest::describe).toList());
        // A worker forked by a named thread runs its parent's program (its first name is the thread's).
        List<TraceEvent> bySibling = new ArrayList<>(RecordedTrace.threadsFixture());
        int exit = bySibling.indexOf(bySibling.stream().filter(e -> e instanceof TraceEvent.Exited x && x.tid() == RecordedTrace.SIBLING)
                .findFirst().orElseThrow());
        bySibling.add(exit, new TraceEvent.Spawned(15_500_000, RecordedTrace.SIBLING, 1600, TraceEvent.SpawnKind.CLONE, 17));
        bySibling.add(bySibling.size() - 2, new TraceEvent.Exited(16_950_000, 1600, 0));
        SiteRow worker = diff(RecordedTrace.threadsFixture(), bySibling).rows().stream().filter(SiteRow::isNew).findFirst().orElseThrow();
        assertEquals(new SiteKey("threads", SiteKey.Kind.PROCESS, "sibling → sibling"), worker.key());
        List<AssertionResult> r = DiffEvaluator.evaluate(List.of(
                AssertionParser.parse("diff.processes{name=\"thr*\"}.count == 4", Vocabulary.DIFF),
                AssertionParser.parse("diff.processes{name=\"inner-*\"}.count == 0", Vocabulary.DIFF)), diff);
        assertEquals(List.of(true, true), r.stream().map(AssertionResult::passed).toList(), r.toString());
    }

    /**
     * A new run whose command was killed, or that ran another program, is a change of its own that
     * every gate's added {@code diff.end_changed == 0}, {@code diff.command_changed == 0} catch:
     * before, {@code diff.new_sites == 0} passed on a build that crashed before it started its pools.
     */
    @Test
    void aNewRunThatCrashedOrRanAnotherProgramIsAChangeOfItsOwn() {
        List<TraceEvent> crashed = new ArrayList<>();
        for (TraceEvent e : RecordedTrace.threadsFixture()) {
            crashed.add(switch (e) {
                case TraceEvent.Exited x when x.code() == 0 && x.tid() == rootOf(RecordedTrace.threadsFixture()) ->
                        new TraceEvent.Killed(x.ns(), x.tid(), 11, true);
                case TraceEvent.TargetStarted s -> new TraceEvent.TargetStarted(s.ns(), s.pid(), s.tracerPid(), "/usr/bin/other",
                        List.of("/usr/bin/other", "--flag"));
                default -> e;
            });
        }
        RunDiff diff = diff(RecordedTrace.threadsFixture(), crashed);
        assertEquals(List.of("command [/usr/bin/other, --flag]", "end exit 0 → killed by SIGSEGV"),
                diff.changes().stream().map(RunDiffTest::describe).toList());
        assertEquals(1, DiffMetric.END_CHANGED.total(diff));
        assertEquals(1, DiffMetric.COMMAND_CHANGED.total(diff));
        assertEquals("it traced another program than the base; the new run ended killed by SIGSEGV (the base: exit 0)", diff.unlike());
        assertEquals(null, diff(RecordedTrace.threadsFixture(), movedBy(5, RecordedTrace.threadsFixture())).unlike());
    }

    private static int rootOf(List<TraceEvent> events) {
        return events.stream().filter(e -> e instanceof TraceEvent.TargetStarted).map(e -> ((TraceEvent.TargetStarted) e).pid())
                .findFirst().orElseThrow();
    }

    private static String describe(Change c) {
        return switch (c) {
            case Change.NewSite n -> "new " + kind(n.row()) + n.row().key().key();
            case Change.VanishedSite v -> "vanished " + kind(v.row()) + v.row().key().key();
            case Change.CountChanged n -> "count " + kind(n.row()) + n.row().key().key() + " " + n.base() + " → " + n.now();
            case Change.SettingChanged s -> "inherited " + s.row().key().key() + " " + s.hook() + " " + s.base() + " → " + s.now();
            case Change.CommandChanged n -> "command " + n.now();
            case Change.EndChanged n -> "end " + n.base() + " → " + n.now();
            case Change.ExecChanged e -> "exec " + e.path();
        };
    }

    private static String kind(SiteRow row) {
        return row.key().process() ? "process " : "";
    }

    @Test
    void javaThreadsAreMatchedByTheMethodThatStartedThemAndIdentityHashesDoNotCount() {
        TraceModel base = RecordedTrace.model(RecordedTrace.threadsFixture());
        TraceModel now = RecordedTrace.model(RecordedTrace.threadsFixture());
        base.attachJava(JavaJoin.join(base, List.of(started(12, "com.acme.Loader@1b6d3586"))));
        now.attachJava(JavaJoin.join(now, List.of(started(15, "com.acme.Loader@7a81197d"))));
        RunDiff same = RunDiff.of(RunProfile.of("base", base), RunProfile.of("new", now));
        assertEquals(List.of(), same.changes(), "another line, another identity hash: the same site and setting");
        SiteRow pool = same.rows().stream().filter(r -> r.key().java()).findFirst().orElseThrow();
        assertEquals("com.example.App.main pool-#", pool.key().key());
        assertEquals(Set.of("com.acme.Loader@…"), pool.now().inherited().get("ccl"));

        TraceModel app1 = RecordedTrace.model(RecordedTrace.threadsFixture());
        app1.attachJava(JavaJoin.join(app1, List.of(started(15, "java.net.URLClassLoader@app1"))));
        RunDiff changed = RunDiff.of(RunProfile.of("base", base), RunProfile.of("new", app1));
        assertEquals(List.of("inherited com.example.App.main pool-# ccl [com.acme.Loader@…] → [java.net.URLClassLoader@app1]"),
                changed.changes().stream().map(RunDiffTest::describe).toList());
    }

    /** main starts pool-1 (task inner-1) from com.example.App.main at {@code line}, its loader {@code ccl}. */
    private static JavaRecord started(int line, String ccl) {
        return new JavaRecord.Started(RecordedTrace.MAIN, 2_900_000, RecordedTrace.MAIN, 1, "main", 20, "pool-1", Map.of(),
                List.of(new JavaRecord.Frame("com.example.App", "main", "App.java", line)), Map.of("ccl", ccl));
    }

    @Test
    void foldingTakesOutWhatDiffersFromRunToRunAndKeepsTheRest() {
        assertEquals("pool-#-thread-#", Folding.name("pool-12-thread-3"));
        assertEquals("com.acme.Loader@…", Folding.value("ccl", "com.acme.Loader@6d06d69c"));
        assertEquals("java.net.URLClassLoader@app1", Folding.value("ccl", "java.net.URLClassLoader@app1"));
        assertEquals("<0x…>", Folding.value("itl:X", "<0x7f3a0012>"));
        assertEquals("8", Folding.value("priority", "8"), "numbers in values are values");
        assertEquals("worker-#", Folding.value("name", "worker-3"), "the creator's name is a thread name");
    }

    @Test
    void assertionsOverTheDiffPickSitesAndFailOnASelectionOfNothing() {
        RunDiff diff = diff(RecordedTrace.threadsFixture(), movedBy(5, RecordedTrace.threadsFixture()));
        List<AssertionResult> r = DiffEvaluator.evaluate(List.of(
                AssertionParser.parse("diff.new_sites == 0", Vocabulary.DIFF),
                AssertionParser.parse("diff.threads{name=\"inner-*\"}.count == 0", Vocabulary.DIFF),
                AssertionParser.parse("diff.threads{name=\"nobody\"}.count == 0", Vocabulary.DIFF),
                AssertionParser.parse("diff.futex.wait.time{name=\"nobody\"} < 1ms", Vocabulary.DIFF),
                AssertionParser.parse("diff.futex.wait.time{name=\"nobody\", empty=\"pass\"} < 1ms", Vocabulary.DIFF),
                AssertionParser.parse("diff.threads{created_at=\"com.*\"}.count <= 2", Vocabulary.DIFF),
                AssertionParser.parse("threads.total == 4", Vocabulary.DIFF)), diff);
        assertEquals(List.of(true, true, true, false, true, false, true), r.stream().map(AssertionResult::passed).toList(),
                r.stream().map(AssertionResult::message).toList().toString());
        assertTrue(r.get(3).actual().startsWith("no site of either run made threads named like \"nobody\" (sites: threads → inner-#"),
                r.get(3).actual());
        assertTrue(r.get(5).actual().startsWith("neither run has a Java creation site"), r.get(5).actual());

        AssertionSyntaxException e = assertThrows(AssertionSyntaxException.class, () -> AssertionParser.parse("diff.new_sites == 0"));
        assertTrue(e.getMessage().contains("diff.new_sites compares two traces: use it with jthreadtrace diff"), e.getMessage());
        Assertion count = AssertionParser.parse("diff.threads{created_at=\"com.acme.*\"}.count <= 2", Vocabulary.DIFF);
        assertEquals(DiffMetric.THREADS_COUNT, count.metric());
        assertFalse(AssertionParser.parse("threads.peak < 3", Vocabulary.DIFF).metric() instanceof DiffMetric);
    }

    /** The threads fixture cut short: the same records up to, not including, its end record (a SIGKILLed tool). */
    private static List<TraceEvent> cutShort(List<TraceEvent> events) {
        return events.stream().filter(e -> !(e instanceof TraceEvent.TraceEnded)).toList();
    }

    @Test
    void aRunCutShortHasNoDurationNorWaitTimeButNeverAMadeUpZero() throws Exception {
        RunDiff diff = diff(RecordedTrace.threadsFixture(), cutShort(RecordedTrace.threadsFixture()));
        assertFalse(diff.base().cut());
        assertTrue(diff.now().cut());
        List<String> text = new ArrayList<>();
        DiffReport.render(diff, Palette.PLAIN, text::add);
        String all = String.join("\n", text);
        assertTrue(text.get(1).endsWith("peak 3; exit 0; cut short: duration unknown)"), all);
        assertFalse(text.get(1).contains("0ns"), all);
        String inner = text.stream().filter(l -> l.contains("threads → inner-#")).findFirst().orElseThrow();
        assertTrue(inner.endsWith("→ unknown"), inner);
        assertTrue(all.contains("(a run cut short: its futex wait is unknown"), all);

        List<AssertionResult> r = DiffEvaluator.evaluate(List.of(
                AssertionParser.parse("diff.futex.wait.time < 1ms", Vocabulary.DIFF),
                AssertionParser.parse("diff.futex.wait.time{name=\"inner-*\"} < 1ms", Vocabulary.DIFF),
                AssertionParser.parse("duration < 1s", Vocabulary.DIFF),
                AssertionParser.parse("diff.threads.count == 0", Vocabulary.DIFF)), diff);
        assertEquals(List.of(false, false, false, true), r.stream().map(AssertionResult::passed).toList(),
                r.stream().map(AssertionResult::message).toList().toString());
        assertTrue(r.get(0).actual().startsWith("unknown: new has no end record (cut short)"), r.get(0).actual());

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (dev.jthreadtrace.render.Output out = new dev.jthreadtrace.render.Output(bytes, false)) {
            dev.jthreadtrace.jsonl.DiffRecords.write(diff, List.of(), out);
        }
        List<String> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.getFirst().contains("\"new\":{\"file\":\"new\"") && lines.getFirst().endsWith(
                "\"cut_short\":true,\"duration_ns\":null}}"), lines.getFirst());
        assertTrue(lines.get(1).contains("\"new\":{\"threads\":1,\"peak\":1,\"futex_wait_ns\":null"), lines.get(1));
        assertTrue(lines.get(1).contains("\"base\":{\"threads\":1,\"peak\":1,\"futex_wait_ns\":"), lines.get(1));
        assertFalse(lines.get(1).contains("\"base\":{\"threads\":1,\"peak\":1,\"futex_wait_ns\":null"), lines.get(1));
        assertTrue(lines.getLast().contains("\"diff.futex.wait.time\":null"), lines.getLast());
        assertTrue(lines.getLast().contains("\"unknown\":{\"diff.futex.wait.time\":\"new has no end record"), lines.getLast());
    }
}
