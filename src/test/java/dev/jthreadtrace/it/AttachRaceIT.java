package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread created while the tool seizes a process (its creator already inside clone when it was
 * seized, so the tool never saw the clone's entry) is a thread of that process, with its creator:
 * native/spawn_storm.c is always in the middle of a clone; attached to 50 times, no task of it may
 * come out as a process of its own.
 */
@Timeout(400)
class AttachRaceIT {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    @Test
    void everyTaskBornDuringTheSeizeIsAThreadOfItsProcess(@TempDir Path tmp) throws Exception {
        Process storm = new ProcessBuilder(Traced.fixture("spawn_storm").toString(), "300").start();
        started.add(storm);
        ObjectMapper json = new ObjectMapper();
        int spawnedDuringAttaches = 0;
        for (int round = 0; round < 50; round++) {
            Path trace = tmp.resolve("attach-" + round + ".jsonl");
            Tool.Result r = Tool.run(Tool.jar("attach", "-q", "--duration", "200ms", "--no-live", "--format", "jsonl", "-o",
                    trace.toString(), Long.toString(storm.pid())));
            assertEquals(0, r.code(), "round " + round + ": " + r.err());
            int processes = 0;
            for (String line : Files.readAllLines(trace)) {
                JsonNode n = json.readTree(line);
                switch (n.path("type").asText()) {
                    case "process" -> processes++;
                    case "thread" -> {
                        assertEquals(storm.pid(), n.path("pid").asLong(), "round " + round + ": a task of the storm is a thread of it: " + n);
                        if (!n.path("creator").isNull()) {
                            spawnedDuringAttaches++;
                            assertTrue(n.path("clone_flags").toString().contains("CLONE_THREAD"), "round " + round + ": " + n);
                        }
                    }
                    default -> { }
                }
            }
            assertEquals(1, processes, "round " + round + ": the storm is the only process");
            assertTrue(storm.isAlive(), "the storm runs on after round " + round);
        }
        assertTrue(spawnedDuringAttaches > 50, "threads were born while attached: " + spawnedDuringAttaches);
    }
}
