package dev.jthreadtrace.render;

import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SUMMARY of the threads fixture with one ended task kept (inner-1, inner-2, sibling fold): the
 * same counts, re-parented reasons, longest waits and inherited settings as the whole trace's,
 * read from the folded sums, and one line that says what folded.
 */
class FoldedSummaryTest {
    private static List<String> section(int keepEnded, ReportSection section) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        RecordedTrace.threadsFixture().forEach(m::accept);
        List<String> lines = new ArrayList<>();
        new Report(m, Palette.PLAIN, 100, lines::add).render(EnumSet.of(section));
        return lines;
    }

    @Test
    void theTreeShowsEachFoldedGroupUnderItsCreator() {
        List<String> tree = section(0, ReportSection.TREE);
        assertEquals(List.of(
                "├─⋯ 1 ended thread like inner-1 folded, tid 1202, @3.0ms..@13.0ms, lifetime max 10.0ms",
                "└─⋯ 1 ended thread like sibling folded, tid 1204, @14.0ms..@16.0ms, lifetime max 2.0ms",
                "⋯ 1 ended thread like inner-2 folded, tid 1203, created by 1202 (folded), @8.0ms..@12.0ms, lifetime"),
                tree.stream().filter(l -> l.contains("folded, tid")).toList());
        assertEquals(3, tree.stream().filter(l -> l.matches("[│ ]+folded +exited")).count(), "KIND and END of each group");
        assertEquals("⋯ 3 ended tasks folded past --keep-ended 0, 3 of them re-parented: not drawn here (their groups are",
                tree.get(tree.size() - 2), "the kernel tree says what it cannot draw");
    }

    private static List<String> summary(int keepEnded) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        RecordedTrace.threadsFixture().forEach(m::accept);
        List<String> lines = new ArrayList<>();
        new Report(m, Palette.PLAIN, 100, lines::add).render(EnumSet.of(ReportSection.SUMMARY));
        return lines;
    }

    @Test
    void foldedSummaryCountsWhatTheWholeTraceCounts() {
        List<String> whole = summary(-1), folded = summary(1);
        List<String> expected = new ArrayList<>(whole);
        int at = expected.indexOf(expected.stream().filter(l -> l.contains("longest blocked in futex")).findFirst().orElseThrow()) + 1;
        expected.add(at, "  3 ended tasks folded past --keep-ended 1: counted above, shown as groups of one creator and name,");
        expected.add(at + 1, "      their own records let go");
        assertEquals(String.join("\n", expected), String.join("\n", folded));
    }

    @Test
    void futexAndMmapTablesHaveARowPerFoldedGroup() {
        List<String> futex = section(0, ReportSection.FUTEX), mmap = section(0, ReportSection.MMAP);
        assertEquals(List.of("  ⋯ 1 ended thread like inner-1 folded, tid 1202",
                "                                 2       2       0       2.0ms         0       -",
                "  ⋯ 1 ended thread like inner-2 folded, tid 1203",
                "                                 1       0       1         0ns         0       -"), futex.subList(3, 7));
        assertTrue(futex.contains("  1203 (folded) woke 1202 (folded) on 0x5000 @10.0ms after 999.7us"), "a folded tid says so: " + futex);
        // Each join returned after its thread had folded (nothing kept): a late join, still counted.
        assertEquals("  … 2 joins of folded threads, counted in futex.joins, not listed", futex.getLast());
        assertEquals(List.of("  ⋯ 1 ended thread like inner-1 folded, tid 1202",
                "                                 1     8.0 MiB        -         0 B"), mmap.subList(3, 5));
        assertEquals("  (the stacks of 3 folded tasks are not listed)", mmap.getLast());
        // With one ended task kept, both joins returned before their threads folded: counted, not listed.
        assertEquals("  … 2 joins of folded threads, counted in futex.joins, not listed", section(1, ReportSection.FUTEX).getLast());
    }

    @Test
    void theTimelineHasALanePerFoldedGroup() {
        List<String> timeline = section(0, ReportSection.TIMELINE);
        // In start order (inner-2 folded first: it ended first).
        assertEquals(List.of("⋯ inner-1 ×1 folded                 ┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄",
                "⋯ inner-2 ×1 folded                                   ┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄",
                "⋯ sibling ×1 folded                                                        ┄┄┄┄┄┄┄┄"), timeline.subList(3, 6));
        assertTrue(timeline.contains("  5 more setting changes counted, not kept (only the first and latest of a long run under one"),
                "the folded threads' changes are counted: " + timeline);
    }

    @Test
    void aFoldedJvmThreadLeavesTheLeaksUnchecked() {
        // A process whose thread is named "VM Thread" (HotSpot's) is a JVM's: its thread 102 folds before any scope end.
        TraceModel m = new TraceModel(0, Map.of());
        long flags = RecordedTrace.PTHREAD;
        m.accept(new dev.jthreadtrace.event.TraceEvent.TargetStarted(0, 100, 90, "/x/java", List.of("java")));
        m.accept(new dev.jthreadtrace.event.TraceEvent.Spawned(1000, 100, 101, dev.jthreadtrace.event.TraceEvent.SpawnKind.CLONE3, flags, 0));
        dev.jthreadtrace.decode.Captures name = new dev.jthreadtrace.decode.Captures();
        name.put(1, "VM Thread".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        m.accept(new dev.jthreadtrace.event.TraceEvent.Syscall(2000, 2100, 101, dev.jthreadtrace.decode.SyscallTable.PRCTL,
                new long[] {15, 0x200, 0, 0, 0, 0}, 0, false, true, name));
        m.accept(new dev.jthreadtrace.event.TraceEvent.Spawned(3000, 100, 102, dev.jthreadtrace.event.TraceEvent.SpawnKind.CLONE3, flags, 0));
        m.accept(new dev.jthreadtrace.event.TraceEvent.Syscall(4000, 4000, 102, dev.jthreadtrace.decode.SyscallTable.EXIT,
                new long[6], 0, false, false, dev.jthreadtrace.decode.Captures.NONE));
        m.accept(new dev.jthreadtrace.event.TraceEvent.Exited(4100, 102, 0));
        m.accept(new dev.jthreadtrace.event.TraceEvent.TraceEnded(5000, 0));
        assertEquals(1, m.folded().all().jvmTasks());
        List<String> lines = new ArrayList<>();
        new Report(m, Palette.PLAIN, 100, lines::add).render(EnumSet.of(ReportSection.LEAKS));
        assertTrue(lines.contains("  not checked: 1 folded thread of JVMs, folded before their JVM's scope end was known"),
                String.join("\n", lines));
    }
}
