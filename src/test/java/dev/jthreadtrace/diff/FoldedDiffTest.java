package dev.jthreadtrace.diff;

import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.DiffReport;
import dev.jthreadtrace.render.Palette;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code diff} of two runs of the threads fixture where the new run kept none of its ended threads:
 * its sites hold only main, so every figure made of sites is "unknown: 3 threads folded", never the
 * vanished sites a smaller world would show; the run's line counts every task and says how many folded.
 */
class FoldedDiffTest {
    private static RunProfile run(String name, int keepEnded) {
        return run(name, keepEnded, RecordedTrace.threadsFixture());
    }

    private static RunProfile run(String name, int keepEnded, List<dev.jthreadtrace.event.TraceEvent> events) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        events.forEach(m::accept);
        return RunProfile.of(name, m);
    }

    /** Forked workers that folded are counted as the unfolded run counts them: a process is never the JVM's own. */
    @Test
    void theProcessCountOfARunThatFoldedIsTheUnfoldedOne() {
        RunDiff diff = RunDiff.of(run("base.jsonl", -1, RunDiffTest.forking(1)), run("new.jsonl", 0, RunDiffTest.forking(5)));
        assertEquals(5, diff.now().model().folded().all().siteProcesses(), "the workers folded");
        assertNull(DiffMetric.PROCESSES_COUNT.unknown(diff));
        assertEquals(4, DiffMetric.PROCESSES_COUNT.total(diff));
        assertEquals(4, DiffMetric.THREADS_COUNT.total(diff));
        assertEquals("8 threads folded in new.jsonl (sites compare kept threads only)", DiffMetric.PROCESSES_COUNT.unknownSelected(diff));
        RunDiff same = RunDiff.of(run("base.jsonl", -1, RunDiffTest.forking(5)), run("new.jsonl", 0, RunDiffTest.forking(5)));
        assertEquals(0, DiffMetric.PROCESSES_COUNT.total(same));
        assertEquals(0, DiffMetric.THREADS_COUNT.total(same));
    }

    @Test
    void siteFiguresOfAFoldedRunAreUnknown() {
        RunDiff diff = RunDiff.of(run("base.jsonl", -1), run("new.jsonl", 0));
        for (DiffMetric m : List.of(DiffMetric.CHANGES, DiffMetric.VANISHED_SITES, DiffMetric.FUTEX_WAIT_TIME)) {
            assertEquals("3 threads folded in new.jsonl (sites compare kept threads only)", m.unknown(diff), m.key());
        }
        // The whole thread count is kept through the fold (3 threads, main the process's first task); a selector's sites are not.
        assertNull(DiffMetric.THREADS_COUNT.unknown(diff));
        assertEquals(0, DiffMetric.THREADS_COUNT.total(diff));
        assertEquals(0L, DiffMetric.summary(diff).get("diff.threads.count"));
        assertEquals("3 threads folded in new.jsonl (sites compare kept threads only)", DiffMetric.THREADS_COUNT.unknownSelected(diff));
        assertNull(DiffMetric.NEW_EXECS.unknown(diff), "the folded processes' records are kept: their execs compare");
        // The command, its ending and the peak are no site's figures: the gate every --assert adds still answers.
        for (DiffMetric m : List.of(DiffMetric.COMMAND_CHANGED, DiffMetric.END_CHANGED, DiffMetric.THREADS_PEAK)) {
            assertNull(m.unknown(diff), m.key());
        }
        assertEquals("3 threads folded in new.jsonl (sites compare kept threads only)", DiffMetric.THREADS_PEAK.unknownSelected(diff));
        assertNull(DiffMetric.summary(diff).get("diff.changes"));

        List<String> lines = new ArrayList<>();
        DiffReport.render(diff, Palette.PLAIN, lines::add);
        assertTrue(lines.get(1).contains("(4 tasks, 3 of them folded past --keep-ended 0, not compared; peak"), lines.get(1));
        assertTrue(lines.contains("(a run with folded threads: its sites, counts and inherited settings are those of its kept threads, and the"
                + " diff.* metrics of sites are unknown)"), String.join("\n", lines));
    }

    /** Both runs folded, each keeping one ended thread: the kept counts differ by nothing the programs did, so none is compared. */
    @Test
    void keptCountsOfFoldedRunsAreNoChangeAndTheHeadlineSaysSo() {
        RunDiff diff = RunDiff.of(run("base.jsonl", 0), run("new.jsonl", 1));
        assertEquals(0, diff.count(Change.CountChanged.class), "a kept count is not the run's count");
        assertEquals(0, DiffMetric.THREADS_COUNT.total(diff), "the whole count is");
        List<String> lines = new ArrayList<>();
        DiffReport.render(diff, Palette.PLAIN, lines::add);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("no change among the kept threads: the same sites, inherited settings and execs;")
                && l.endsWith("folded threads (--keep-ended) and the thread counts are not compared")), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("no change: the same sites, thread counts")), String.join("\n", lines));
    }

    @Test
    void twoRunsThatKeptEverythingCompareAsBefore() {
        RunDiff diff = RunDiff.of(run("base.jsonl", -1), run("new.jsonl", 100));
        for (DiffMetric m : DiffMetric.values()) assertNull(m.unknown(diff), m.key());
        assertEquals(0, diff.changes().size());
    }
}
