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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Joins are waits on a thread's clear-tid word that its exit ended: main blocked in pthread_join on
 * a deadlocked thread and ended by Ctrl-C joined nothing (its wait returned ERESTARTSYS, the thread
 * never exited), while the same program without the deadlock joins both threads.
 */
@Timeout(120)
class JoinIT {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    private Process tool(Path trace, String mode) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("deadlock_join").toString()));
        if (mode != null) args.add(mode);
        Process p = new ProcessBuilder(Tool.jar(args.toArray(String[]::new))).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        started.add(p);
        return p;
    }

    /** Thread records by name, and the summary. */
    private static Map<String, JsonNode> records(Path trace) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> out = new HashMap<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode r = json.readTree(line);
            if (r.path("type").asText().equals("thread")) out.put(r.path("name").asText(), r);
            if (r.path("type").asText().equals("summary")) out.put("(summary)", r);
        }
        return out;
    }

    @Test
    void aPthreadJoinOnADeadlockedThreadEndedByCtrlCIsNoJoin(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("deadlock.jsonl");
        Process p = tool(trace, null);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(line != null && line.startsWith("deadlocked "), String.valueOf(line));
        // main (its comm the program's) sleeps in pthread_join's futex: past its entry stop, so the tracer has seen the wait begin.
        Hangs.awaitAsleepInFutex(Integer.parseInt(line.substring("deadlocked ".length()).strip()), "deadlock_join", 1);
        Tool.signal(p.pid(), "INT");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the tool ended");
        assertEquals(130, p.exitValue(), "the command died of SIGINT");

        Map<String, JsonNode> t = records(trace);
        JsonNode lockerA = t.get("locker-a");
        assertTrue(lockerA != null && t.get("locker-b") != null, t.keySet().toString());
        assertEquals("[]", lockerA.path("joined_by").toString(), "nobody joined locker-a: " + lockerA);
        assertEquals(0, t.get("(summary)").path("metrics").path("futex.joins").asInt(-1), t.get("(summary)").toString());
    }

    @Test
    void withoutTheDeadlockMainJoinsBoth(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("ordered.jsonl");
        Process p = tool(trace, "ordered");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the tool ended");
        assertEquals(0, p.exitValue());
        Map<String, JsonNode> t = records(trace);
        int main = t.get("deadlock_join").path("tid").asInt();
        assertEquals("[" + main + "]", t.get("locker-a").path("joined_by").toString(), t.get("locker-a").toString());
        assertEquals("[" + main + "]", t.get("locker-b").path("joined_by").toString(), t.get("locker-b").toString());
        assertEquals(2, t.get("(summary)").path("metrics").path("futex.joins").asInt(-1), t.get("(summary)").toString());
    }
}
