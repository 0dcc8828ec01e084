package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.ExitWithHook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under {@code run}, the agent takes the JVM's own thread dump at its exit, after the shutdown
 * hooks, to name the threads no Java API shows (the VM's, and the Java threads HotSpot hides). The
 * exit stays the program's: the same status, stdout and stderr as untraced, the hook run once;
 * and no dump when the heap could not hold it (then a note says how many threads keep their
 * kernel names), so the exit never runs out of memory.
 */
@Timeout(180)
class VmThreadsIT {
    private static List<String> java(String heap) {
        String classes = System.getProperty("jthreadtrace.testClasses", "target/test-classes");
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap, "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError", "-cp", classes, ExitWithHook.class.getName(), "7");
    }

    private static Tool.Result traced(Path trace, List<String> command) {
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--report", "none", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(command);
        return Tool.run(Tool.jar(args.toArray(String[]::new)));
    }

    /** The trace's threads by name. */
    private static Map<String, JsonNode> threads(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> threads = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("thread")) threads.put(n.path("name").asText(), n);
        }
        return threads;
    }

    /** The program's stderr and the tool's (its notes) share the descriptor: the program's lines, and the tool's notes. */
    private static String programs(String err) {
        return err.lines().filter(l -> !l.startsWith("jthreadtrace: ")).map(l -> l + "\n").collect(Collectors.joining());
    }

    private static List<String> notes(String err) {
        return err.lines().filter(l -> l.startsWith("jthreadtrace: note: ")).toList();
    }

    @Test
    void theExitIsTheProgramsAndTheThreadsNoJavaApiShowsHaveTheirFullNames(@TempDir Path tmp) throws Exception {
        List<String> command = java("-Xmx256m");
        Tool.Result alone = Tool.run(command);
        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result traced = traced(trace, command);
        assertEquals(7, alone.code());
        assertEquals("main done\nhook ran\n", alone.out());
        assertEquals(alone.code(), traced.code(), traced.err());
        assertEquals(alone.out(), traced.out(), "stdout: the hook ran once, as untraced");
        assertEquals(alone.err(), programs(traced.err()), "stderr: nothing of the agent's");

        Map<String, JsonNode> threads = threads(trace);
        // A thread of the VM: its 23-byte name is 15 bytes in the kernel.
        assertTrue(threads.containsKey("VM Periodic Task Thread"), threads.keySet().toString());
        // A Java thread HotSpot hides from every Java API: its Java view from the dump.
        JsonNode hidden = threads.get("Monitor Deflation Thread");
        assertNotNull(hidden, threads.keySet().toString());
        assertTrue(hidden.path("java").path("id").asLong() > 0, hidden.toString());
        assertEquals("true", hidden.path("inherited").path("daemon").asText(), hidden.toString());
        assertTrue(notes(traced.err()).stream().noneMatch(n -> n.contains("kernel names")), traced.err());
    }

    @Test
    void noDumpWhenTheHeapCouldNotHoldItAndTheExitIsStillTheProgramsOwn(@TempDir Path tmp) throws Exception {
        // Each of the JVM's ~20 threads could print 1024 frames: far more than a 4 MiB heap has room for.
        List<String> command = java("-Xmx4m");
        Tool.Result alone = Tool.run(command);
        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result traced = traced(trace, command);
        assertEquals(7, alone.code(), alone.err());
        assertEquals(alone.code(), traced.code(), "no OutOfMemoryError at exit (ExitOnOutOfMemoryError would make it 3): " + traced.err());
        assertEquals(alone.out(), traced.out());
        assertEquals(alone.err(), programs(traced.err()));

        Map<String, JsonNode> threads = threads(trace);
        assertFalse(threads.containsKey("VM Periodic Task Thread"), "no dump, no full name");
        assertTrue(threads.containsKey("VM Periodic Tas"), threads.keySet().toString());
        assertTrue(notes(traced.err()).stream().anyMatch(n -> n.matches("jthreadtrace: note: JVM \\d+: \\d+ thread\\(s\\) keep their kernel"
                + " names: no thread dump of it within the agent's bounds")), traced.err());
    }

    /**
     * A jlinked runtime of java.base and java.instrument: the agent runs (the Java view is there),
     * but jdk.management, whose diagnostic command gives the dump, is not in it (its {@code java
     * --list-modules} says so). The note names that module, not the agent's bounds, which a tiny
     * program never reaches.
     */
    @Test
    void aRuntimeWithoutJdkManagementIsNamedAsTheCause(@TempDir Path tmp) throws Exception {
        Path runtime = tmp.resolve("rt");
        Path jdk = Path.of(System.getProperty("java.home"));
        Tool.Result linked = Tool.run(List.of(jdk.resolve("bin/jlink").toString(), "--add-modules", "java.base,java.instrument",
                "--output", runtime.toString()));
        assertEquals(0, linked.code(), linked.err());
        Tool.Result modules = Tool.run(List.of(runtime.resolve("bin/java").toString(), "--list-modules"));
        assertFalse(modules.out().contains("jdk.management"), modules.out());
        List<String> command = new ArrayList<>(java("-Xmx256m"));
        command.set(0, runtime.resolve("bin/java").toString());
        Tool.Result alone = Tool.run(command);
        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result traced = traced(trace, command);
        assertEquals(7, alone.code(), alone.err());
        assertEquals(alone.code(), traced.code(), traced.err());
        assertEquals(alone.out(), traced.out());
        assertTrue(threads(trace).containsKey("VM Periodic Tas"), "no dump: the kernel's name");
        assertTrue(notes(traced.err()).stream().anyMatch(n -> n.matches("jthreadtrace: note: JVM \\d+: \\d+ thread\\(s\\) keep their"
                + " kernel names: its runtime lacks the module jdk.management \\(a jlink image, or --limit-modules\\), whose"
                + " Thread.print would name them")), traced.err());
    }
}
