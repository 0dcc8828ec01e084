package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sched_setaffinity that asks for every CPU of a 1024-bit set gets those the task may use: the
 * thread started after it, and the report's inherited value, have what the kernel set, as each
 * thread reads it from /proc (the fixture's "truth" lines); the call's line still shows the mask
 * asked for, as strace shows it. Before, the report had 0-1023 and an inherits assertion written
 * against /proc failed. Live and from the saved trace.
 */
@Timeout(120)
class AffinityReadBackIT {
    @Test
    void theInheritedAffinityIsWhatTheKernelSet(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl");
        String fixture = Traced.fixture("affinity_wide").toString();
        Tool.Result untraced = Tool.run(java.util.List.of(fixture));
        Matcher truth = Pattern.compile("(?m)^truth wide-child (\\S+)$").matcher(untraced.out());
        assertTrue(truth.find(), untraced.out());
        String cpus = truth.group(1);
        assertTrue(!cpus.equals("0-1023"), "the kernel keeps only the CPUs the task may use: " + cpus);

        String check = "inherits{name=\"wide-child\", hook=\"affinity\"} == \"" + cpus + "\"";
        Tool.Result run = Tool.run(Tool.jar("run", "-e", "sched_setaffinity", "--report", "timeline", "--assert", check,
                "--format", "text", "--", fixture));
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("truth wide-child " + cpus + "\n"), "traced as untraced: " + run.out());
        assertTrue(run.out().contains("affinity=" + cpus + " (set @"), run.out());
        assertTrue(run.out().contains("sched_setaffinity(0, 128, [0 1 2 3 4 ") && run.out().contains(" 1022 1023]) = 0"),
                "the line shows the mask asked for: " + run.out());

        Tool.Result saved = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--format", "jsonl", "-o", trace.toString(),
                "--", fixture));
        assertEquals(0, saved.code(), saved.err());
        Tool.Result checked = Tool.run(Tool.jar("check", "--assert", check, trace.toString()));
        assertEquals(0, checked.code(), checked.out() + checked.err());
    }
}
