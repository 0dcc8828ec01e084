package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jthreadtrace.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report -e SET} with calls the run did not show: it recorded them only where its report
 * needed them (a futex wake at its entry, "= ?"), so their lines are left out and one note says so;
 * the calls it showed are printed as before.
 */
class ReplayedCallsTest {
    private static final String RUN = "\"run\":\"00ff00ff00ff00ff\"";

    /** The trace of SavedTraceLinesTest, its getppid shown, and a futex wake the run recorded at its entry without showing it. */
    private static Path trace(Path dir) throws IOException {
        List<String> lines = SavedTraceLinesTest.lines();
        lines.set(1, lines.get(1).replace("}", ",\"shown\":true}"));
        lines.add(2, "{\"v\":2,\"type\":\"syscall\",\"seq\":3," + RUN + ",\"ns\":200,\"tid\":5,\"syscall\":\"futex\",\"nr\":202,"
                + "\"args\":[4096,129,1,0,0,0],\"ret\":null,\"returned\":false,\"error\":null,\"dur_ns\":null,\"shown\":false}");
        for (int i = 3; i < lines.size(); i++) lines.set(i, lines.get(i).replace("\"seq\":" + i + ",", "\"seq\":" + (i + 1) + ","));
        return Files.writeString(dir.resolve("t.jsonl"), String.join("\n", lines) + "\n");
    }

    @Test
    void callsTheRunDidNotShowAreLeftOutWithOneNote(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("lines.txt");
        CliTest.Result r = run("report", "--report", "none", "-e", "futex,getppid", "-o", out.toString(), trace(dir).toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        String lines = Files.readString(out);
        assertTrue(lines.contains("getppid() = 4"), lines);
        assertFalse(lines.contains("futex("), "no futex line, as if it were every futex call: " + lines);
        assertEquals("jthreadtrace: note: the run did not show futex (its -e): it recorded such calls only where its report needed"
                + " them, not every call nor every result, so their lines are left out; run -e to see them\n", r.err());
    }

    @Test
    void withoutEItShowsWhatTheRunShowedAndSaysNothing(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("lines.txt");
        CliTest.Result r = run("report", "--report", "none", "-o", out.toString(), trace(dir).toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        String lines = Files.readString(out);
        assertTrue(lines.contains("getppid() = 4") && !lines.contains("futex("), lines);
        assertEquals("", r.err());
    }
}
