package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * munmap.bytes is what the munmaps unmapped, as /proc/PID/maps had it before each one (the fixture
 * {@code native/munmap_twice.c} sums that itself): a second munmap of a range, one over the hole an
 * earlier munmap left, one of the range a mremap moved away, count only what was still mapped. The
 * live run, the saved trace's {@code check} and the thread record agree with it.
 */
@Timeout(180)
class MunmapBytesIT {
    @Test
    void munmapBytesIsWhatProcMapsHadMapped(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("unmap.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--jvm", "off", "--report", "mmap", "--format", "jsonl", "-o",
                trace.toString(), "--", Traced.fixture("munmap_twice").toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        Matcher truth = Pattern.compile("munmap_twice: unmapper munmaps (\\d+) unmapped (\\d+)").matcher(r.out());
        assertTrue(truth.find(), r.out());
        long calls = Long.parseLong(truth.group(1)), bytes = Long.parseLong(truth.group(2));
        assertEquals(5 * 1024 * 1024, bytes, "the fixture's own sum: 1 + 0 + 1 + 3 + 0 MiB");

        // The thread record, and the same trace checked again.
        String record = Files.readAllLines(trace).stream().filter(l -> l.contains("\"type\":\"thread\"") && l.contains("\"name\":\"unmapper\""))
                .findFirst().orElseThrow(() -> new AssertionError("no thread record of the unmapper"));
        assertTrue(record.contains("\"munmap_calls\":" + calls + ",\"munmap_bytes\":" + bytes), record);
        Tool.Result checked = Tool.run(Tool.jar("check", "--assert", "munmap.bytes{name=\"unmapper\"} == " + bytes, trace.toString()));
        assertEquals(0, checked.code(), checked.out() + checked.err());

        // The live run's MMAP row says it too.
        Tool.Result live = Tool.run(Tool.jar("run", "--no-live", "--jvm", "off", "--report", "mmap", "--width", "200",
                "--assert", "munmap.bytes{name=\"unmapper\"} == 5MiB", "--", Traced.fixture("munmap_twice").toString()));
        assertEquals(0, live.code(), live.out() + live.err());
        assertTrue(Pattern.compile("(?m)^\\d+ unmapper +\\d+ +\\S+ \\S+ +5 +5\\.0 MiB$").matcher(live.out()).find(), live.out());
    }
}
