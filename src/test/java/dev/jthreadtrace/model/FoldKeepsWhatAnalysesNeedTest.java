package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.Report;
import dev.jthreadtrace.render.ReportSection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analyses that read kept tasks only (the BLOCKED section's hang, the LEAKS section's leaks)
 * answer what the unbounded model answers with nothing kept of the ended tasks: FoldRule keeps
 * every task they need (the live ones, and those that ended after their program's scope ended).
 */
class FoldKeepsWhatAnalysesNeedTest {
    private static final int MAIN = 6000, STUCK = 6001, WORKERS = 20;
    private static final long MS = 1_000_000;

    private static List<String> section(List<TraceEvent> events, int keepEnded, ReportSection section, long expectFolded) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        events.forEach(m::accept);
        assertEquals(expectFolded, m.folded().all().tasks());
        List<String> lines = new ArrayList<>();
        new Report(m, Palette.PLAIN, 100, lines::add).render(EnumSet.of(section));
        return lines;
    }

    /** Main joins "stuck", which waits on a word nobody wakes; 20 workers came and went before. */
    private static List<TraceEvent> hang() {
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, MAIN, MAIN - 1, "/opt/hang", List.of("hang")));
        for (int i = 0; i < WORKERS; i++) {
            FoldTasks.spawn(events, (i + 1) * MS, MAIN, STUCK + 1 + i, 0x7f1000000000L + 0x10000L * i);
            FoldTasks.exit(events, (i + 1) * MS + MS / 2, STUCK + 1 + i);
        }
        long at = (WORKERS + 2) * MS, end = at + 50 * MS;
        FoldTasks.spawn(events, at, MAIN, STUCK, 0x7f00007ff990L);
        events.add(new TraceEvent.Syscall(at + MS, end, STUCK, SyscallTable.FUTEX, new long[] {0x9000, 128, 0, 0, 0, 0}, 0, false, false,
                Captures.NONE, TraceEvent.Cut.ENDED, false));
        events.add(new TraceEvent.Syscall(at + 2 * MS, end, MAIN, SyscallTable.FUTEX, new long[] {0x7f00007ff990L, 265, STUCK, 0, 0, 0xffffffffL},
                0, false, false, Captures.NONE, TraceEvent.Cut.ENDED, false));
        events.add(new TraceEvent.TraceEnded(end, 2));
        return events;
    }

    @Test
    void theBlockedSectionIsTheSameWithTheEndedWorkersFolded() {
        List<String> whole = section(hang(), -1, ReportSection.BLOCKED, 0), folded = section(hang(), 0, ReportSection.BLOCKED, WORKERS);
        assertTrue(String.join("\n", whole).contains("waits for 6001 hang, which is the thread it joins"), String.join("\n", whole));
        assertEquals(String.join("\n", whole), String.join("\n", folded));
    }

    /** Main starts 20 workers that end, and "lingerer", still running when main calls exit_group (it ends with the process). */
    private static List<TraceEvent> leak() {
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent.TargetStarted(0, MAIN, MAIN - 1, "/opt/leak", List.of("leak")));
        for (int i = 0; i < WORKERS; i++) {
            FoldTasks.spawn(events, (i + 1) * MS, MAIN, STUCK + 1 + i, 0x7f1000000000L + 0x10000L * i);
            FoldTasks.exit(events, (i + 1) * MS + MS / 2, STUCK + 1 + i);
        }
        long at = (WORKERS + 2) * MS;
        FoldTasks.spawn(events, at, MAIN, STUCK, 0x7f00007ff990L);
        Captures name = new Captures();
        name.put(1, "lingerer".getBytes(StandardCharsets.UTF_8));
        events.add(new TraceEvent.Syscall(at + 10, at + 20, STUCK, SyscallTable.PRCTL, new long[] {15, 1, 0, 0, 0, 0}, 0, false, true, name));
        events.add(new TraceEvent.Syscall(at + 5 * MS, at + 5 * MS, MAIN, SyscallTable.EXIT_GROUP, new long[6], 0, false, false, Captures.NONE));
        events.add(new TraceEvent.Exited(at + 6 * MS, STUCK, 0));
        events.add(new TraceEvent.Exited(at + 7 * MS, MAIN, 0));
        events.add(new TraceEvent.TraceEnded(at + 8 * MS, 0));
        return events;
    }

    @Test
    void theLeaksSectionIsTheSameWithTheEndedWorkersFolded() {
        List<String> whole = section(leak(), -1, ReportSection.LEAKS, 0), folded = section(leak(), 0, ReportSection.LEAKS, WORKERS);
        assertTrue(String.join("\n", whole).contains("lingerer"), String.join("\n", whole));
        assertEquals(String.join("\n", whole), String.join("\n", folded));
    }
}
