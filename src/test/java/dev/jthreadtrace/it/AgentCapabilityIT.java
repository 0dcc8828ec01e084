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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent gives a traced program no power it would not have untraced: {@link AgentCapabilityProbe}
 * goes through every agent class, field and Lookup-taking method by reflection (as an integration
 * tester did, who took the Lookup of {@code java.lang.Thread} the agent kept in a static field), and
 * does what a program with full private access to the agent's classes can (as the lead did, whose
 * class of its own in the agent's package, a subclass of the hand-over's callback, was handed
 * Thread's Lookup): its own subclass of every agent type whose methods take a Lookup, set in the
 * agent's fields and passed to every agent method that takes one. It finds no Lookup beyond public
 * access, no MethodHandle, no VarHandle, no Instrumentation, no agent type a program's class can
 * extend that is handed a Lookup, and no way into {@code java.base}'s internals. Once as a plain
 * program, once with {@code java.lang} and {@code jdk.internal.misc} opened to it (what the tester's
 * program had): the probe's findings equal the untraced run's, but for the agent's classes being there.
 */
@Timeout(240)
class AgentCapabilityIT {
    /** The probe's own check that an impostor keeps what it is handed: it would find the agent's. */
    private static final String CONTROL = "control: an impostor keeps its Lookup";

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
        assertEquals(List.of("agent classes found: 0", CONTROL), untraced.out().lines().toList(), "untraced, there is nothing to find");

        Path trace = tmp.resolve("trace.jsonl");
        List<String> run = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--"));
        run.addAll(java);
        Tool.Result traced = Tool.run(Tool.jar(run.toArray(String[]::new)));
        assertEquals(0, traced.code(), traced.err());
        assertTrue(Files.readString(trace).contains("\"type\":\"java\""), "the agent was in: " + traced.err());
        List<String> findings = new ArrayList<>(traced.out().lines().toList());
        String count = findings.stream().filter(l -> l.startsWith("agent classes found: ")).findFirst().orElse("none");
        assertTrue(findings.remove(count) && !count.endsWith(": 0"), "the probe found the agent's classes: " + findings);
        assertTrue(findings.remove(CONTROL), "the probe's impostors work: " + findings);
        assertEquals(List.of(), findings, "the traced program took powers it has not untraced");
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
