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

    /** {@code section} of the unbounded model says {@code says}, and reads the same with the 20 workers folded. */
    private static void sameWithWorkersFolded(List<TraceEvent> events, ReportSection section, String says) {
        String whole = String.join("\n", section(events, -1, section, 0)), folded = String.join("\n", section(events, 0, section, WORKERS));
        assertTrue(whole.contains(says), whole);
        assertEquals(whole, folded);
    }

    /** {@code program}'s main starts 20 workers that come and go, then (at the returned time) the thread STUCK. */
    private static long workersThenOne(List<TraceEvent> events, String program) {
        events.add(new TraceEvent.TargetStarted(0, MAIN, MAIN - 1, "/opt/" + program, List.of(program)));
        for (int i = 0; i < WORKERS; i++) {
            FoldTasks.spawn(events, (i + 1) * MS, MAIN, STUCK + 1 + i, 0x7f1000000000L + 0x10000L * i);
            FoldTasks.exit(events, (i + 1) * MS + MS / 2, STUCK + 1 + i);
        }
        long at = (WORKERS + 2) * MS;
        FoldTasks.spawn(events, at, MAIN, STUCK, 0x7f00007ff990L);
        return at;
    }

    /** Main joins "stuck", which waits on a word nobody wakes; 20 workers came and went before. */
    private static List<TraceEvent> hang() {
        List<TraceEvent> events = new ArrayList<>();
        long at = workersThenOne(events, "hang"), end = at + 50 * MS;
        events.add(new TraceEvent.Syscall(at + MS, end, STUCK, SyscallTable.FUTEX, new long[] {0x9000, 128, 0, 0, 0, 0}, 0, false, false,
                Captures.NONE, TraceEvent.Cut.ENDED, false));
        events.add(new TraceEvent.Syscall(at + 2 * MS, end, MAIN, SyscallTable.FUTEX, new long[] {0x7f00007ff990L, 265, STUCK, 0, 0, 0xffffffffL},
                0, false, false, Captures.NONE, TraceEvent.Cut.ENDED, false));
        events.add(new TraceEvent.TraceEnded(end, 2));
        return events;
    }

    @Test
    void theBlockedSectionIsTheSameWithTheEndedWorkersFolded() {
        sameWithWorkersFolded(hang(), ReportSection.BLOCKED, "waits for 6001 hang, which is the thread it joins");
    }

    /** Main starts 20 workers that end, and "lingerer", still running when main calls exit_group (it ends with the process). */
    private static List<TraceEvent> leak() {
        List<TraceEvent> events = new ArrayList<>();
        long at = workersThenOne(events, "leak");
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
        sameWithWorkersFolded(leak(), ReportSection.LEAKS, "6001 lingerer             torn down by the process's exit");
    }
}
