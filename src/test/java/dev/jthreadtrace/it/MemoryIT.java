package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory stays flat however long the trace: the peak resident size of the tool (its --stats line,
 * started by the launcher as a user starts it) after a 1 s and a 5 s futex ping-pong differ by
 * less than 16 MiB. (Before the logs kept aggregates, every futex call cost ~100 bytes.)
 */
@Timeout(120)
class MemoryIT {
    private static final Pattern PEAK = Pattern.compile("peak RSS (\\d+) KiB");

    private static long peakKib(String seconds) {
        Tool.Result r = Tool.run(List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "run", "--no-live",
                "--stats", "-o", "/dev/null", "--", Traced.fixture("pingpong").toString(), seconds));
        assertEquals(0, r.code(), r.err());
        Matcher m = PEAK.matcher(r.err());
        assertTrue(m.find(), r.err());
        return Long.parseLong(m.group(1));
    }

    @Test
    void aLongerTraceDoesNotTakeMoreMemory() {
        long shortRun = peakKib("1"), longRun = peakKib("5");
        assertTrue(longRun - shortRun < 16 * 1024, "1 s: " + shortRun + " KiB, 5 s: " + longRun + " KiB");
    }
}
