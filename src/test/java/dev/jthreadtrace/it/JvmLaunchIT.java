package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the agent gets into a traced JVM: on the JDK launcher's command line, added by the tracer at
 * execve, so the environment and the program's output stay its own (#13, point 11).
 */
@Timeout(120)
class JvmLaunchIT {
    private static final Path JDK_BIN = Path.of(System.getProperty("java.home"), "bin");

    /** The pids of processes whose agent reported, from a JSONL trace. */
    static Set<Integer> jvmsWithRecords(Path trace) throws Exception {
        Set<Integer> pids = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.get("type").asText().equals("java")) pids.add(n.get("pid").asInt());
        }
        return pids;
    }

    @Test
    void aTracedJvmPrintsWhatItPrintsUntracedAndStillHasItsJavaView(@TempDir Path tmp) throws Exception {
        String script = JDK_BIN.resolve("java") + " -version 2>&1 | head -1";
        Tool.Result untraced = Tool.run(List.of("/bin/sh", "-c", script));
        Path trace = tmp.resolve("t.jsonl");
        Tool.Result traced = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/sh", "-c", script));
        assertEquals(0, traced.code(), traced.err());
        assertTrue(untraced.out().startsWith("openjdk version") || untraced.out().startsWith("java version"), untraced.out());
        assertEquals(untraced.out(), traced.out(), "strace never changes a target's output; neither may we");
        assertFalse(traced.err().contains("Picked up"), traced.err());
        assertEquals(1, jvmsWithRecords(trace).size(), "the JVM had the agent: " + traced.err());
    }

    @Test
    void aJdkToolGetsTheAgentThroughMinusJ(@TempDir Path tmp) throws Exception {
        Path source = Files.writeString(tmp.resolve("Hello.java"), "class Hello {}\n");
        Path trace = tmp.resolve("t.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--",
                JDK_BIN.resolve("javac").toString(), "-d", tmp.toString(), source.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(tmp.resolve("Hello.class")), "javac ran as asked");
        assertEquals(1, jvmsWithRecords(trace).size(), "javac's JVM had the agent: " + r.err());
    }

    @Test
    void aFailedExecOfALauncherLeavesTheProgramAsItWas(@TempDir Path tmp) throws Exception {
        // A JDK layout whose java cannot be run: the tracer rewrites the exec, the kernel refuses it.
        Path fake = tmp.resolve("fakejdk");
        Files.createDirectories(fake.resolve("bin"));
        Files.createDirectories(fake.resolve("lib"));
        Files.writeString(fake.resolve("lib/modules"), "");
        Files.writeString(fake.resolve("bin/java"), "#!/bin/sh\necho fake\n"); // mode 644: EACCES
        Path trace = tmp.resolve("t.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("exec_fails").toString(), fake.resolve("bin/java").toString(), JDK_BIN.resolve("java").toString(), "-version"));
        assertEquals(0, r.code(), r.err());
        assertEquals("execve " + fake.resolve("bin/java") + ": -13, argv register kept, argv[1] kept\n", r.out());
        assertTrue(r.err().contains("version \"" + Runtime.version().feature()), "then the real java ran: " + r.err());
        assertEquals(1, jvmsWithRecords(trace).size(), "and had the agent: " + r.err());
    }

    @Test
    void theEnvironmentRouteRemainsForOtherLaunchers(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--jvm", "env", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(List.of(JDK_BIN.resolve("java").toString(), "-version"));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("Picked up JAVA_TOOL_OPTIONS: "), r.err());
        assertEquals(1, jvmsWithRecords(trace).size(), r.err());
    }
}
