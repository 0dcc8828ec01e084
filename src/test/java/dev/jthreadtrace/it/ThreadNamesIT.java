package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names a thread gets from another thread: glibc's pthread_setname_np(other, ...) writes
 * /proc/self/task/TID/comm, no prctl happens (native/setname_other.c names 284 workers from main).
 * Traced with run and with attach, every worker has its name, and the change is timed.
 */
@Timeout(180)
class ThreadNamesIT {
    private static final int WORKERS = 284;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    private static List<JsonNode> threads(Path trace) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("thread")) out.add(n);
        }
        return out;
    }

    private static void assertWorkersNamed(List<JsonNode> threads, int workers) {
        Set<String> names = new TreeSet<>();
        for (JsonNode t : threads) if (t.path("name").asText().startsWith("worker-")) names.add(t.path("name").asText());
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < workers; i++) expected.add("worker-" + i);
        assertEquals(expected, names);
    }

    @Test
    void namesSetFromAnotherThreadAreEveryThreadsNameInRun(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("setname_other").toString(), Integer.toString(WORKERS)));
        assertEquals(0, r.code(), "every worker saw its name: " + r.err());
        List<JsonNode> threads = threads(trace);
        assertWorkersNamed(threads, WORKERS);
        JsonNode worker = threads.stream().filter(t -> t.path("name").asText().equals("worker-7")).findFirst().orElseThrow();
        assertEquals("[\"setname_other\",\"worker-7\"]", worker.path("names").toString(), "the name it had, then the one it was given");

        // The text report and the live lines use the names too.
        Tool.Result text = Tool.run(Tool.jar("run", "-e", "exit", "--report", "tree", "--", Traced.fixture("setname_other").toString(), "3"));
        assertEquals(0, text.code(), text.err());
        for (int i = 0; i < 3; i++) {
            String name = "worker-" + i;
            assertTrue(text.out().lines().anyMatch(l -> l.contains(" " + name + "] exit(0)")), "live line of " + name + ": " + text.out());
        }
        assertTrue(text.out().contains("worker-0..worker-2 ×3"), "the tree: " + text.out());
    }

    @Test
    void namesSetFromAnotherThreadAfterAnAttach(@TempDir Path tmp) throws Exception {
        Process target = new ProcessBuilder(Traced.fixture("setname_other").toString(), "50", "wait").start();
        started.add(target);
        BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        Path trace = tmp.resolve("attach.jsonl");
        Process tool = new ProcessBuilder(Tool.jar("attach", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                Long.toString(target.pid()))).redirectError(tmp.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        started.add(tool);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(trace) && Files.readString(trace).contains("\"existing_at_attach\""))) {
            assertTrue(tool.isAlive() && System.nanoTime() < deadline, "attached: " + Files.readString(tmp.resolve("err")));
            Thread.sleep(20);
        }
        target.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        target.getOutputStream().flush();
        assertTrue(target.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, target.exitValue());
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ends with its target");
        assertWorkersNamed(threads(trace), 50);
    }
}
