package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.DiffApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jthreadtrace diff} on real runs of a program in two versions: five runs of the same
 * version show no change between any two (tids, addresses, timings and the JVM's own threads differ
 * every time), and the second version shows exactly its two changes: a lazily created pool and a
 * pool worker that now inherits the application's class loader.
 */
@Timeout(300)
class DiffIT {
    private static Path trace(Path tmp, String name, String version) {
        Path file = tmp.resolve(name + ".jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", file.toString(), "--"));
        args.addAll(JvmIT.java(DiffApp.class.getName(), version));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        return file;
    }

    private static List<JsonNode> jsonl(String text) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.lines().toList()) out.add(json.readTree(line));
        return out;
    }

    private static List<JsonNode> ofType(List<JsonNode> records, String type) {
        return records.stream().filter(n -> n.path("type").asText().equals(type)).toList();
    }

    @Test
    void fiveRunsOfTheSameVersionShowNoChangeAndTheSecondVersionExactlyItsTwo(@TempDir Path tmp) throws Exception {
        List<Path> same = new ArrayList<>();
        for (int i = 1; i <= 5; i++) same.add(trace(tmp, "v1-" + i, "v1"));
        for (Path other : same.subList(1, same.size())) {
            Tool.Result r = Tool.run(Tool.jar("diff", "--assert", "diff.changes == 0", "--assert", "diff.threads.count == 0",
                    same.getFirst().toString(), other.toString()));
            assertEquals(0, r.code(), "no false change between two runs of the same version:\n" + r.out() + r.err());
            assertTrue(r.out().contains("no change: the same sites, thread counts, inherited settings and execs"), r.out());
        }
        Path v2 = trace(tmp, "v2", "v2");
        Path xml = tmp.resolve("diff.xml");
        Tool.Result r = Tool.run(Tool.jar("diff", "--format", "jsonl", "--junit-xml", xml.toString(),
                "--assert", "diff.new_sites == 1", "--assert", "diff.inherited_changes == 1", "--assert", "diff.vanished_sites == 0",
                "--assert", "diff.threads{created_at=\"dev.jthreadtrace.fixtures.DiffApp.lookUp(*\"}.count == 1",
                "--assert", "diff.threads{name=\"worker-*\"}.count == 0", "--assert", "diff.changes == 2",
                same.getFirst().toString(), v2.toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        List<JsonNode> records = jsonl(r.out());
        List<JsonNode> changes = ofType(records, "change");
        assertEquals(2, changes.size(), changes.toString());
        JsonNode inherited = changes.stream().filter(c -> c.get("kind").asText().equals("inherited")).findFirst().orElseThrow();
        assertEquals("dev.jthreadtrace.fixtures.DiffApp.main worker-#", inherited.get("site").asText());
        assertEquals("ccl", inherited.get("hook").asText());
        assertEquals("[\"jdk.internal.loader.ClassLoaders$AppClassLoader@app\"]", inherited.get("base").toString());
        assertEquals("[\"java.net.URLClassLoader@app1\"]", inherited.get("new").toString());
        JsonNode site = changes.stream().filter(c -> c.get("kind").asText().equals("new_site")).findFirst().orElseThrow();
        assertEquals("dev.jthreadtrace.fixtures.DiffApp.lookUp cache-loader-#", site.get("site").asText());
        assertEquals(2, ofType(records, "diff_summary").getFirst().get("changes").asInt());
        assertEquals(0, DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile())
                .getElementsByTagName("failure").getLength(), "the assertions hold in the JUnit XML too");

        // The other way round the pool vanished, and a failed assertion fails the build.
        Tool.Result back = Tool.run(Tool.jar("diff", "--assert", "diff.vanished_sites == 0", v2.toString(), same.getFirst().toString()));
        assertEquals(90, back.code(), back.out());
        assertTrue(back.out().contains("- vanished site  java: dev.jthreadtrace.fixtures.DiffApp.lookUp(DiffApp.java:"), back.out());
        assertTrue(back.out().contains("ccl: java.net.URLClassLoader@app1 → jdk.internal.loader.ClassLoaders$AppClassLoader@app"),
                back.out());
        assertTrue(back.out().matches("(?s).*FAIL  diff.vanished_sites == 0 +actual 1\n.*"), back.out());
        // The same program ending alike: the checks every gate gets pass.
        assertTrue(back.out().matches("(?s).*PASS  diff.command_changed == 0 +actual 0\n.*"), back.out());
        assertTrue(back.out().matches("(?s).*PASS  diff.end_changed == 0 +actual 0\n.*"), back.out());
    }

    /**
     * A new run whose command was killed (a build that crashes before it starts its pools makes no
     * new site) fails the README's gate {@code diff.new_sites == 0}: one line on stderr, one in the
     * header, and the added {@code diff.end_changed == 0} fails (90).
     */
    @Test
    void aNewRunThatWasKilledFailsTheGateAndSaysSo(@TempDir Path tmp) throws Exception {
        Path base = trace(tmp, "ok", "v1"), crashed = tmp.resolve("crashed.jsonl");
        Tool.Result run = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", crashed.toString(), "--", "sh", "-c", "kill -SEGV $$"));
        assertEquals(128 + 11, run.code(), run.err());
        Tool.Result r = Tool.run(Tool.jar("diff", "--assert", "diff.new_sites == 0", base.toString(), crashed.toString()));
        assertEquals(90, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*PASS  diff.new_sites == 0 +actual 0\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*FAIL  diff.end_changed == 0 +actual 1\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*FAIL  diff.command_changed == 0 +actual 1\n.*"), "java, then sh: " + r.out());
        assertTrue(r.out().contains("! not alike: it traced another program than the base; the new run ended killed by SIGSEGV"
                + " (the base: exit 0)"), r.out());
        assertTrue(r.err().contains("jthreadtrace: note: it traced another program than the base; the new run ended killed by"
                + " SIGSEGV (the base: exit 0): this diff compares unlike runs"), r.err());
        Tool.Result named = Tool.run(Tool.jar("diff", "--assert", "diff.new_sites == 0", "--assert", "diff.end_changed == 1",
                "--assert", "diff.command_changed == 1", base.toString(), crashed.toString()));
        assertEquals(0, named.code(), "an assertion that names the metric replaces the added one: " + named.out());
    }

    @Test
    void nativeThreadsAreMatchedByCreatorAndFoldedNameAndBadInputIsOneLine(@TempDir Path tmp) throws Exception {
        List<Path> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path file = tmp.resolve("churn-" + i + ".jsonl");
            Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", file.toString(), "--",
                    Traced.fixture("threads").toString()));
            assertEquals(0, r.code(), r.err());
            runs.add(file);
        }
        Tool.Result r = Tool.run(Tool.jar("diff", runs.get(0).toString(), runs.get(1).toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no change"), r.out());
        assertTrue(r.out().contains("threads: inner-# → inner-#"), "inner-2, created by inner-1, folded: " + r.out());

        // The same run cut short before its end record (as head -c leaves it): its times are unknown, not 0ns.
        String whole = Files.readString(runs.get(1));
        Path cut = Files.writeString(tmp.resolve("cut.jsonl"), whole.substring(0, whole.indexOf("{\"v\":2,\"type\":\"end\"") - 7));
        Tool.Result cutDiff = Tool.run(Tool.jar("diff", "--allow-truncated", "--assert", "diff.futex.wait.time < 1s",
                runs.get(0).toString(), cut.toString()));
        assertEquals(90, cutDiff.code(), cutDiff.out() + cutDiff.err());
        assertTrue(cutDiff.out().contains("cut short: duration unknown)"), cutDiff.out());
        assertTrue(cutDiff.out().contains("→ unknown"), cutDiff.out());
        assertTrue(cutDiff.out().contains("FAIL  diff.futex.wait.time < 1s   actual unknown: " + cut + " has no end record"), cutDiff.out());

        Path notATrace = Files.writeString(tmp.resolve("x.jsonl"), "hello\n");
        Tool.Result bad = Tool.run(Tool.jar("diff", runs.get(0).toString(), notATrace.toString()));
        assertEquals(125, bad.code());
        assertEquals(1, bad.err().lines().count(), bad.err());
        Tool.Result usage = Tool.run(Tool.jar("diff", "--assert", "diff.nothing == 0", runs.get(0).toString(), runs.get(1).toString()));
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("unknown metric 'diff.nothing' (known: diff.changes"), usage.err());
        Tool.Result overwrite = Tool.run(Tool.jar("diff", "-o", runs.get(0).toString(), runs.get(0).toString(), runs.get(1).toString()));
        assertEquals(2, overwrite.code(), overwrite.err());
    }

    /** A run of {@code fork_workers n}: main forks n workers that never exec; its stdout says how many it reaped. */
    private static Path forkTrace(Path tmp, String name, int workers) {
        Path file = tmp.resolve(name + ".jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--format", "jsonl", "-o", file.toString(), "--",
                Traced.fixture("fork_workers").toString(), Integer.toString(workers)));
        assertEquals(0, r.code(), r.err());
        assertEquals("reaped " + workers + "\n", r.out(), "the kernel made and reaped that many processes");
        return file;
    }

    /**
     * Processes are compared at their sites as threads are (hostile11 F8): a pre-fork server whose
     * workers never exec, with 1 worker and with 5, is a process count change of 1 → 5 at
     * "fork_workers → fork_workers", the README's gate diff.changes == 0 fails (90), and
     * diff.processes.count and diff.threads.count (a process's first thread is a thread) say 4;
     * the same 5 workers twice is no change.
     */
    @Test
    void forkedWorkersThatNeverExecAreComparedAsProcesses(@TempDir Path tmp) throws Exception {
        Path one = forkTrace(tmp, "one", 1), five = forkTrace(tmp, "five", 5), again = forkTrace(tmp, "again", 5);
        Tool.Result gate = Tool.run(Tool.jar("diff", "--assert", "diff.changes == 0", "--assert", "diff.threads.count == 0",
                one.toString(), five.toString()));
        assertEquals(90, gate.code(), gate.out() + gate.err());
        assertTrue(gate.out().contains("  ~ process count  fork_workers: fork_workers → fork_workers (process)  1 → 5\n"), gate.out());
        assertTrue(gate.out().matches("(?s).*FAIL  diff.changes == 0 +actual 1\n.*"), gate.out());
        assertTrue(gate.out().matches("(?s).*FAIL  diff.threads.count == 0 +actual 4\n.*"), gate.out());

        Tool.Result json = Tool.run(Tool.jar("diff", "--format", "jsonl", "--assert", "diff.processes.count == 4",
                "--assert", "diff.processes{name=\"fork_work*\"}.count == 4", "--assert", "diff.count_changes == 1",
                one.toString(), five.toString()));
        assertEquals(0, json.code(), json.out() + json.err());
        JsonNode change = ofType(jsonl(json.out()), "change").getFirst();
        assertEquals("process_count", change.get("kind").asText(), change.toString());
        assertEquals("process", change.get("site_kind").asText(), change.toString());
        assertEquals(1, change.get("base").asInt());
        assertEquals(5, change.get("new").asInt());

        Tool.Result same = Tool.run(Tool.jar("diff", "--assert", "diff.changes == 0", "--assert", "diff.processes.count == 0",
                five.toString(), again.toString()));
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.out().contains("no change: the same sites"), same.out());
        assertTrue(same.out().matches("(?s).*   fork_workers: fork_workers → fork_workers \\(process\\) +5 → 5 .*"), same.out());
    }

    /** A run of the Go fixture with {@code locked} goroutines ending on their locked threads and {@code named} named threads. */
    private static Path goTrace(Path tmp, int locked, int named, String... options) {
        Path program = Path.of(System.getProperty("jthreadtrace.native", "target/native"), "go_threads");
        assertTrue(Files.isExecutable(program), "go_threads is not built: it needs go, which scripts/test installs"
                + " (apt-get install golang-go), then the build (native/build)");
        Path file = tmp.resolve("go-" + locked + "-" + named + String.join("", options) + ".jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", file.toString()));
        args.addAll(List.of(options));
        args.addAll(List.of("--", program.toString(), Integer.toString(locked), Integer.toString(named)));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        return file;
    }

    /**
     * How many OS threads a Go program's runtime starts is its scheduler's business (here it follows how many
     * goroutines end on a locked thread: 1 or 12): not a change, as the JVM's own threads are not; a thread the
     * program named is compared, and one more of them is a change. The Go binary is told by its ELF file.
     */
    @Test
    void theGoRuntimesOwnThreadsAreNotComparedButTheProgramsNamedThreadsAre(@TempDir Path tmp) throws Exception {
        Path base = goTrace(tmp, 1, 1), moreRuntime = goTrace(tmp, 12, 1), moreNamed = goTrace(tmp, 1, 2);
        Tool.Result same = Tool.run(Tool.jar("diff", "--assert", "diff.changes == 0", base.toString(), moreRuntime.toString()));
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.out().lines().anyMatch(l -> l.matches("NEW .*\\(\\d+ tasks, \\d+ of them the Go runtime's, not compared; .*")),
                same.out());
        Tool.Result named = Tool.run(Tool.jar("diff", "--format", "jsonl", "--assert", "diff.count_changes == 1",
                "--assert", "diff.threads{name=\"go-named\"}.count == 1", "--assert", "diff.changes == 1", base.toString(), moreNamed.toString()));
        assertEquals(0, named.code(), named.out() + named.err());
        List<JsonNode> records = jsonl(named.out());
        JsonNode change = ofType(records, "change").getFirst();
        assertEquals("go_threads → go-named", change.get("site").asText(), change.toString());
        JsonNode run = ofType(records, "diff").getFirst();
        assertTrue(run.get("base").get("go_runtime_threads").asInt() >= 2, run.toString());
        List<JsonNode> process = ofType(jsonl(Files.readString(base)), "process");
        assertEquals("go", process.getFirst().get("runtime").asText(), process.toString());
    }

    /** {@code churn n}, keeping {@code keepEnded} ended threads ("-" for the default: nothing folds). */
    private static Path churnTrace(Path tmp, int n, String keepEnded) {
        Path file = tmp.resolve("churn-" + n + "-" + keepEnded + ".jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", file.toString()));
        if (!keepEnded.equals("-")) args.addAll(List.of("--keep-ended", keepEnded));
        args.addAll(List.of("--", Traced.fixture("churn").toString(), Integer.toString(n)));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        return file;
    }

    /**
     * diff.threads.count of runs that folded: a fold counts each thread a site would have (not a
     * process's first task, not the Go runtime's), so the whole count is the unfolded run's: churn 300
     * folded against unfolded is 0, 200 against 300 (both folded) is 100; the Go fixture with one more
     * named thread and eleven more runtime threads, folded to one kept ended task, is 1 as unfolded.
     * Over a selector's sites (kept threads' only) it stays unknown, and says why.
     */
    @Test
    void theThreadCountOfRunsThatFoldedIsTheUnfoldedOne(@TempDir Path tmp) throws Exception {
        Path whole = churnTrace(tmp, 300, "-"), folded = churnTrace(tmp, 300, "10"), fewer = churnTrace(tmp, 200, "10");
        Tool.Result same = Tool.run(Tool.jar("diff", "--assert", "diff.threads.count == 0", whole.toString(), folded.toString()));
        assertEquals(0, same.code(), same.out() + same.err());
        Tool.Result more = Tool.run(Tool.jar("diff", "--assert", "diff.threads.count == 100", fewer.toString(), folded.toString()));
        assertEquals(0, more.code(), more.out() + more.err());
        Tool.Result picked = Tool.run(Tool.jar("diff", "--assert", "diff.threads.count{name=\"churn\"} == 100", fewer.toString(), folded.toString()));
        assertEquals(90, picked.code(), picked.out() + picked.err());
        assertTrue(picked.out().contains("threads folded in "), picked.out());

        Path base = goTrace(tmp, 1, 1);
        Tool.Result unfolded = Tool.run(Tool.jar("diff", "--assert", "diff.threads.count == 1", base.toString(), goTrace(tmp, 12, 2).toString()));
        assertEquals(0, unfolded.code(), unfolded.out() + unfolded.err());
        Path goFolded = goTrace(tmp, 12, 2, "--keep-ended", "1");
        assertTrue(jsonl(Files.readString(goFolded)).getLast().path("folded").asLong() >= 10, "the runtime's ended threads folded");
        Tool.Result go = Tool.run(Tool.jar("diff", "--assert", "diff.threads.count == 1", base.toString(), goFolded.toString()));
        assertEquals(0, go.code(), go.out() + go.err());
    }
}
