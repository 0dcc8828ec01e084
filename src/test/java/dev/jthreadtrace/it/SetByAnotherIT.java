package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A setting one thread changes on another (set_other: main calls pthread_setaffinity_np(t1) —
 * sched_setaffinity(T1) — and pthread_setname_np(t1) — a write to /proc/self/task/T1/comm, as
 * strace shows glibc does) belongs to t1, whose later thread t2 inherits it (t2 checks with the
 * kernel), and the report names main as the caller: "set by", both live and from the saved trace.
 */
@Timeout(120)
class SetByAnotherIT {
    @Test
    void theReportListsTheChangeUnderTheTargetSetByTheCaller(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result run = Tool.run(Tool.jar("run", "--no-live", "--report", "timeline", "--", Traced.fixture("set_other").toString()));
        assertEquals(0, run.code(), "t2 inherited the name and the CPU main gave t1: " + run.out() + run.err());
        Matcher t1 = Pattern.compile("(?m)^t1 (\\d+)$").matcher(run.out());
        assertTrue(t1.find(), run.out());
        assertSetBy(run.out(), Integer.parseInt(t1.group(1)));

        Tool.Result saved = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("set_other").toString()));
        assertEquals(0, saved.code(), saved.err());
        t1 = Pattern.compile("(?m)^t1 (\\d+)$").matcher(saved.out());
        assertTrue(t1.find(), saved.out());
        Tool.Result report = Tool.run(Tool.jar("report", "--report", "timeline", trace.toString()));
        assertEquals(0, report.code(), report.err());
        assertSetBy(report.out(), Integer.parseInt(t1.group(1)));
    }

    private static void assertSetBy(String report, int t1) {
        Matcher affinity = Pattern.compile("(?m)^ +@\\S+ +" + t1 + " named-by-main +affinity default → (\\d+) +set by (\\d+) set_other;"
                + "\\s+inherited by (\\d+) named-by-main").matcher(report);
        assertTrue(affinity.find(), "under t1, set by main: " + report);
        int main = Integer.parseInt(affinity.group(2));
        assertNotEquals(t1, main, report);
        assertTrue(Pattern.compile("(?m)^ +@\\S+ +" + t1 + " named-by-main +name set_other → named-by-main +set by " + main
                + " set_other;").matcher(report).find(), "the name too: " + report);
        assertTrue(report.contains("affinity=" + affinity.group(1) + " (set @") && report.contains(" by " + main + " set_other on " + t1
                + " named-by-main)"), "t2's inherited value: set by main on t1: " + report);
        assertTrue(report.contains("SETTING CHANGES (by the thread unless \"set by\" says;"), report);
    }
}
