package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a program does many times costs the tool bounded memory: the peak resident size of the tool's
 * JVM (its --stats line, started by the launcher as a user starts it) at two sizes of the same
 * fixture, and the facts of the larger run still right.
 *
 * <ul>
 * <li>A thread renamed 100 000 times costs what one renamed 2 000 times does (less than 8 MiB
 * more): a task keeps its first and latest 16 names, and counts those between. (Before, every name
 * was kept, ~150 bytes each: 20 000 renames 74 MB, 1 000 000 renames 225 MB.)
 * <li>Thread churn: an ended thread keeps a compact record (what the report and the assertions
 * read); 40 000 threads created and joined one at a time cost less than 24 MiB more than 4 000
 * (the bound: 600 bytes per thread ever created; it was ~900).
 * </ul>
 */
@Timeout(600)
class MemoryBoundsIT {
    private static final Pattern PEAK = Pattern.compile("peak RSS (\\d+) KiB");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The tool's peak RSS in KiB, and the JSONL trace it wrote, of tracing {@code fixture} with {@code arg}. */
    private record Run(long peakKib, Tool.Result result, List<JsonNode> records) {
        JsonNode thread(int tid) {
            return records.stream().filter(r -> "thread".equals(r.path("type").asText()) && r.path("tid").asInt() == tid)
                    .findFirst().orElseThrow(() -> new AssertionError("no thread record of " + tid));
        }

        List<JsonNode> ofType(String type) {
            return records.stream().filter(r -> type.equals(r.path("type").asText())).toList();
        }
    }

    /** Traces with no call shown (the model still records what it needs), the JSONL trace in a file, the stats on stderr. */
    private Run run(String fixture, long n, String... assertions) throws IOException {
        Path trace = dir.resolve(fixture + "-" + n + ".jsonl");
        List<String> command = new ArrayList<>(List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "run",
                "--no-live", "--stats", "-e", "trace=exit_group", "--format", "jsonl", "-o", trace.toString()));
        for (String a : assertions) command.addAll(List.of("--assert", a));
        command.addAll(List.of("--", Traced.fixture(fixture).toString(), Long.toString(n)));
        Tool.Result r = Tool.run(command, java.util.Map.of(), 280);
        assertEquals(0, r.code(), r.err());
        Matcher m = PEAK.matcher(r.err());
        assertTrue(m.find(), r.err());
        List<JsonNode> records = new ArrayList<>();
        try (var lines = Files.lines(trace)) {
            for (String line : (Iterable<String>) lines::iterator) records.add(JSON.readTree(line));
        }
        return new Run(Long.parseLong(m.group(1)), r, records);
    }

    private static int rootPid(Run run) {
        return run.ofType("start").getFirst().path("pid").asInt();
    }

    @Test
    void renamingAThreadOverAndOverKeepsMemoryFlat() throws IOException {
        long small = 2_000, large = 100_000;
        Run before = run("rename_loop", small);
        Run after = run("rename_loop", large, "hooks.changes == " + large);
        System.out.println("MemoryBoundsIT: peak RSS " + small + " renames " + before.peakKib() + " KiB, " + large + " renames "
                + after.peakKib() + " KiB");
        assertTrue(after.peakKib() - before.peakKib() < 8 * 1024,
                small + " renames: " + before.peakKib() + " KiB, " + large + " renames: " + after.peakKib() + " KiB");

        // The kernel's last name (read by the program itself) and its child's first are the tool's.
        Matcher said = Pattern.compile("last=(\\S+) child=(\\S+)").matcher(after.result().out());
        assertTrue(said.find(), after.result().out());
        JsonNode root = after.thread(rootPid(after));
        assertEquals(said.group(1), root.path("name").asText());
        List<String> names = new ArrayList<>();
        root.path("names").forEach(n -> names.add(n.asText()));
        assertEquals("rename_loop", names.getFirst(), "the name the exec gave: " + names);
        assertEquals("n0", names.get(1));
        assertEquals(said.group(1), names.getLast());
        assertEquals(1 + 16 + 16, names.size(), names.toString());
        assertEquals("n15", names.get(16));
        assertEquals("n" + (large - 16), names.get(17));
        assertEquals(large - 32, root.path("names_dropped").asLong());
        JsonNode child = after.ofType("thread").stream().filter(t -> t.path("creator").asInt() == rootPid(after)
                && t.path("tid").asInt() != rootPid(after)).findFirst().orElseThrow();
        assertEquals(said.group(2), child.path("names").get(0).asText(), "its first name is its creator's then");
        assertEquals(0, child.path("names_dropped").asLong());
        assertEquals(small - 32, before.thread(rootPid(before)).path("names_dropped").asLong());

        // The report read back from the trace: the start name, the count left out, the last name.
        Tool.Result report = Tool.run(List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "report",
                "--report", "tree", dir.resolve("rename_loop-" + large + ".jsonl").toString()));
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains(rootPid(after) + " " + said.group(1) + " (was rename_loop; " + (large - 32)
                + " names between not kept)"), report.out());
    }

    @Test
    void threadChurnCostsACompactRecordPerThread() throws IOException {
        long small = 4_000, large = 40_000;
        Run before = run("churn", small, "threads.total == " + (small + 1));
        Run after = run("churn", large, "threads.total == " + (large + 1), "threads.peak == 2", "futex.joins <= " + large);
        System.out.println("MemoryBoundsIT: peak RSS " + small + " threads " + before.peakKib() + " KiB, " + large + " threads "
                + after.peakKib() + " KiB");
        assertTrue(after.peakKib() - before.peakKib() < 24 * 1024,
                small + " threads: " + before.peakKib() + " KiB, " + large + " threads: " + after.peakKib() + " KiB");
        // Every thread still has its record: created by the command, its name inherited, its end its own exit.
        List<JsonNode> threads = after.ofType("thread");
        assertEquals(large + 1, threads.size());
        int root = rootPid(after);
        for (JsonNode t : threads) {
            if (t.path("tid").asInt() == root) continue;
            assertEquals(root, t.path("creator").asInt(), t.toString());
            assertEquals("churn", t.path("names").get(0).asText(), t.toString());
            assertEquals("exited", t.path("exit").path("kind").asText(), t.toString());
            assertTrue(!t.path("end").isNull(), t.toString());
        }
    }
}
