package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static dev.jthreadtrace.model.RecordedTrace.INNER1;
import static dev.jthreadtrace.model.RecordedTrace.MAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A setting another thread changed (pthread_setaffinity_np(t1) is sched_setaffinity(TID) from the
 * caller; pthread_setname_np(t1) a write to t1's /proc comm file) belongs to the thread whose
 * setting it is, and the report names the caller: "set by", never as if the target had made it.
 */
class SetByAnotherTest {
    /** The recorded trace with inner-1's affinity set by main (sched_setaffinity(1202, ...)) and a name main wrote into its comm file. */
    private static List<TraceEvent> events() {
        List<TraceEvent> events = new ArrayList<>();
        for (TraceEvent e : RecordedTrace.threadsFixture()) {
            if (e instanceof TraceEvent.Syscall s && s.nr() == SyscallTable.SCHED_SETAFFINITY) {
                long[] args = s.args().clone();
                args[0] = INNER1;
                events.add(new TraceEvent.Syscall(s.ns(), s.exitNs(), MAIN, s.nr(), args, s.ret(), s.error(), s.returned(), s.captures()));
                events.add(new TraceEvent.CommWritten(s.exitNs() + 100, MAIN, INNER1, SyscallTable.number("write").orElseThrow(), 3,
                        "by-main".getBytes(StandardCharsets.UTF_8)));
            } else {
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void theChangeIsTheTargetsAndTheActorIsTheCaller() {
        TraceModel model = RecordedTrace.model(events());
        List<HookChange> changes = model.hookChanges(INNER1);
        HookChange affinity = changes.stream().filter(c -> c.hook() == Hook.AFFINITY).findFirst().orElseThrow();
        assertEquals(MAIN, affinity.actor());
        assertTrue(affinity.byAnother());
        HookChange named = changes.stream().filter(c -> c.to().equals("by-main")).findFirst().orElseThrow();
        assertEquals(MAIN, named.actor());
        HookChange own = changes.stream().filter(c -> c.to().equals("inner-1")).findFirst().orElseThrow();
        assertEquals(INNER1, own.actor(), "its own prctl(PR_SET_NAME)");
        assertFalse(own.byAnother());
        assertTrue(model.hookChanges(MAIN).stream().noneMatch(c -> c.hook() == Hook.AFFINITY), "main's own affinity did not change");
    }

    @Test
    void theReportSaysSetByTheCallerUnderTheThreadWhoseSettingItIs() {
        TraceModel model = RecordedTrace.model(events());
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 160, lines::add).render(EnumSet.of(ReportSection.TIMELINE));
        String report = String.join("\n", lines);
        assertTrue(report.contains("SETTING CHANGES (by the thread unless \"set by\" says; the threads it then created that took it over)"),
                report);
        String row = lines.stream().filter(l -> l.contains("affinity default → 0")).findFirst().orElseThrow();
        assertTrue(row.contains("1202 by-main") && row.contains("set by 1201 threads;") && row.contains("inherited by 1203"), row);
        String named = lines.stream().filter(l -> l.contains("name inner-1 → by-main")).findFirst().orElseThrow();
        assertTrue(named.contains("set by 1201 threads;"), named);
        String own = lines.stream().filter(l -> l.contains("sigmask [] → [USR1]")).findFirst().orElseThrow();
        assertFalse(own.contains("set by"), "its own rt_sigprocmask: " + own);
        assertTrue(report.contains("affinity=0 (set @5.0ms by 1201 threads on 1202 by-main)"), report);
    }

    @Test
    void theHtmlMarkNamesTheCallerAndAnAssertionAsTyped() {
        TraceModel model = RecordedTrace.model(events());
        StringBuilder html = new StringBuilder();
        HtmlReport.write(model, List.of(new HtmlReport.Assertion("inherits{name=\"quo\\\"te\"} == \"x\"", true, "x", "x")),
                line -> html.append(line).append('\n'));
        assertTrue(html.toString().contains("set by 1201 threads"), html.toString());
        assertTrue(html.toString().contains("inherits{name=&quot;quo\\&quot;te&quot;}"), "the backslash once: " + html);
    }
}
