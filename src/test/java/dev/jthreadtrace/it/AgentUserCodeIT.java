package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.fixtures.HostileThreadLocals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's hooks run none of the program's code: {@link HostileThreadLocals} hands them an
 * InheritableThreadLocal subclass and a Thread subclass whose hashCode(), equals() and toString()
 * print and throw, or block on a lock the program holds while main constructs a thread (the agent
 * once keyed thread-locals in a WeakHashMap: the context's hashCode() ran inside {@code new Thread},
 * printed twice per thread, and the locked one deadlocked traced only). Output and exit status are
 * the untraced run's (the oracle), and the Java view still has the inherited values.
 */
@Timeout(180)
class AgentUserCodeIT {
    private static final String CONTEXT = "itl:HostileThreadLocals$Context";

    @Test
    void identityMethodsThatPrintAndThrowNeverRunInsideAHook(@TempDir Path tmp) throws Exception {
        JvmLayerIT.Run run = tracedAsUntraced(tmp, "loud");
        for (String thread : List.of("plain-child", "hostile-worker")) {
            JsonNode t = run.threads().get(thread);
            assertTrue(t != null, "traced: " + run.threads().keySet());
            assertEquals("request-7", t.get("inherited").path(CONTEXT).asText(), thread + " inherited the context: " + t);
        }
        assertTrue(run.java().stream().anyMatch(j -> j.path("virtual").asBoolean() && j.path("name").asText().equals("virtual-child")
                && j.path("itl").path("HostileThreadLocals$Context").asText().equals("request-7")),
                "the virtual thread's record has its inherited context: " + run.java());
    }

    @Test
    void aHashCodeThatTakesTheProgramsLockNeverBlocksAThreadConstructor(@TempDir Path tmp) throws Exception {
        JvmLayerIT.Run run = tracedAsUntraced(tmp, "locked");
        assertEquals("request-42", run.threads().get("locked-worker").get("inherited").path(CONTEXT).asText(),
                run.threads().get("locked-worker").toString());
    }

    /** Runs the fixture untraced and traced: the same stdout, stderr and exit status. */
    private static JvmLayerIT.Run tracedAsUntraced(Path tmp, String mode) throws Exception {
        Tool.Result untraced = Tool.run(JvmIT.java(HostileThreadLocals.class.getName(), mode));
        assertEquals(0, untraced.code(), untraced.err());
        assertTrue(untraced.out().endsWith("done\n") && !untraced.out().contains("called") && !untraced.out().contains("gave up"),
                "untraced, nothing calls the program's identity methods: " + untraced.out());
        JvmLayerIT.Run traced = JvmLayerIT.trace(tmp, HostileThreadLocals.class, List.of(mode), "--no-live");
        assertEquals(untraced.out(), traced.result().out(), "the program's output is its own");
        assertEquals(untraced.err(), traced.result().err(), "no line of the program's, nor a note of the agent's errors");
        assertEquals(untraced.code(), traced.result().code());
        return traced;
    }
}
