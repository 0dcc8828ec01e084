package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.fixtures.QuietJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code jthreadtrace attach} makes a JVM print on its own standard error, which the README and
 * the man page quote: the JVM's four lines for any dynamically loaded agent (as {@code jcmd
 * JVMTI.agent_load} would make it print) and, when the JVM shares classes (CDS, on by default, or an
 * AOT cache), HotSpot's line for the agent's jar appended to the boot class path; nothing else.
 * The fixture writes nothing there itself, and its stderr goes to a file read after it exited.
 * Each attach still gives the Java view: the thread created while attached has the name
 * {@code jcmd Thread.print} gives its OS tid, its Java creator, creation site and inherited value.
 */
@Timeout(180)
class AttachStderrIT {
    private static final Pattern LOADED_DYNAMICALLY =
            Pattern.compile("WARNING: A Java agent has been loaded dynamically \\(/.*/jthreadtrace-attach\\.jar\\)");
    private static final List<String> DYNAMIC_AGENT_ADVICE = List.of(
            "WARNING: If a serviceability tool is in use, please run with -XX:+EnableDynamicAgentLoading to hide this warning",
            "WARNING: If a serviceability tool is not in use, please run with -Djdk.instrument.traceUsage for more information",
            "WARNING: Dynamic loading of agents will be disallowed by default in a future release");
    /** HotSpot's warning at a boot class path append while it shares classes, prefixed with the VM's name. */
    private static final String SHARING = System.getProperty("java.vm.name")
            + " warning: Sharing is only supported for boot loader classes because bootstrap classpath has been appended";

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    @Test
    void aJvmSharingClassesPrintsTheDynamicAgentWarningAndTheSharingLineOnly(@TempDir Path tmp) throws Exception {
        List<String> printed = attachAndQuit(tmp, List.of("-Xshare:on", "-cp", testClasses()));
        assertJvmWarnings(printed, true);
    }

    @Test
    void aJvmWithoutSharingPrintsTheDynamicAgentWarningOnly(@TempDir Path tmp) throws Exception {
        List<String> printed = attachAndQuit(tmp, List.of("-Xshare:off", "-cp", testClasses()));
        assertJvmWarnings(printed, false);
    }

    /** An AOT cache made by a training run of the same fixture (a cache takes classes from jars only). */
    @Test
    void aJvmWithAnAotCachePrintsTheSameLines(@TempDir Path tmp) throws Exception {
        Path jar = fixtureJar(tmp.resolve("quiet.jar"));
        Path cache = tmp.resolve("quiet.aot");
        Process training = new ProcessBuilder(java(), "-XX:AOTCacheOutput=" + cache, "-cp", jar.toString(), QuietJvm.class.getName())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("training.out").toFile()).start();
        started.add(training);
        try (OutputStream in = training.getOutputStream()) {
            in.write("spawn trained\nquit\n".getBytes());
        }
        assertEquals(0, AttachIT.exitOf(training), Files.readString(tmp.resolve("training.out")));
        assertTrue(Files.size(cache) > 0, "the AOT cache was made: " + Files.readString(tmp.resolve("training.out")));
        // AOTMode=on: a JVM that could not map the cache would not start, so the attach is to one using it.
        List<String> printed = attachAndQuit(tmp, List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache, "-cp", jar.toString()));
        assertJvmWarnings(printed, true);
    }

    private static void assertJvmWarnings(List<String> printed, boolean sharing) {
        List<String> rest = new ArrayList<>(printed);
        if (sharing) assertEquals(SHARING, rest.removeFirst(), "the sharing line first: " + printed);
        assertEquals(1 + DYNAMIC_AGENT_ADVICE.size(), rest.size(), "the JVM's own warning and nothing else: " + printed);
        assertTrue(LOADED_DYNAMICALLY.matcher(rest.getFirst()).matches(), rest.getFirst());
        assertEquals(DYNAMIC_AGENT_ADVICE, rest.subList(1, rest.size()));
    }

    /**
     * Starts the fixture with {@code jvmOptions}, attaches, has it start a thread while attached
     * (checked against jcmd), lets it exit (which ends the attach) and returns its stderr's lines.
     */
    private List<String> attachAndQuit(Path tmp, List<String> jvmOptions) throws Exception {
        Path stderr = tmp.resolve("target.err");
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.add(QuietJvm.class.getName());
        Process target = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        started.add(target);
        assertEquals("ready", AttachIT.readLine(target), Files.readString(stderr));
        Path trace = tmp.resolve("attach.jsonl");
        Process tool = AttachIT.tool(List.of("attach", "--no-live", "-e", "none", "--format", "jsonl", "-o", trace.toString(),
                Long.toString(target.pid())), tmp.resolve("err"));
        started.add(tool);
        AttachIT.awaitAttached(trace, tool);
        awaitAgent(target.pid(), tool);
        AttachIT.say(target, "spawn late-worker");
        assertEquals("spawned late-worker", AttachIT.readLine(target));
        Map<Integer, String> jcmd = AttachIT.jcmdThreads(target.pid());
        AttachIT.say(target, "quit");
        assertEquals(0, AttachIT.exitOf(target), "the program ended its own way");
        assertEquals(0, AttachIT.exitOf(tool), Files.readString(tmp.resolve("err")));

        int workerTid = tidOf(jcmd, "late-worker");
        AttachIT.Trace t = AttachIT.read(trace);
        JsonNode worker = t.threads().get(workerTid);
        assertNotNull(worker, "jcmd's OS tid of late-worker is in the trace");
        assertEquals("late-worker", worker.path("java").path("name").asText(), worker.toString());
        assertEquals(tidOf(jcmd, "main"), worker.path("java").path("started_by").asInt(), "started by main: " + worker);
        assertTrue(worker.path("java").path("created_at").toString().contains("QuietJvm"), "its creation site: " + worker);
        assertTrue(worker.path("inherited").toString().contains("\"late-worker-value\""), "the inherited value: " + worker);
        return Files.readAllLines(stderr);
    }

    private static int tidOf(Map<Integer, String> jcmd, String name) {
        return jcmd.entrySet().stream().filter(e -> e.getValue().equals(name)).mapToInt(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("jcmd lists " + name + ": " + jcmd));
    }

    /**
     * Until the JVM has the agent's thread, which it starts once its hooks are in (the tool's start
     * record comes before the agent is loaded), as jcmd lists it.
     */
    private static void awaitAgent(long pid, Process tool) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!AttachIT.jcmdThreads(pid).containsValue("jthreadtrace-agent")) {
            assertTrue(tool.isAlive() && System.nanoTime() < deadline, "the agent started its thread");
            Thread.sleep(50);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String testClasses() {
        return System.getProperty("jthreadtrace.testClasses", "target/test-classes");
    }

    /** The fixture's class files in a jar of their own. */
    private static Path fixtureJar(Path jar) throws IOException {
        Path classes = Path.of(testClasses());
        String prefix = QuietJvm.class.getName().replace('.', '/');
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.list(classes.resolve(prefix).getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(QuietJvm.class.getSimpleName())).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
