package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A thread renamed in a loop: the report keeps its first and latest names and says how many it let go. */
class SettingChangesBoundTest {
    private static final int MAIN = 100, CHILD = 101, RENAMES = 1_000;

    @Test
    void theTreeAndTheSettingChangesSayWhatWasNotKept() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, MAIN, 1, "/bin/app", List.of("app")));
        for (int i = 0; i < RENAMES; i++) {
            Captures name = new Captures();
            name.put(1, "n" + i);
            model.accept(new TraceEvent.Syscall(100L + 100L * i, 150L + 100L * i, MAIN, SyscallTable.PRCTL,
                    new long[] {15, 0x1000, 0, 0, 0, 0}, 0, false, true, name));
        }
        model.accept(new TraceEvent.Spawned(200_000, MAIN, CHILD, TraceEvent.SpawnKind.CLONE3, CloneFlags.CLONE_VM
                | CloneFlags.CLONE_FS | CloneFlags.CLONE_FILES | CloneFlags.CLONE_SIGHAND | CloneFlags.CLONE_THREAD));
        model.accept(new TraceEvent.TraceEnded(1_000_000, 0));
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 160, lines::add).render(EnumSet.of(ReportSection.TREE, ReportSection.TIMELINE));
        String report = String.join("\n", lines);
        assertTrue(report.contains("100 n999 (was app; " + (RENAMES - 32) + " names between not kept)"), report);
        assertTrue(report.contains("name n998 → n999") && report.contains("inherited by 101 n999"), report);
        assertTrue(report.contains("  " + (RENAMES - 128) + " more setting changes counted, not kept"), report);
    }
}
