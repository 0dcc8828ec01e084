package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.AgentCapabilityProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent gives a traced program no power it would not have untraced: {@link AgentCapabilityProbe}
 * goes through every agent class, field and Lookup-taking method by reflection (as an integration
 * tester did, who took the Lookup of {@code java.lang.Thread} the agent kept in a static field) and
 * finds no Lookup beyond public access, no MethodHandle, no Instrumentation and no way into
 * {@code java.base}'s internals; the only handles it finds are VarHandles that read final fields, or
 * that reach a {@code ThreadLocalMap} or its entries, which only java.lang's private fields hold.
 * Once as a plain program, once with {@code java.lang} and {@code jdk.internal.misc} opened to it
 * (what the tester's program had): the probe's findings equal the untraced run's, but for the
 * agent's classes being there.
 */
@Timeout(240)
class AgentCapabilityIT {
    /** VarHandles the agent may keep: they reach only objects java.lang keeps private. */
    private static final Set<String> PRIVATE_TO_JAVA_LANG = Set.of("[class java.lang.ThreadLocal$ThreadLocalMap]",
            "[class java.lang.ThreadLocal$ThreadLocalMap$Entry]");

    @Test
    void aPlainProgramFindsNothing(@TempDir Path tmp) throws IOException {
        probe(tmp, List.of());
    }

    @Test
    void aProgramWithJavaLangOpenedFindsNothingMore(@TempDir Path tmp) throws IOException {
        probe(tmp, List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"));
    }

    private static void probe(Path tmp, List<String> options) throws IOException {
        Path names = tmp.resolve("agent-classes.txt");
        Files.write(names, agentClassNames());
        List<String> java = new ArrayList<>(JvmIT.java(AgentCapabilityProbe.class.getName(), names.toString()));
        java.addAll(1, options);

        Tool.Result untraced = Tool.run(java);
        assertEquals(0, untraced.code(), untraced.err());
        assertEquals(List.of("agent classes found: 0"), untraced.out().lines().toList(), "untraced, there is nothing to find");

        Path trace = tmp.resolve("trace.jsonl");
        List<String> run = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--"));
        run.addAll(java);
        Tool.Result traced = Tool.run(Tool.jar(run.toArray(String[]::new)));
        assertEquals(0, traced.code(), traced.err());
        assertTrue(Files.readString(trace).contains("\"type\":\"java\""), "the agent was in: " + traced.err());
        List<String> lines = traced.out().lines().toList();
        assertTrue(!lines.isEmpty() && lines.get(0).startsWith("agent classes found: ") && !lines.get(0).endsWith(": 0"),
                "the probe found the agent's classes: " + lines);
        for (String found : lines.subList(1, lines.size())) {
            boolean harmless = found.startsWith("VARHANDLE ")
                    && (found.endsWith(" ro") || PRIVATE_TO_JAVA_LANG.stream().anyMatch(c -> found.startsWith("VARHANDLE " + c + " ")));
            assertTrue(harmless, "the traced program took a power it has not untraced: " + found + "\nall: " + lines);
        }
    }

    /** Every class of the agent's package, as compiled: what a program can ask the boot loader for. */
    private static List<String> agentClassNames() throws IOException {
        Path agent = Tool.basedir().resolve("target/classes/dev/jthreadtrace/agent");
        try (Stream<Path> files = Files.list(agent)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> "dev.jthreadtrace.agent." + n.substring(0, n.length() - ".class".length())).sorted().toList();
            assertTrue(names.size() > 10, "the agent's classes: " + names);
            return names;
        }
    }
}
