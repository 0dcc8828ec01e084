package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jthreadtrace.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A saved trace's line the reader cannot take (hostile9i F6): the message names that line and what
 * is wrong with it, quotes a value as the file writes it, and a format version the tool does not
 * read is refused, never read as another: one line, 125.
 */
class SavedTraceLinesTest {
    private static final String RUN = "\"run\":\"00ff00ff00ff00ff\"";

    /** A complete trace of one command that exits: seven records, seq 1 to 7, one a line. */
    static List<String> lines() {
        return new ArrayList<>(List.of(
                "{\"v\":2,\"type\":\"start\",\"seq\":1," + RUN + ",\"ns\":0,\"t\":0.0,\"pid\":5,\"tracer_pid\":4,\"path\":\"/bin/true\",\"argv\":[\"true\"]}",
                "{\"v\":2,\"type\":\"syscall\",\"seq\":2," + RUN + ",\"ns\":100,\"tid\":5,\"syscall\":\"getppid\",\"nr\":110,"
                        + "\"args\":[0,0,0,0,0,0],\"ret\":4,\"returned\":true,\"error\":null,\"dur_ns\":10}",
                "{\"v\":2,\"type\":\"exit\",\"seq\":3," + RUN + ",\"ns\":1000,\"t\":0.000001,\"tid\":5,\"name\":\"true\",\"code\":0}",
                "{\"v\":2,\"type\":\"end\",\"seq\":4," + RUN + ",\"ns\":2000,\"t\":0.000002,\"interrupted_by\":0}",
                "{\"v\":2,\"type\":\"thread\",\"seq\":5," + RUN + ",\"tid\":5}",
                "{\"v\":2,\"type\":\"process\",\"seq\":6," + RUN + ",\"pid\":5}",
                "{\"v\":2,\"type\":\"summary\",\"seq\":7," + RUN + ",\"pid\":5}"));
    }

    static CliTest.Result report(Path dir, List<String> lines) throws IOException {
        Path trace = Files.writeString(dir.resolve("t.jsonl"), String.join("\n", lines) + "\n");
        return run("report", "--report", "summary", trace.toString());
    }

    @Test
    void theUntouchedTraceIsRead(@TempDir Path dir) throws IOException {
        CliTest.Result r = report(dir, lines());
        assertEquals(ExitCodes.OK, r.code(), r.err());
    }

    /** The trace with {@code from} replaced by {@code to} on line {@code index + 1}. */
    private static List<String> changed(int index, String from, String to) {
        List<String> lines = lines();
        lines.set(index, lines.get(index).replace(from, to));
        return lines;
    }

    /** {@code report} refuses the trace {@code lines} with one line, {@code FILE} then {@code where}, and 125. */
    private static void assertRefused(Path dir, List<String> lines, String where) throws IOException {
        CliTest.Result r = report(dir, lines);
        assertEquals(ExitCodes.TOOL_FAILED, r.code(), r.err());
        assertEquals("jthreadtrace: " + dir.resolve("t.jsonl") + where + "\n", r.err());
    }

    /** Record 3 nested past the parser's 1000 levels: line 3 is blamed, not line 4 where record 4 came "too early". */
    @Test
    void aLineNestedTooDeepIsTheLineBlamed(@TempDir Path dir) throws IOException {
        String deep = "[".repeat(1001) + "]".repeat(1001);
        assertRefused(dir, changed(2, "\"code\":0}", "\"code\":0,\"zz\":" + deep + "}"), ":3: JSON nested deeper than the reader"
                + " follows (1000 levels), where record 3 belongs (line 4 is record 4): the trace has a record damaged or lost");
    }

    @Test
    void aSeqPastLongMaxIsQuotedAsWritten(@TempDir Path dir) throws IOException {
        assertRefused(dir, changed(1, "\"seq\":2,", "\"seq\":9223372036854775808,"), ":2: record 9223372036854775808 where record 2"
                + " belongs: the trace has a record duplicated, lost or out of order");
    }

    @Test
    void aNewerVersionIsRefusedAndSaysSo(@TempDir Path dir) throws IOException {
        assertRefused(dir, changed(0, "\"v\":2,", "\"v\":99,"), ":1: trace format version 99, this jthreadtrace reads versions 1 to 2:"
                + " a newer jthreadtrace wrote it, read it with that one");
    }

    /** 2^32 + 2, 2.5 and "2" were read as version 2 (the int they truncate or parse to). */
    @Test
    void aVersionThatIsNoIntegerOfTheRangeIsNotReadAsAnother(@TempDir Path dir) throws IOException {
        for (String v : List.of("4294967298", "2.5", "\"2\"")) {
            assertRefused(dir, changed(3, "\"v\":2,", "\"v\":" + v + ","), ":4: trace format version " + v + ", this jthreadtrace"
                    + " reads versions 1 to 2" + (v.equals("4294967298") ? ": a newer jthreadtrace wrote it, read it with that one" : ""));
        }
    }

    /** Record {@code line} inserted at index {@code at}, the seq of every record from there on one more. */
    private static List<String> inserted(int at, String line) {
        List<String> lines = lines();
        for (int i = at; i < lines.size(); i++) lines.set(i, lines.get(i).replace("\"seq\":" + (i + 1) + ",", "\"seq\":" + (i + 2) + ","));
        lines.add(at, line);
        return lines;
    }

    private static String enter(int seq, int tid) {
        return "{\"v\":2,\"type\":\"enter\",\"seq\":" + seq + "," + RUN + ",\"ns\":150,\"t\":0.0,\"tid\":" + tid
                + ",\"name\":\"x\",\"syscall\":\"read\",\"nr\":0,\"args\":[0,0,0,0,0,0]}";
    }

    /** An enter record of tid 77, which no record made: a phantom task in the report before; a forged record now. */
    @Test
    void anEnterRecordOfATaskNoRecordMadeIsRefused(@TempDir Path dir) throws IOException {
        assertRefused(dir, inserted(2, enter(3, 77)), ":3: an \"enter\" record of thread 77, which no record of the trace made"
                + " (no start, spawn or attach of it, and no \"thread\" record): a record forged");
    }

    /** A task let go without its creator's event has no spawn, but its thread record: its enter record is its own. */
    @Test
    void anEnterRecordOfATaskWithItsThreadRecordIsRead(@TempDir Path dir) throws IOException {
        List<String> lines = inserted(2, enter(3, 77));
        lines.add(6, "{\"v\":2,\"type\":\"thread\",\"seq\":7," + RUN + ",\"tid\":77}");
        for (int i = 7; i < lines.size(); i++) lines.set(i, lines.get(i).replace("\"seq\":" + i + ",", "\"seq\":" + (i + 1) + ","));
        CliTest.Result r = report(dir, lines);
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
    }
}
