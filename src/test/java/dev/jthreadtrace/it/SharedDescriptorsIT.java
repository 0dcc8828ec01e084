package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An output named by a descriptor the tool inherited ({@code -o /dev/stderr}, {@code /dev/stdout},
 * {@code /dev/fd/N}) on a regular file is written through that descriptor: the command's own output,
 * the tool's messages and the trace share one offset, nothing is truncated, nothing overwritten.
 * Reopened, the name truncated the file and two offsets overwrote each other's bytes.
 */
@Timeout(120)
class SharedDescriptorsIT {
    /** A command writing whole lines on the descriptor the trace also goes to (%d), with a traced call between them. */
    private static final String COMMAND = "echo COMMAND-FIRST-LINE >&%d; /bin/true; echo COMMAND-LAST-LINE >&%<d";
    /** A trace line as the text format ends it: a call's result with its time, or an event. */
    private static final Pattern TRACE_LINE = Pattern.compile("^\\s+\\d+\\.\\d{6} \\[\\d+ [^]]+\\] .*(= -?\\w+( .*)? <\\d+\\.\\d{6}>|\\+\\+\\+|---)$");

    /** The tool's command line, run by sh with {@code redirect} (the shell's, as a user writes it). */
    private static List<String> shell(String redirect, String... args) {
        StringBuilder line = new StringBuilder("exec");
        for (String a : Tool.jar(args)) line.append(" '").append(a.replace("'", "'\\''")).append("'");
        return List.of("sh", "-c", line + " " + redirect);
    }

    /**
     * The file's lines: the command's two, each whole and once; with them taken out, every other line
     * a whole trace line. A command's line may follow a call's first half: a call is printed when it
     * begins and the idle flush writes that half out while the call blocks (as strace does), so
     * {@code echo} can write between the halves (CI saw {@code execve("/bin/true", ...COMMAND-LAST-LINE}
     * and {@code ) = 0} on the next line). Taking the command's bytes out must leave the trace whole.
     */
    private static void whole(List<String> lines, String what) {
        String text = String.join("\n", lines) + "\n";
        for (String mine : List.of("COMMAND-FIRST-LINE\n", "COMMAND-LAST-LINE\n")) {
            assertEquals(1, text.split(mine, -1).length - 1, "once and whole: " + mine + what);
            text = text.replace(mine, "");
        }
        wholeTrace(text.lines().toList(), what);
    }

    /**
     * Every line a whole trace line (the tool's own messages aside), from the shell's execve to its
     * exit. (Not their order against the command's lines: the trace is written in buffered blocks.)
     */
    private static void wholeTrace(List<String> lines, String what) {
        List<String> trace = lines.stream().filter(l -> !l.isEmpty() && !l.startsWith("jthreadtrace: ")).toList();
        assertTrue(trace.size() >= 4, what); // two execve, the child's exit, the shell's exit
        for (String l : trace) assertTrue(TRACE_LINE.matcher(l).matches(), "a whole trace line: " + l + "\n" + what);
        assertTrue(trace.getFirst().matches(".*execve\\(\"[^\"]*/sh\".*"), what);
        assertTrue(trace.stream().anyMatch(l -> l.contains("execve(\"/bin/true\"")), what);
        assertTrue(trace.getLast().endsWith("+++ exited with 0 +++"), what);
    }

    @Test
    void theTraceOnStderrSharesTheFileWithTheCommandsStderr(@TempDir Path tmp) throws Exception {
        Tool.Result r = Tool.run(Tool.jar("run", "-e", "execve", "--report", "none", "-o", "/dev/stderr", "--",
                "sh", "-c", COMMAND.formatted(2)));
        assertEquals(0, r.code(), r.err());
        whole(r.err().lines().toList(), r.err());
    }

    /** What a run with {@code -o output} appended after a file's earlier line, through the shell's {@code FD>>} redirect. */
    private record Appended(Tool.Result result, List<String> after) {}

    private static Appended appended(Path tmp, String fd, String output) throws Exception {
        Path file = Files.writeString(tmp.resolve("log-" + fd + ".txt"), "EARLIER-STEP\n");
        Tool.Result r = Tool.run(shell(fd + ">> '" + file + "'", "run", "-e", "execve", "--report", "none", "-o", output, "--",
                "sh", "-c", COMMAND.formatted(1)));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(file);
        assertEquals("EARLIER-STEP", lines.getFirst(), "O_APPEND as the shell set it: nothing truncated\n" + String.join("\n", lines));
        return new Appended(r, lines.subList(1, lines.size()));
    }

    @Test
    void anAppendingRedirectKeepsWhatWasThereAndTheTraceComesAfter(@TempDir Path tmp) throws Exception {
        Appended a = appended(tmp, "1", "/dev/stdout");
        whole(a.after(), String.join("\n", a.after()));
    }

    @Test
    void aNumberedDescriptorIsWrittenThroughAndOneNotOpenIsRefused(@TempDir Path tmp) throws Exception {
        Appended a = appended(tmp, "7", "/dev/fd/7");
        wholeTrace(a.after(), String.join("\n", a.after()));
        assertEquals(List.of("COMMAND-FIRST-LINE", "COMMAND-LAST-LINE"), a.result().out().lines().toList());

        Path marker = tmp.resolve("ran");
        Tool.Result closed = Tool.run(Tool.jar("run", "--report", "none", "-o", "/proc/self/fd/987", "--", "touch", marker.toString()));
        assertEquals(125, closed.code(), closed.err());
        assertEquals("jthreadtrace: -o: cannot write /proc/self/fd/987: descriptor 987 is not open for writing", closed.err().strip());
        assertTrue(Files.notExists(marker), "the command did not run");
    }

    /**
     * A partial line (no newline yet) the command leaves on the shared stdout glues onto the tool's
     * next JSONL record: the reader takes the record after those bytes (before, the whole trace was
     * refused with 125) and says how many lines held them. The command waits until the tool has
     * written after its partial line, so the glue is there whatever the machine's speed.
     */
    @Test
    void aRecordAfterTheCommandsPartialLineIsReadAndCounted(@TempDir Path tmp) throws Exception {
        Path raw = tmp.resolve("shared.jsonl");
        String waitForTheTool = "n=$(stat -L -c %s /proc/$$/fd/1); while [ \"$(stat -L -c %s /proc/$$/fd/1)\" = \"$n\" ]; do sleep 0.05; done";
        Tool.Result r = Tool.run(shell("> '" + raw + "'", "run", "--no-live", "--report", "none", "--format", "jsonl", "--",
                "sh", "-c", "for i in 1 2; do printf progress.; " + waitForTheTool + "; done; echo done"));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(raw);
        assertEquals(2, lines.stream().filter(l -> l.startsWith("progress.{\"v\":")).count(), String.join("\n", lines));

        // The oracle: the same file with the command's bytes cut off by hand.
        Path clean = Files.write(tmp.resolve("clean.jsonl"), lines.stream().filter(l -> l.contains("{\"v\":"))
                .map(l -> l.substring(l.indexOf("{\"v\":"))).toList());
        Tool.Result fromRaw = Tool.run(Tool.jar("report", "--report", "summary,tree", raw.toString()));
        Tool.Result fromClean = Tool.run(Tool.jar("report", "--report", "summary,tree", clean.toString()));
        assertEquals(0, fromRaw.code(), fromRaw.err());
        assertEquals(0, fromClean.code(), fromClean.err());
        assertEquals(fromClean.out(), fromRaw.out());
        assertTrue(fromRaw.err().contains("note: 2 lines of " + raw + " began with bytes that are not this trace's"), fromRaw.err());
        assertTrue(fromRaw.err().contains("skipped 1 line"), "the command's whole line \"done\": " + fromRaw.err());
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "processes.total >= 5", raw.toString()));
        assertEquals(0, check.code(), check.out() + check.err());
    }

    @Test
    void junitXmlOnStdoutComesAfterThePassTableInsteadOfWipingIt(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        assertEquals(0, Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/true")).code());
        Path out = tmp.resolve("out.txt");
        Tool.Result r = Tool.run(shell("> '" + out + "'", "check", "--assert", "threads.peak < 10", "--junit-xml", "/dev/stdout",
                trace.toString()));
        assertEquals(0, r.code(), r.err());
        String text = Files.readString(out);
        int table = text.indexOf("PASS  threads.peak < 10"), xml = text.indexOf("<?xml");
        assertTrue(table >= 0 && xml > table, text);
        assertTrue(text.strip().endsWith("</testsuites>"), text);
    }
}
