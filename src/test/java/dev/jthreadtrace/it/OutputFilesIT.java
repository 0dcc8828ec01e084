package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files a command writes, as separate processes of the packaged tool: an output that is the
 * trace being read, the assertion file or another output is a usage error before anything runs;
 * a FIFO that no process reads fails in one line before the command starts (it hung forever after
 * the command had run); a FIFO with a reader gets its output and the command's status passes through.
 */
@Timeout(120)
class OutputFilesIT {
    private static String command(Path marker, int status) {
        return "touch " + marker + "; exit " + status;
    }

    private static Path mkfifo(Path dir, String name) throws Exception {
        Path fifo = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        return fifo;
    }

    private static Path savedTrace(Path tmp) {
        Path trace = tmp.resolve("t.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/true"));
        assertEquals(0, r.code(), r.err());
        return trace;
    }

    /** One clear line (and picocli's hint to --help), status 2, the file untouched, the command never started. */
    private static void refused(Tool.Result r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().lines().findFirst().orElse("").contains(expected), r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
    }

    @Test
    void anOutputThatIsAnInputOrAnotherOutputIsAUsageErrorAndNothingRuns(@TempDir Path tmp) throws Exception {
        Path trace = savedTrace(tmp);
        byte[] before = Files.readAllBytes(trace);
        refused(Tool.run(Tool.jar("report", "--html", trace.toString(), trace.toString())),
                "--html " + trace + " is the trace being read: it would be overwritten");
        refused(Tool.run(Tool.jar("check", "--assert", "threads.total >= 1", "--junit-xml", trace.toString(), trace.toString())),
                "--junit-xml " + trace + " is the trace being read");
        Path link = Files.createSymbolicLink(tmp.resolve("link.jsonl"), trace);
        refused(Tool.run(Tool.jar("report", "--format", "jsonl", "-o", link.toString(), trace.toString())),
                "-o " + link + " is the trace being read (" + trace + ")");
        refused(Tool.run(Tool.jar("report", "-o", tmp.resolve("r.txt").toString(), "--html", tmp.resolve("./r.txt").toString(),
                trace.toString())), "are the same file: one would overwrite the other");
        assertArrayEquals(before, Files.readAllBytes(trace), "the trace is untouched");

        Path asserts = Files.writeString(tmp.resolve("asserts.txt"), "threads.total >= 1\n");
        refused(Tool.run(Tool.jar("check", "--assert-file", asserts.toString(), "--junit-xml", asserts.toString(), trace.toString())),
                "--junit-xml " + asserts + " is the file --assert-file reads");
        assertEquals("threads.total >= 1\n", Files.readString(asserts));

        Path marker = tmp.resolve("ran"), x = tmp.resolve("x");
        refused(Tool.run(Tool.jar("run", "--format", "jsonl", "-o", x.toString(), "--html", x.toString(), "--", "sh", "-c",
                command(marker, 0))), "-o " + x + " and --html " + x + " are the same file");
        refused(Tool.run(Tool.jar("run", "--assert-file", asserts.toString(), "--junit-xml", asserts.toString(), "--", "sh", "-c",
                command(marker, 0))), "is the file --assert-file reads");
        assertFalse(Files.exists(marker), "the command never started");
        assertFalse(Files.exists(x));
    }

    @Test
    void aFifoWithoutAReaderFailsInOneLineBeforeTheCommandStarts(@TempDir Path tmp) throws Exception {
        Path fifo = mkfifo(tmp, "fifo"), marker = tmp.resolve("ran");
        Path trace = savedTrace(tmp);
        // Each run waits the whole FIFO_WAIT for a reader that never comes: all at once, not one after another.
        Map<String, CompletableFuture<Tool.Result>> runs = new LinkedHashMap<>();
        for (String option : List.of("--html", "--junit-xml", "-o")) {
            List<String> args = new ArrayList<>(List.of("run", option, fifo.toString()));
            if (option.equals("--junit-xml")) args.addAll(List.of("--assert", "threads.total >= 1"));
            args.addAll(List.of("--", "sh", "-c", command(marker, 3)));
            runs.put(option, inBackground(Tool.jar(args.toArray(String[]::new))));
        }
        runs.put("report", inBackground(Tool.jar("report", "--html", fifo.toString(), trace.toString())));
        runs.put("check", inBackground(Tool.jar("check", "--assert", "threads.total >= 1", "--junit-xml", fifo.toString(), trace.toString())));
        for (String option : List.of("--html", "--junit-xml", "-o")) {
            Tool.Result r = runs.get(option).get(120, TimeUnit.SECONDS);
            assertEquals(125, r.code(), option + ": " + r.err());
            assertEquals("jthreadtrace: " + option + ": cannot write " + fifo + ": no process reads this FIFO (waited 5 s; start"
                    + " its reader first)\n", r.err());
        }
        assertFalse(Files.exists(marker), "the command never started");
        Tool.Result report = runs.get("report").get(120, TimeUnit.SECONDS);
        assertEquals(125, report.code(), report.err());
        assertTrue(report.err().contains("no process reads this FIFO"), report.err());
        Tool.Result check = runs.get("check").get(120, TimeUnit.SECONDS);
        assertEquals(125, check.code(), check.err());
    }

    /** Runs the tool on a thread of its own. */
    private static CompletableFuture<Tool.Result> inBackground(List<String> command) {
        CompletableFuture<Tool.Result> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(Tool.run(command));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Reads the FIFO to its end on a thread of its own, as a reader process would. */
    private static CompletableFuture<String> reader(Path fifo) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        });
        return text;
    }

    @Test
    void aFifoWithAReaderGetsTheOutputAndTheCommandsStatusPassesThrough(@TempDir Path tmp) throws Exception {
        Path html = mkfifo(tmp, "html"), junit = mkfifo(tmp, "junit"), out = mkfifo(tmp, "out"), marker = tmp.resolve("ran");
        CompletableFuture<String> page = reader(html), xml = reader(junit), lines = reader(out);
        Tool.Result r = Tool.run(Tool.jar("run", "-o", out.toString(), "--html", html.toString(), "--junit-xml", junit.toString(),
                "--assert", "threads.total >= 1", "--", "sh", "-c", command(marker, 3)));
        assertEquals(3, r.code(), r.err());
        assertTrue(Files.exists(marker));
        assertTrue(page.get(30, TimeUnit.SECONDS).strip().endsWith("</html>"), "the whole page");
        assertTrue(xml.get(30, TimeUnit.SECONDS).contains("<testcase"), "the JUnit XML");
        assertTrue(lines.get(30, TimeUnit.SECONDS).contains("THREADS BY CREATOR"), "the trace lines and the report");
    }
}
