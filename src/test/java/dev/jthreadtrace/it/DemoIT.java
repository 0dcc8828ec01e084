package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled demo tells its story: what inner-2 inherited from inner-1 and sibling did not. */
@Timeout(120)
class DemoIT {
    @Test
    void demoShowsInheritanceContentionAndTheBigMapping(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("demo.jsonl");
        Tool.Result r = Tool.run(Tool.jar("demo", "--format", "jsonl", "-o", trace.toString(),
                "--assert", "inherits{name=\"inner-2\", hook=\"affinity\"} == \"0\"",
                "--assert", "inherits{name=\"sibling\", hook=\"affinity\"} == \"default\"",
                "--assert", "spawned_by{child=\"inner-2\"} == \"inner-1\""));
        assertEquals(0, r.code(), r.out() + r.err());
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> threads = new HashMap<>();
        int assertionsPassed = 0;
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.get("type").asText().equals("thread")) threads.put(n.get("name").asText(), n);
            if (n.get("type").asText().equals("assertion") && n.get("passed").asBoolean()) assertionsPassed++;
        }
        assertEquals(3, assertionsPassed);
        JsonNode inner1 = threads.get("inner-1"), inner2 = threads.get("inner-2"), sibling = threads.get("sibling");
        assertEquals(inner1.get("tid").asInt(), inner2.get("creator").asInt());
        assertEquals("0", inner1.get("final").get("affinity").asText(), "inner-1 pinned itself");
        assertEquals("0", inner2.get("inherited").get("affinity").asText());
        assertEquals("default", sibling.get("inherited").get("affinity").asText());
        assertEquals("inner-1", inner2.get("inherited").get("itl:DemoApp$Story").asText(), "the JVM view's twin");
        assertEquals("main", sibling.get("inherited").get("itl:DemoApp$Story").asText());
        assertTrue(inner1.get("futex").get("calls").asLong() > 0 && inner2.get("futex").get("calls").asLong() > 0,
                "the lock contention shows up as futex calls of both");
        assertTrue(inner2.get("mmap").get("bytes").asLong() >= 32L << 20, "inner-2's 32 MiB direct buffer");
    }
}
