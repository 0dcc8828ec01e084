package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jthreadtrace.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code check} makes of a saved trace whose times no run can have written, and of one cut
 * short: refused with the line (125), or, with --allow-truncated, the end state unknown (90);
 * never a passing assertion read from a wrapped sum or a missing end.
 */
class SavedTraceBoundsTest {
    private static final String RUN = "\"run\":\"00ff00ff00ff00ff\"";

    /**
     * start, two mmap calls of {@code durNs} each (at 100 ns by the command's thread 5 and 200 ns by its thread 6: one thread's
     * calls cannot overlap), the command's exit, then, when {@code complete}, the end records.
     */
    private static Path trace(String durNs, boolean complete) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "{\"v\":1,\"type\":\"start\",\"seq\":1," + RUN + ",\"ns\":0,\"t\":0.0,\"pid\":5,\"tracer_pid\":4,\"path\":\"/bin/true\",\"argv\":[\"true\"]}",
                syscall(2, 100, durNs, 5), syscall(3, 200, durNs, 6),
                "{\"v\":1,\"type\":\"exit\",\"seq\":4," + RUN + ",\"ns\":1000,\"t\":0.000001,\"tid\":5,\"name\":\"true\",\"code\":0}"));
        if (complete) {
            lines.addAll(List.of(
                    "{\"v\":1,\"type\":\"end\",\"seq\":5," + RUN + ",\"ns\":2000,\"t\":0.000002,\"interrupted_by\":0}",
                    "{\"v\":1,\"type\":\"thread\",\"seq\":6," + RUN + ",\"tid\":5}",
                    "{\"v\":1,\"type\":\"process\",\"seq\":7," + RUN + ",\"pid\":5}",
                    "{\"v\":1,\"type\":\"summary\",\"seq\":8," + RUN + ",\"pid\":5}"));
        }
        Path f = Files.createTempFile("bounds", ".jsonl");
        f.toFile().deleteOnExit();
        return Files.writeString(f, String.join("\n", lines) + "\n");
    }

    private static String syscall(int seq, long ns, String durNs, int tid) {
        return "{\"v\":1,\"type\":\"syscall\",\"seq\":" + seq + "," + RUN + ",\"ns\":" + ns + ",\"tid\":" + tid + ",\"syscall\":\"mmap\",\"nr\":9,"
                + "\"args\":[0,4096,3,34,-1,0],\"ret\":140000000000000,\"returned\":true,\"error\":null,\"dur_ns\":" + durNs + "}";
    }

    /** A complete trace whose thread was torn down in a contended mutex wait (after its mmap), its lock word as {@code captures} says. */
    private static Path mutexWait(String captures) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(trace("300", true)));
        lines.set(2, "{\"v\":1,\"type\":\"syscall\",\"seq\":3," + RUN + ",\"ns\":400,\"tid\":5,\"syscall\":\"futex\",\"nr\":202,"
                + "\"args\":[4096,128,2,0,0,0],\"ret\":null,\"returned\":false,\"error\":null,\"dur_ns\":500,\"cut\":\"ended\""
                + captures + "}");
        return Files.writeString(Files.createTempFile("mutex", ".jsonl"), String.join("\n", lines) + "\n");
    }

    @Test
    void deadlocksOfFutexWaitsWithoutTheirLockWordAreUnknown() throws IOException {
        Path without = mutexWait("");
        without.toFile().deleteOnExit();
        CliTest.Result r = run("check", "--assert", "deadlocks == 0", "--assert", "threads.blocked == 1", without.toString());
        assertEquals(ExitCodes.ASSERTION_FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("unknown: 1 pending futex wait (first: thread 5) without the lock word read at the wait"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("threads.blocked == 1") && l.contains("PASS")), r.out());

        Path with = mutexWait(",\"captures\":{\"0\":{\"hex\":\"" + "00".repeat(20) + "\"}}");
        with.toFile().deleteOnExit();
        CliTest.Result answered = run("check", "--assert", "deadlocks == 0", with.toString());
        assertEquals(0, answered.code(), answered.out() + answered.err());
    }

    @Test
    void aCompleteTraceWithTimesInsideItsSpanIsChecked() throws IOException {
        CliTest.Result r = run("check", "--assert", "syscalls.time == 600ns", trace("300", true).toString());
        assertEquals(0, r.code(), r.out() + r.err());
    }

    @Test
    void negativeOverflowingAndOutOfSpanDurationsAreRefusedWithTheLine() throws IOException {
        Path negative = trace("-5", true);
        CliTest.Result r1 = run("check", "--assert", "futex.wait.time < 2s", negative.toString());
        assertEquals(ExitCodes.TOOL_FAILED, r1.code());
        assertEquals("jthreadtrace: " + negative + ":2: malformed \"syscall\" record (dur_ns is negative)\n", r1.err());

        Path overflow = trace(Long.toString(Long.MAX_VALUE), true);
        CliTest.Result r2 = run("check", "--assert", "syscalls.time < 1s", overflow.toString());
        assertEquals(ExitCodes.TOOL_FAILED, r2.code());
        assertEquals("jthreadtrace: " + overflow + ":2: malformed \"syscall\" record (ns + dur_ns overflows)\n", r2.err());

        Path beyond = trace("5000000000000000000", true);
        CliTest.Result r3 = run("check", "--assert", "syscalls.time < 1s", beyond.toString());
        assertEquals(ExitCodes.TOOL_FAILED, r3.code());
        assertEquals("jthreadtrace: " + beyond + ":3: a call whose dur_ns ends it after the trace's end (line 5): not a time the run"
                + " measured\n", r3.err());
        assertEquals(1, r3.err().lines().count());
    }

    /**
     * A record's values are the trace's text: a malformed one is refused in one line with the value
     * escaped, and nothing of the JDK's (an enum's Java name, a parser's message) is said.
     */
    @Test
    void aMalformedValueIsSaidEscapedInOneLine() throws IOException {
        String forgery = "x\\njthreadtrace: trace OK\\u001b[8m";
        List<String> lines = new ArrayList<>(Files.readAllLines(trace("300", true)));
        lines.set(2, "{\"v\":1,\"type\":\"spawn\",\"seq\":3," + RUN + ",\"ns\":300,\"creator\":5,\"tid\":6,\"kind\":\""
                + forgery + "\",\"flags_raw\":0}");
        Path kind = Files.writeString(Files.createTempFile("kind", ".jsonl"), String.join("\n", lines) + "\n");
        kind.toFile().deleteOnExit();
        CliTest.Result r1 = run("report", kind.toString());
        assertEquals(ExitCodes.TOOL_FAILED, r1.code());
        assertEquals("jthreadtrace: " + kind + ":3: malformed \"spawn\" record (kind \"x\\njthreadtrace: trace OK\\33[8m\" is not"
                + " one of the values jthreadtrace writes)\n", r1.err());

        Path hex = mutexWait(",\"captures\":{\"0\":{\"hex\":\"\\u001b[31m\"}}");
        hex.toFile().deleteOnExit();
        CliTest.Result r2 = run("report", hex.toString());
        assertEquals("jthreadtrace: " + hex + ":3: malformed \"syscall\" record (a capture is not hexadecimal bytes)\n", r2.err());

        Path key = mutexWait(",\"captures\":{\"Z\\u001b\\n\":{\"hex\":\"00\"}}");
        key.toFile().deleteOnExit();
        CliTest.Result r3 = run("report", key.toString());
        assertEquals("jthreadtrace: " + key + ":3: malformed \"syscall\" record (a capture of \"Z\\33\\n\", not of an argument"
                + " number)\n", r3.err());
    }

    /** A trace's file name is not ours either: a directory named with an escape sequence and a newline forges no line. */
    @Test
    void aHostileFileNameIsSaidEscaped(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("evil\u001b]0;TITLE\u0007\n"));
        Path cut = Files.write(dir.resolve("cut.jsonl"), Files.readAllLines(trace("300", false)).subList(0, 2));
        CliTest.Result r1 = run("report", "--no-live", "--report", "none", cut.toString());
        assertTrue(r1.err().contains("evil\\33]0;TITLE\\7\\n/cut.jsonl is cut short"), r1.err());
        CliTest.Result r2 = run("report", dir.resolve("missing.jsonl").toString());
        assertEquals(ExitCodes.TOOL_FAILED, r2.code());
        assertEquals(1, r2.err().lines().count(), r2.err());
        assertTrue(r2.err().contains("evil\\33]0;TITLE\\7\\n/missing.jsonl: no such file"), r2.err());
        CliTest.Result r3 = run("check", "--assert", "threads.peak\u001b[31m < 3", cut.toString());
        assertTrue(r3.err().contains("found '\\33'") && !r3.err().contains("\u001b"), r3.err());
    }

    @Test
    void aTraceCutShortSumsHugeTimesWithoutWrappingAndLeavesItsEndUnknown() throws IOException {
        // No end record to bound them by: the two sum to more than a long holds, and must not read negative.
        Path cut = trace("5000000000000000000", false);
        CliTest.Result time = run("check", "--allow-truncated", "--assert", "syscalls.time < 1s", cut.toString());
        assertEquals(ExitCodes.ASSERTION_FAILED, time.code(), time.out() + time.err());
        assertTrue(time.out().contains("FAIL") && !time.out().contains(" -"), "saturated, not wrapped: " + time.out());

        Path killed = trace("300", false);
        CliTest.Result end = run("check", "--allow-truncated", "--assert", "deadlocks == 0", "--assert", "threads.blocked == 0",
                "--assert", "syscalls.calls == 2", killed.toString());
        assertEquals(ExitCodes.ASSERTION_FAILED, end.code(), end.out() + end.err());
        assertEquals(2, end.out().lines().filter(l -> l.contains("unknown: the trace has no end record (cut short)")).count(), end.out());
        assertTrue(end.out().lines().anyMatch(l -> l.contains("syscalls.calls == 2") && l.contains("PASS")), end.out());
    }
}
