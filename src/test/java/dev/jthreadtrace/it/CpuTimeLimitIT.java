package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ulimit -t} (RLIMIT_CPU) meant for the command, under a tool that spends far more CPU per
 * stop than the command does ({@code native/cpu_limit}: rt_sigprocmask calls, each a stop). The
 * command keeps its limit exactly (it prints /proc/self/limits, untraced and traced); the tool's own
 * CPU time is no longer held by a soft limit (it died of SIGXCPU, 152, nothing written), and under a
 * hard limit it cannot raise it ends the trace before the kernel's SIGKILL, the report written (it
 * died of SIGKILL, 137, its report and the command lost).
 */
@Timeout(240)
class CpuTimeLimitIT {
    private static final String LIMITED = "ulimit %s; exec \"$@\"";

    private static Tool.Result under(String limit, List<String> command) {
        List<String> shell = new ArrayList<>(List.of("bash", "-c", LIMITED.formatted(limit), "bash"));
        shell.addAll(command);
        return Tool.run(shell, java.util.Map.of(), 180);
    }

    private static String limitLine(String out) {
        return out.lines().filter(l -> l.startsWith("limit ")).findFirst().orElse("none: " + out);
    }

    @Test
    void aSoftLimitHoldsTheCommandOnly() throws Exception {
        String calls = "100000";
        Tool.Result untraced = under("-S -t 2", List.of(Traced.fixture("cpu_limit").toString(), calls));
        assertEquals(0, untraced.code(), untraced.err());
        assertEquals("limit 2 unlimited", limitLine(untraced.out()), "the fixture reads its limit: " + untraced.out());
        Path report = Files.createTempFile("jtt-cpu", ".txt");
        try {
            Tool.Result traced = under("-S -t 2", Tool.jar("run", "--jvm", "off", "--no-live", "-e", "rt_sigprocmask", "--report",
                    "summary", "--stats", "-o", report.toString(), "--", Traced.fixture("cpu_limit").toString(), calls));
            assertEquals(0, traced.code(), "the command's status, the tool alive past 2 s of its own CPU: " + traced.err());
            assertEquals(limitLine(untraced.out()), limitLine(traced.out()), "the command's own limit, as untraced");
            assertTrue(traced.out().contains("done " + calls), traced.out());
            assertFalse(traced.err().contains("ulimit"), "nothing to say under a soft limit: " + traced.err());
            assertTrue(Files.readString(report).contains("exit_group(0)"), "the report: " + Files.readString(report));
        } finally {
            Files.deleteIfExists(report);
        }
    }

    @Test
    void aHardLimitEndsTheTraceWithItsReport() throws Exception {
        String calls = "1000000";
        Tool.Result untraced = under("-t 5", List.of(Traced.fixture("cpu_limit").toString(), calls));
        assertEquals(0, untraced.code(), "untraced the command fits its limit: " + untraced.err());
        assertEquals("limit 5 5", limitLine(untraced.out()), untraced.out());
        Path report = Files.createTempFile("jtt-cpu", ".txt");
        try {
            Tool.Result traced = under("-t 5", Tool.jar("run", "--jvm", "off", "--no-live", "-e", "rt_sigprocmask", "--report",
                    "summary", "-o", report.toString(), "--", Traced.fixture("cpu_limit").toString(), calls));
            assertEquals(limitLine(untraced.out()), limitLine(traced.out()), "the command's own limit, as untraced");
            assertEquals(152, traced.code(), "ended at the tool's CPU limit (128+SIGXCPU), not SIGKILLed: " + traced.err());
            assertTrue(traced.err().startsWith("jthreadtrace: note: ulimit -t 5: the hard CPU time limit holds the tool's own CPU"
                    + " time too, and it cannot raise it; after 4 s of it the trace ends"), "one line at the start: " + traced.err());
            assertTrue(traced.err().contains("jthreadtrace: the tool used 4 s of CPU time, near its hard limit (ulimit -t 5); the"
                    + " traced command was killed; reporting what was traced so far"), traced.err());
            String text = Files.readString(report);
            assertTrue(text.contains("killed by SIGKILL"), "the command was killed: " + text);
            assertTrue(text.contains("  note: the trace ended near the tool's own CPU time limit (ulimit -t"), "the report's note: " + text);
        } finally {
            Files.deleteIfExists(report);
        }
    }
}
