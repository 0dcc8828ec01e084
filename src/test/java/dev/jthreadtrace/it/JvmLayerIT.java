package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.CarrierContext;
import dev.jthreadtrace.fixtures.Hello;
import dev.jthreadtrace.fixtures.JavaHooks;
import dev.jthreadtrace.fixtures.LateNames;
import dev.jthreadtrace.fixtures.Renamer;
import dev.jthreadtrace.fixtures.ThreadChurn;
import dev.jthreadtrace.fixtures.TwoThreadLocals;
import dev.jthreadtrace.fixtures.VirtualChurn;
import dev.jthreadtrace.fixtures.VirtualContextLoader;
import dev.jthreadtrace.fixtures.VirtualStarts;
import dev.jthreadtrace.fixtures.WebApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The JVM agent's view joined to the kernel's, on a real JVM. */
@Timeout(120)
class JvmLayerIT {
    /** A traced JVM fixture: the tool's result, its thread records by final name, its java records, the trace file. */
    record Run(Tool.Result result, Map<String, JsonNode> threads, List<JsonNode> java, Path file) {}

    static Run trace(Path tmp, String... extra) throws Exception {
        return trace(tmp, JavaHooks.class, extra);
    }

    /** Traces {@code fixture} with {@code --format jsonl} and the extra options (e.g. assertions), and reads the trace. */
    static Run trace(Path tmp, Class<?> fixture, String... extra) throws Exception {
        return trace(tmp, fixture, List.of(), extra);
    }

    /** The same, with arguments for the fixture's main. */
    static Run trace(Path tmp, Class<?> fixture, List<String> fixtureArgs, String... extra) throws Exception {
        Path trace = tmp.resolve(fixture.getSimpleName() + ".jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString()));
        args.addAll(List.of(extra));
        args.add("--");
        args.addAll(JvmIT.java(fixture.getName(), fixtureArgs.toArray(String[]::new)));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        Map<String, JsonNode> threads = new HashMap<>();
        List<JsonNode> java = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.get("type").asText().equals("thread")) threads.put(n.get("name").asText(), n);
            if (n.get("type").asText().equals("java")) java.add(n);
        }
        return new Run(r, threads, java, trace);
    }

    @Test
    void javaNamesCreatorsStartersThreadLocalsAndVirtualThreads(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, "--assert", "inherits{name=\"pool-worker-2\", hook=\"itl:JavaHooks$RequestContext\"} == \"request-42\"",
                "--assert", "inherits{name=\"pool-worker-1\", hook=\"itl:JavaHooks$RequestContext\"} == \"main-request\"");
        assertEquals(0, run.result().code(), run.result().err());
        assertFalse(run.result().err().contains("Picked up JAVA_TOOL_OPTIONS"), "the agent came on the command line");
        Map<String, JsonNode> t = run.threads();

        // A name longer than the kernel's 15 bytes is shown in full.
        assertTrue(t.containsKey("a-thread-with-a-very-long-name"), t.keySet().toString());
        assertEquals("a-thread-with-a", t.get("a-thread-with-a-very-long-name").get("final").get("name").asText(),
                "the kernel's comm is cut at 15 bytes");

        int main = t.get("main").get("tid").asInt();
        int handler = t.get("request-handler").get("tid").asInt();
        JsonNode worker1 = t.get("pool-worker-1"), worker2 = t.get("pool-worker-2");
        assertEquals(main, worker1.get("creator").asInt());
        assertEquals(main, worker1.get("java").get("constructed_by").asInt());
        assertEquals("main-request", worker1.get("inherited").get("itl:JavaHooks$RequestContext").asText());
        // The lazily created worker inherits the context of whichever thread triggered its creation.
        assertEquals(handler, worker2.get("creator").asInt());
        assertEquals(handler, worker2.get("java").get("constructed_by").asInt());
        assertEquals("request-42", worker2.get("inherited").get("itl:JavaHooks$RequestContext").asText());

        // Constructed by main, started by starter: the kernel creator is the starter.
        JsonNode handoff = t.get("handoff");
        int starter = t.get("starter").get("tid").asInt();
        assertEquals(starter, handoff.get("creator").asInt());
        assertEquals(main, handoff.get("java").get("constructed_by").asInt());
        assertEquals(starter, handoff.get("java").get("started_by").asInt());

        // 1000 virtual threads: Java records, not 1000 OS threads.
        long virtual = run.java().stream().filter(j -> j.path("virtual").asBoolean()).count();
        assertEquals(1000, virtual);
        assertTrue(t.size() < 100, "virtual threads have no task of their own: " + t.size() + " tasks");
        assertEquals(1000, t.get("main").get("virtual_threads_constructed").asInt());
        long mounts = t.values().stream().mapToLong(n -> n.get("virtual_thread_mounts").asLong()).sum();
        assertTrue(mounts >= 1000, "every virtual thread mounted at least once, counted under its carrier: " + mounts);
        assertTrue(t.values().stream().filter(n -> n.get("virtual_thread_mounts").asLong() > 0)
                .allMatch(n -> n.get("name").asText().startsWith("ForkJoinPool-")), "carriers are the scheduler's workers");
        assertFalse(t.keySet().stream().anyMatch(n -> n.startsWith("virtual-")));
    }

    @Test
    void bufferedVirtualThreadRecordsReachTheToolWhenTheJvmExitsAndItsStatusIsItsOwn(@TempDir Path tmp) throws Exception {
        // The agent buffers virtual threads' records and writes them at the end of the JVM's shutdown
        // sequence; System.exit takes that path, and the exit status must still be the program's.
        Run run = trace(tmp, VirtualChurn.class, List.of("300", "7"));
        assertEquals(7, run.result().code(), run.result().err());
        assertEquals(300, run.java().stream().filter(j -> j.path("virtual").asBoolean()).count(), run.result().err());
        long mounts = run.threads().values().stream().mapToLong(n -> n.get("virtual_thread_mounts").asLong()).sum();
        assertTrue(mounts >= 600, "each virtual thread yields once, so it is mounted at least twice: " + mounts);
    }

    @Test
    void threadsTheJvmStartsItselfGetTheirFullJavaNames(@TempDir Path tmp) throws Exception {
        // Alive before the agent loaded (Reference Handler, Signal Dispatcher), or constructed in Java and
        // started natively (Notification Thread): no start() record, joined by the kernel's 15 bytes.
        Run run = trace(tmp, Hello.class);
        assertEquals(0, run.result().code(), run.result().err());
        int main = run.threads().get("main").get("tid").asInt();
        for (String name : List.of("Reference Handler", "Signal Dispatcher", "Notification Thread")) {
            JsonNode t = run.threads().get(name);
            assertTrue(t != null, name + " among " + run.threads().keySet());
            assertEquals(name.substring(0, 15), t.get("final").get("name").asText(), "the kernel keeps 15 bytes");
            assertFalse(t.get("java").isNull(), name);
            assertEquals(main, t.get("java").get("started_by").asInt(), name + ": the JVM started it on main");
        }
    }

    @Test
    void aLazilyCreatedAppPoolThreadShowsWhereItWasCreatedAndHoldsTheAppsClassLoader(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, WebApp.class,
                "--assert", "inherits{name=\"app-pool-*\", hook=\"ccl\"} == \"*@app1\"",
                "--assert", "threads{created_at=\"dev.jthreadtrace.fixtures.WebAppLazyPool.*\"}.count == 1",
                "--assert", "inherits{name=\"worker-factory\", hook=\"daemon\"} == \"true\"",
                "--assert", "inherits{name=\"worker-main\", hook=\"daemon\"} == \"false\"",
                "--assert", "inherits{name=\"worker-factory\", hook=\"priority\"} == \"8\"",
                "--assert", "inherits{name=\"worker-factory\", hook=\"group\"} == \"factory-group\"",
                "--assert", "inherits{name=\"worker-main\", hook=\"group\"} == \"main\"");
        assertEquals(0, run.result().code(), run.result().out() + run.result().err());
        JsonNode pool = run.threads().get("app-pool-1");
        // Created by the request thread, in the app's code, holding the app's loader after the undeploy.
        assertEquals(run.threads().get("request-handler").get("tid").asInt(), pool.get("creator").asInt());
        assertTrue(pool.get("java").get("created_at").asText().startsWith("dev.jthreadtrace.fixtures.WebAppLazyPool.handle(WebAppLazyPool.java:"),
                pool.toString());
        assertEquals("java.net.URLClassLoader@app1", pool.get("inherited").get("ccl").asText());
        assertEquals("jdk.internal.loader.ClassLoaders$AppClassLoader@app", run.threads().get("worker-main").get("inherited").get("ccl").asText());
        JsonNode frame = pool.get("java").get("stack").get(0);
        assertEquals("dev.jthreadtrace.fixtures.WebAppLazyPool", frame.get("class").asText());
        assertEquals("handle", frame.get("method").asText());
        // Siblings created by different threads: each inherited its creator's daemon, priority and group.
        assertEquals("5", run.threads().get("worker-main").get("inherited").get("priority").asText());

        Tool.Result report = Tool.run(Tool.jar("report", "--report", "tree,sites,timeline", "--width", "200", run.file().toString()));
        assertTrue(report.out().contains("ccl=java.net.URLClassLoader@app1 (its creator started with "
                + "jdk.internal.loader.ClassLoaders$AppClassLoader@app)"), "the request thread changed its loader: " + report.out());
        assertTrue(report.out().contains("app-pool-1 created at dev.jthreadtrace.fixtures.WebAppLazyPool.handle(WebAppLazyPool.java:"), report.out());
        assertTrue(report.out().contains("CREATION SITES") && report.out().contains("WebAppLazyPool.handle(WebAppLazyPool.java:"), report.out());
        List<String> noStacks = new ArrayList<>(List.of("run", "--java-stack", "0", "--no-live", "--report", "sites", "--"));
        noStacks.addAll(JvmIT.java(WebApp.class.getName()));
        Tool.Result none = Tool.run(Tool.jar(noStacks.toArray(String[]::new)));
        assertEquals(0, none.code(), none.err());
        assertFalse(none.out().contains("CREATION SITES"), "--java-stack 0: no stacks");
    }

    @Test
    void aFoldedGroupOfThreadsShowsTheSiteThatMadeThem(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, ThreadChurn.class, List.of("30"));
        assertEquals(0, run.result().code(), run.result().err());
        Tool.Result report = Tool.run(Tool.jar("report", "--report", "tree,sites", "--width", "200", run.file().toString()));
        assertTrue(report.out().lines().anyMatch(l -> l.contains("churn-0..churn-29 ×30 created at dev.jthreadtrace.fixtures.ThreadChurn.main(ThreadChurn.java:")),
                report.out());
        assertTrue(report.out().lines().anyMatch(l -> l.strip().startsWith("30 threads  dev.jthreadtrace.fixtures.ThreadChurn.main(")),
                "one site made all 30: " + report.out());
    }

    /** StructuredTaskScope is a preview API in JDK 25: this fixture runs from source with --enable-preview. */
    private static final String FORKS = """
            import java.util.concurrent.StructuredTaskScope;

            public class Forks {
                static final ScopedValue<String> USER = ScopedValue.newInstance();

                static void forks(String prefix) throws Exception {
                    try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.awaitAll(),
                            cf -> cf.withThreadFactory(Thread.ofPlatform().name(prefix, 1).factory()))) {
                        scope.fork(() -> USER.get());
                        scope.fork(() -> USER.get());
                        scope.join();
                    }
                }

                public static void main(String[] args) throws Exception {
                    ScopedValue.where(USER, "alice").call(() -> { forks("fork-main-"); return null; });
                    Thread owner = new Thread(() -> {
                        try {
                            ScopedValue.where(USER, "carol").call(() -> { forks("fork-owner-"); return null; });
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, "other-owner");
                    owner.start();
                    owner.join();
                    Thread plain = new Thread(() -> { }, "plain-thread");
                    plain.start();
                    plain.join();
                }
            }
            """;

    @Test
    void structuredTaskScopeForksInheritTheirOwnersScopedValueBindings(@TempDir Path tmp) throws Exception {
        Path source = Files.writeString(tmp.resolve("Forks.java"), FORKS);
        Path trace = tmp.resolve("forks.jsonl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(),
                "--assert", "inherits{name=\"fork-main-*\", hook=\"sv:ScopedValue#1\"} == \"alice\"",
                "--assert", "inherits{name=\"fork-owner-*\", hook=\"sv:ScopedValue#1\"} == \"carol\"",
                "--assert", "inherits{name=\"plain-thread\", hook=\"sv:ScopedValue#1\"} == \"none\"",
                "--", java, "--enable-preview", "--source", "25", source.toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        long records = Files.readAllLines(trace).stream().filter(l -> l.contains("\"kind\":\"scoped_values\"")).count();
        assertEquals(4, records, "one bindings record per fork");
    }

    @Test
    void liveLinesCarryTheJavaNameFromTheThreadsFirstLine() {
        List<String> args = new ArrayList<>(List.of("run", "--report", "none", "-e", "exit,prctl", "--"));
        args.addAll(JvmIT.java(JavaHooks.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        // The kernel calls it "a-thread-with-a"; its start record is read when its clone is seen.
        List<String> lines = r.out().lines().filter(l -> l.contains("a-thread-with-a")).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("+++ thread started")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("prctl(PR_SET_NAME, \"a-thread-with-a\"")), r.out());
        for (String line : lines) {
            assertTrue(line.matches("\\s*[0-9.]+ \\[\\d+ a-thread-with-a-very-long-name\\] .*"), "every line of it, from the first: " + line);
        }
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*[0-9.]+ \\[\\d+ pool-worker-1\\] .*")), r.out());
    }

    @Test
    void reportShowsTheJavaViewAndJvmOffLeavesTheEnvironmentAlone(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(JvmIT.java(JavaHooks.class.getName()));
        assertEquals(0, Tool.run(Tool.jar(args.toArray(String[]::new))).code());
        Tool.Result report = Tool.run(Tool.jar("report", "--width", "120", trace.toString()));
        assertTrue(report.out().contains("⋯ 1000 virtual threads constructed here"), report.out());
        assertTrue(report.out().contains("⋯ mounted virtual threads "), report.out());
        assertTrue(report.out().contains("[constructed by "), report.out());
        assertTrue(report.out().contains("itl:JavaHooks$RequestContext=request-42"), report.out());

        Run off = trace(tmp.resolve("off").toFile().mkdirs() ? tmp.resolve("off") : tmp, "--jvm", "off");
        assertEquals(0, off.result().code());
        assertFalse(off.result().err().contains("Picked up JAVA_TOOL_OPTIONS"));
        assertTrue(off.java().isEmpty());
        assertTrue(off.threads().get("pool-worker-1").get("java").isNull(), "no Java view without the agent");
        assertTrue(off.threads().containsKey("a-thread-with-a"), "only the kernel's 15-byte name");
        assertNull(off.threads().get("a-thread-with-a-very-long-name"));
    }

    @Test
    void anOlderJvmRunsUnchangedWithAOneLineNote() throws IOException {
        // An older JVM is left alone: the agent is not put on its command line at all.
        OlderJdk old = olderJdk();
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--", old.java().toString(), "-version"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("version \"" + old.feature()), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.matches("jthreadtrace: note: no Java view of JVM \\d+: it is JDK " + old.feature()
                + " \\(the agent needs JDK 25 or newer\\); its threads have kernel names only")), r.err());
    }

    @Test
    void aThreadNamedBetweenConstructionAndStartHasItsStartName(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, LateNames.class, "--assert", "threads{name=\"my-timer\"}.count == 1");
        assertEquals(0, run.result().code(), run.result().err());
        Set<String> names = run.threads().keySet();
        assertTrue(names.contains("named-before-start") && names.contains("my-timer"), names.toString());
        assertFalse(names.stream().anyMatch(n -> n.matches("Thread-\\d+")), "no constructor-time default name: " + names);
    }

    @Test
    void aPlatformThreadStartedByAVirtualThreadNamesItAsItsJavaStarter(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, VirtualStarts.class);
        assertEquals(0, run.result().code(), run.result().err());
        JsonNode platform = run.threads().get("platform-from-virtual");
        assertTrue(platform != null, run.threads().keySet().toString());
        assertEquals("vstarter", platform.get("java").get("started_by_virtual").get("name").asText(), platform.toString());
        String carrier = platform.get("creator_name").asText();
        assertTrue(carrier.startsWith("ForkJoinPool"), "the OS-level creator is the carrier: " + carrier);
        Tool.Result report = Tool.run(Tool.jar("report", "--report", "tree", run.file().toString()));
        assertTrue(report.out().contains("platform-from-virtual [started by virtual thread #"), report.out());
    }

    /** The loader set between construction and start is the one reported: it was read at construction. */
    @Test
    void aVirtualThreadsContextClassLoaderIsTheOneItStartedWith(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, VirtualContextLoader.class);
        assertEquals(0, run.result().code(), run.result().err());
        assertTrue(run.result().out().contains("ccl-set runs with loader-at-start"), run.result().out());
        Map<String, JsonNode> constructed = new HashMap<>();
        for (JsonNode j : run.java()) {
            if (j.get("kind").asText().equals("constructed") && j.get("virtual").asBoolean()) constructed.put(j.get("name").asText(), j);
        }
        assertEquals("java.net.URLClassLoader@loader-at-start", constructed.get("ccl-set").get("attributes").get("ccl").asText(),
                constructed.toString());
        assertEquals("jdk.internal.loader.ClassLoaders$AppClassLoader@app", constructed.get("ccl-kept").get("attributes").get("ccl").asText());
        assertTrue(run.java().stream().noneMatch(j -> j.get("kind").asText().equals("virtual_started")),
                "each start folded into its construction record");
        Tool.Result again = Tool.run(Tool.jar("report", "--format", "jsonl", run.file().toString()));
        assertTrue(again.out().contains("\"name\":\"ccl-set\",\"virtual\":true,\"itl\":{},\"stack\":[],\"attributes\":{\"ccl\":"
                + "\"java.net.URLClassLoader@loader-at-start\"}"), "the saved trace says the same: " + again.out());
    }

    @Test
    void twoPlainInheritableThreadLocalsAreTwoHooksWithTheirOwnValues(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, TwoThreadLocals.class,
                "--assert", "inherits{name=\"two-locals-worker\", hook=\"itl:InheritableThreadLocal#1\"} == \"a*\"",
                "--assert", "inherits{name=\"two-locals-worker\", hook=\"itl:InheritableThreadLocal#2\"} == \"a*\"");
        assertEquals(0, run.result().code(), run.result().err());
        JsonNode inherited = run.threads().get("two-locals-worker").get("inherited");
        Set<String> values = new TreeSet<>();
        for (String key : List.of("itl:InheritableThreadLocal#1", "itl:InheritableThreadLocal#2")) {
            assertTrue(inherited.has(key), inherited.toString());
            values.add(inherited.get(key).asText());
        }
        assertEquals(Set.of("acme", "alice"), values, "both values, one key each: " + inherited);
    }

    @Test
    void aCarrierThreadHoldsNoCreatorsContextAPlainThreadDoes(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, CarrierContext.class);
        assertEquals(0, run.result().code(), run.result().err());
        Map<String, JsonNode> threads = run.threads();
        assertEquals("main-request", threads.get("plain-child").get("inherited").path("itl:InheritableThreadLocal#1").asText(),
                threads.get("plain-child").toString());
        List<String> carriers = threads.keySet().stream().filter(n -> n.startsWith("ForkJoinPool")).toList();
        assertFalse(carriers.isEmpty(), threads.keySet().toString());
        for (String carrier : carriers) {
            JsonNode inherited = threads.get(carrier).get("inherited");
            inherited.fieldNames().forEachRemaining(k -> assertFalse(k.startsWith("itl:"),
                    carrier + " clears the map it copied; it runs with none: " + inherited));
        }
    }

    @Test
    void aRenameAfterStartIsFollowedWithTheEarlierName(@TempDir Path tmp) throws Exception {
        Run run = trace(tmp, Renamer.class, "--assert", "threads{name=\"after-rename\"}.count == 1",
                "--assert", "threads{name=\"renamed-by-main\"}.count == 1");
        assertEquals(0, run.result().code(), run.result().err());
        assertEquals("before-rename", run.threads().get("after-rename").get("java").get("former_names").get(0).asText());
        assertEquals("waiting-one", run.threads().get("renamed-by-main").get("java").get("former_names").get(0).asText());
        Tool.Result report = Tool.run(Tool.jar("report", "--report", "tree", run.file().toString()));
        assertTrue(report.out().contains("after-rename (was before-rename)"), report.out());
    }

    @Test
    void aJvmInItsOwnPidNamespaceHasItsRecordsJoinedAndNoNote() {
        List<String> cmd = new ArrayList<>(List.of("run", "--no-live", "--report", "none", "--",
                "unshare", "--pid", "--fork", "--mount-proc"));
        cmd.addAll(JvmIT.java(Hello.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(cmd.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        // Its records name namespace pids; they are turned into the kernel's (NamespacesIT checks the join itself).
        assertFalse(r.err().contains("no traced process"), r.err());
        assertFalse(r.err().contains("wrote no records"), r.err());
        assertFalse(r.err().contains("the agent needs JDK 25+"), "not blamed on the JDK: " + r.err());
    }

    record OlderJdk(Path java, int feature) {}

    /** Any JDK or JRE older than 25 on this machine: under /usr/lib/jvm (by its release file), else the java on PATH. */
    static OlderJdk olderJdk() throws IOException {
        List<Path> homes = new ArrayList<>();
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (var dirs = Files.list(jvms)) {
                dirs.sorted().forEach(homes::add);
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            Path onPath = Path.of(dir.isEmpty() ? "." : dir, "java");
            if (Files.isExecutable(onPath)) homes.add(onPath.toRealPath().getParent().getParent());
        }
        for (Path home : homes) {
            Path release = home.resolve("release"), javaBin = home.resolve("bin/java");
            if (!Files.isRegularFile(release) || !Files.isExecutable(javaBin)) continue;
            var m = Pattern.compile("JAVA_VERSION=\"(1\\.)?(\\d+)").matcher(Files.readString(release));
            if (m.find() && Integer.parseInt(m.group(2)) < 25) return new OlderJdk(javaBin, Integer.parseInt(m.group(2)));
        }
        return fail("this test needs a JDK older than 25 (the machine's default java is one; on Debian: "
                + "apt-get install openjdk-17-jre-headless); looked in /usr/lib/jvm and PATH");
    }
}
