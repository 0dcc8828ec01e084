package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.AttachServer;
import dev.jthreadtrace.fixtures.ExitOnAttach;
import dev.jthreadtrace.fixtures.BusyJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jthreadtrace attach} on running programs started by the test (pipe handshakes, no
 * sleeps): threads created after the attach have their creators and inherited settings, those
 * that existed are listed as such, and after the detach (--duration, SIGINT) each program finishes
 * its own work and exits with its own status: the detach left it healthy.
 */
@Timeout(180)
class AttachIT {
    /** attach_target's workers in the case that detaches while they are created. */
    private static final int WORK = 1000;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    private Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    static String readLine(Process p) throws IOException {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    static void say(Process p, String line) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    static int exitOf(Process p) throws InterruptedException {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended");
        return p.exitValue();
    }

    static Process tool(List<String> args, Path stderr) throws IOException {
        return new ProcessBuilder(Tool.jar(args.toArray(String[]::new))).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    /** Waits until the tool has written its start record: the attach is complete. */
    static void awaitAttached(Path trace, Process tool) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(trace) && Files.readString(trace).contains("\"existing_at_attach\"")) return;
            assertTrue(tool.isAlive(), "the tool ended before attaching");
            Thread.sleep(20);
        }
        throw new AssertionError("no start record in " + trace);
    }

    record Trace(JsonNode start, Map<Integer, JsonNode> threads, List<JsonNode> records) {
        /**
         * The first thread by that name: a worker created just before the detach names itself only
         * after it, and keeps the name it inherited (its creator's) in the trace.
         */
        JsonNode byName(String name) {
            return threads.values().stream().filter(t -> t.path("name").asText().equals(name))
                    .min(Comparator.comparingInt(t -> t.path("tid").asInt())).orElse(null);
        }
    }

    static Trace read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(file)) records.add(json.readTree(line));
        Map<Integer, JsonNode> threads = new HashMap<>();
        for (JsonNode r : records) if (r.path("type").asText().equals("thread")) threads.put(r.path("tid").asInt(), r);
        return new Trace(records.getFirst(), threads, records);
    }

    /** Until the trace (JSONL, written as it runs) holds {@code text}: the tool has seen it happen. */
    private static void awaitInTrace(Path trace, Process tool, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(Files.exists(trace) && Files.readString(trace).contains(text))) {
            assertTrue(tool.isAlive() && System.nanoTime() < deadline, "no " + text + " in " + trace);
            Thread.sleep(20);
        }
    }

    /**
     * Detached by SIGINT once the trace holds worker-3's name: some workers are created while
     * attached, however slowly the loaded machine lets the spawner run (a fixed --duration could end
     * before "go" was said); the spawner's 1000 workers, 10 ms apart, leave most to after the detach.
     */
    @Test
    void threadsCreatedAfterTheAttachHaveTheirCreatorAndSettingsAndTheProgramFinishesAfterTheDetach(@TempDir Path tmp)
            throws Exception {
        Process target = start(List.of(Traced.fixture("attach_target").toString(), "work", Integer.toString(WORK)));
        String ready = readLine(target);
        assertTrue(ready.startsWith("ready "), ready);
        int pid = Integer.parseInt(ready.substring(6).strip());
        Path trace = tmp.resolve("attach.jsonl");
        Path html = tmp.resolve("attach.html");
        Process tool = tool(List.of("attach", "--format", "jsonl", "-o", trace.toString(),
                "--html", html.toString(), "-e", "clone3,prctl,rt_sigprocmask", Integer.toString(pid)), tmp.resolve("err"));
        started.add(tool);
        awaitAttached(trace, tool);
        say(target, "go");
        awaitInTrace(trace, tool, "\"worker-3\"");

        assertEquals(0, Hangs.interrupt(tool), Files.readString(tmp.resolve("err")));
        assertTrue(Files.readString(tmp.resolve("err")).contains("jthreadtrace: detached from "), "the detach is said on stderr");
        assertTrue(target.waitFor(120, TimeUnit.SECONDS), "every worker ran");
        assertEquals(42, target.exitValue(), "every worker ran and inherited the mask, those after the detach too");
        Trace t = read(trace);
        assertEquals(pid, t.start().path("pid").asInt());
        JsonNode main = t.threads().get(pid);
        assertTrue(main.path("existed_at_attach").asBoolean(), main.toString());
        assertTrue(main.path("creator").isNull(), "creator unknown: it ran before the attach");
        JsonNode spawner = t.byName("spawner");
        assertNotNull(spawner, "the thread started after the attach");
        assertEquals(pid, spawner.path("creator").asInt());
        assertFalse(spawner.path("existed_at_attach").asBoolean());
        List<JsonNode> workers = t.threads().values().stream().filter(w -> w.path("name").asText().startsWith("worker-")).toList();
        assertFalse(workers.isEmpty(), "workers were created in the window");
        assertTrue(workers.size() < WORK, "detached before the program's work was done: " + workers.size());
        for (JsonNode w : workers) {
            assertEquals(spawner.path("tid").asInt(), w.path("creator").asInt(), w.toString());
            assertTrue(w.path("inherited").path("sigmask").asText().contains("USR2"), "inherited the blocked SIGUSR2: " + w);
        }
        assertTrue(t.records().stream().anyMatch(r -> r.path("type").asText().equals("detach") && r.path("detached").asInt() >= 2),
                "a detach record");
        String page = Files.readString(html);
        assertTrue(page.contains("data-tid=\"" + pid + "\"") && page.contains("existed at attach"), "the HTML report marks it too");
    }

    @Test
    void ctrlCDetachesAndTheProgramFinishesItsWork(@TempDir Path tmp) throws Exception {
        Process target = start(List.of(Traced.fixture("attach_target").toString(), "work", "400"));
        int pid = Integer.parseInt(readLine(target).substring(6).strip());
        Process tool = tool(List.of("attach", "-e", "prctl", "--report", "tree", Integer.toString(pid)), tmp.resolve("err"));
        started.add(tool);
        BufferedReader lines = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertTrue(first != null && first.contains("+++ attached to 1 existing thread +++"), first);
        say(target, "go");
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.contains("PR_SET_NAME, \"worker-5\"")) break;
        }
        Tool.signal(tool.pid(), "INT");
        String rest = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, exitOf(tool), "attach ends 0 on Ctrl-C: " + Files.readString(tmp.resolve("err")));
        assertTrue(Files.readString(tmp.resolve("err")).contains("SIGINT: detaching"), Files.readString(tmp.resolve("err")));
        assertTrue(rest.contains("THREADS BY CREATOR") && rest.contains("(existed)") && rest.contains("spawner"), rest);
        assertEquals(42, exitOf(target), "the program was not signalled, stopped or killed");
    }

    @Test
    void everyThreadThatExistedIsListedWhileOthersAreCreatedDuringTheSeize(@TempDir Path tmp) throws Exception {
        Process target = start(List.of(Traced.fixture("attach_target").toString(), "existing", "200"));
        String ready = readLine(target);
        Set<Integer> sleepers = new HashSet<>();
        for (String tid : ready.substring("ready ".length()).strip().split(" ")) sleepers.add(Integer.parseInt(tid));
        assertEquals(200, sleepers.size());
        Path trace = tmp.resolve("existing.jsonl");
        Process tool = tool(List.of("attach", "-q", "--duration", "1s", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                Long.toString(target.pid())), tmp.resolve("err"));
        assertEquals(0, exitOf(tool), Files.readString(tmp.resolve("err")));
        assertEquals("", Files.readString(tmp.resolve("err")), "-q: no detach message, as strace -q");
        say(target, "done");
        assertEquals(43, exitOf(target));
        Trace t = read(trace);
        Map<Integer, String> existing = new HashMap<>();
        for (JsonNode e : t.start().path("existing_at_attach")) existing.put(e.path("tid").asInt(), e.path("name").asText());
        for (int tid : sleepers) {
            assertTrue(existing.get(tid) != null && existing.get(tid).startsWith("sleeper-"), "sleeper " + tid + " listed");
            assertTrue(t.threads().get(tid).path("existed_at_attach").asBoolean());
        }
        assertTrue(existing.containsValue("churner"));
        assertTrue(existing.containsValue("odd\n[1 x]"), "a name with a newline is read whole from /proc: " + existing.values());
    }

    /** The tracer /proc names for task {@code tid} of {@code pid} (TracerPid: the tracer's thread), 0 for none. */
    private static long tracerOf(long pid, long tid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/task/" + tid + "/status"))) {
            if (line.startsWith("TracerPid:")) return Long.parseLong(line.substring("TracerPid:".length()).strip());
        }
        throw new AssertionError("no TracerPid for " + tid);
    }

    /** Until /proc says task {@code tid} of {@code pid} is traced by {@code tracer} (0: by none). */
    private static void awaitTracer(long pid, long tid, long tracer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (tracerOf(pid, tid) != tracer) {
            assertTrue(System.nanoTime() < deadline, "task " + tid + " traced by " + tracerOf(pid, tid) + ", not " + tracer);
            Thread.sleep(20);
        }
    }

    /**
     * {@code strace -p} holds one thread of the program (without -f strace seizes just the task it is
     * given), then its main thread: the attach fails with one line that names strace, exit 125, and
     * nothing is left traced by the tool. /proc's TracerPid names the tracer's thread: the check
     * compared it with the tool's pid, never equal to its ptrace thread's tid, so a thread another
     * tracer held was skipped without a word and the process traced short of it.
     */
    @Test
    void aThreadAnotherTracerHoldsFailsTheAttachWithOneLineNamingThatTracer(@TempDir Path tmp) throws Exception {
        Process target = start(List.of(Traced.fixture("attach_target").toString(), "existing", "2"));
        long pid = target.pid(), sleeper = Long.parseLong(readLine(target).split(" ")[1]);
        for (long held : new long[] {sleeper, pid}) {
            Process strace = start(List.of("strace", "-qq", "-o", "/dev/null", "-p", Long.toString(held)));
            awaitTracer(pid, held, strace.pid());
            Tool.Result r = Tool.run(Tool.jar("attach", "--duration", "5s", "--no-live", "-o", tmp.resolve("out").toString(), Long.toString(pid)));
            String task = held == pid ? "pid " + pid + " (attach_target)" : "thread " + held + " of pid " + pid + " (attach_target)";
            assertEquals("jthreadtrace: " + task + " is already traced by pid " + strace.pid()
                    + " (strace): a task has one tracer; detach that one first\n", r.err());
            assertEquals(125, r.code());
            for (long t : List.of(pid, sleeper)) assertEquals(t == held ? strace.pid() : 0, tracerOf(pid, t), "the tool let go of " + t);
            strace.destroy(); // SIGTERM: strace detaches
            assertTrue(strace.waitFor(60, TimeUnit.SECONDS));
            awaitTracer(pid, held, 0);
        }
        say(target, "done");
        assertEquals(43, exitOf(target), "the program ran on, untraced");
    }

    /** {@code "NAME" #ID [NID] } headers of {@code jcmd PID Thread.print}: OS tid to Java name, what the JDK's own tool says. */
    static Map<Integer, String> jcmdThreads(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "Thread.print").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, exitOf(jcmd));
        Map<Integer, String> byTid = new HashMap<>();
        var header = Pattern.compile("^\"(.*)\" #\\d+ \\[(\\d+)\\] ", Pattern.MULTILINE).matcher(dump);
        while (header.find()) byTid.put(Integer.parseInt(header.group(2)), header.group(1));
        return byTid;
    }

    /**
     * A JVM with 500 threads (a thread dump of ~300 KiB; every dump over 16 KiB failed) whose
     * 15-byte kernel names collide: every thread it had gets its full Java name, the one jcmd shows
     * (the dump gives each OS tid its Java id; the agent's record of that id, its exact name).
     */
    @Test
    void aBusyJvmsExistingThreadsAllGetTheirJavaNamesAsJcmdShowsThem(@TempDir Path tmp) throws Exception {
        Process busy = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss256k", "-cp",
                System.getProperty("jthreadtrace.testClasses", "target/test-classes"), BusyJvm.class.getName(), "500"));
        assertEquals("ready", readLine(busy));
        Map<Integer, String> jcmd = jcmdThreads(busy.pid());
        assertTrue(jcmd.size() >= 500, "jcmd lists the workers: " + jcmd.size());
        Path trace = tmp.resolve("busy.jsonl");
        Process tool = tool(List.of("attach", "--duration", "1s", "--no-live", "-e", "none", "--format", "jsonl",
                "-o", trace.toString(), Long.toString(busy.pid())), tmp.resolve("err"));
        assertEquals(0, exitOf(tool), Files.readString(tmp.resolve("err")));
        String err = Files.readString(tmp.resolve("err"));
        assertFalse(err.contains("thread dump"), "no note about the dump: " + err);
        Trace t = read(trace);
        Set<String> workers = new HashSet<>();
        for (var e : jcmd.entrySet()) {
            JsonNode thread = t.threads().get(e.getKey());
            if (thread == null) continue; // jcmd's own Attach Listener may have ended
            assertEquals(e.getValue(), thread.path("java").path("name").asText(), "tid " + e.getKey() + ": " + thread);
            assertTrue(thread.path("existed_at_attach").asBoolean());
            if (e.getValue().startsWith("http-nio-9127-exec-") || e.getValue().startsWith("busy-worker-")) workers.add(e.getValue());
        }
        assertEquals(500, workers.size(), "every worker named");
        for (int i = 1; i <= 10; i++) assertTrue(workers.contains("http-nio-9127-exec-" + i), "exec-" + i);
        say(busy, "quit");
        assertEquals(0, exitOf(busy), "the JVM ran on after the detach");
    }

    @Test
    void aRunningJvmShowsItsLazyWorkerWithJavaCreatorAndThreadLocalAndShutsDownWithItsHooksAfterTheDetach(@TempDir Path tmp)
            throws Exception {
        Path marker = tmp.resolve("marker");
        Process server = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("jthreadtrace.testClasses", "target/test-classes"), AttachServer.class.getName(),
                marker.toString()));
        String ready = readLine(server);
        int port = Integer.parseInt(ready.substring(6).strip());
        SpawnRequests client = new SpawnRequests(port, Duration.ofMillis(20));
        Path trace = tmp.resolve("jvm.jsonl");
        Process tool = tool(List.of("attach", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                Long.toString(server.pid())), tmp.resolve("err"));
        started.add(tool);
        // Detached once workers were started with the agent in, however long its attach took.
        Hangs.awaitAgentIn(server.pid());
        client.awaitMoreAnswered(2);
        assertEquals(0, Hangs.interrupt(tool), Files.readString(tmp.resolve("err")));
        client.awaitMoreAnswered(10);
        client.stop();
        assertEquals(client.sent(), client.answered(), "the server answered every request, during and after the attach");
        say(server, "quit");
        assertEquals(0, exitOf(server));
        assertEquals("hook ran\n", Files.readString(marker), "its shutdown hook ran");

        Trace t = read(trace);
        JsonNode acceptor = t.byName("acceptor");
        assertNotNull(acceptor, "the thread that existed has its Java name from the JVM");
        assertTrue(acceptor.path("existed_at_attach").asBoolean());
        assertEquals("acceptor", acceptor.path("java").path("name").asText());
        // Workers started once the agent's hooks were in, which have their start() record and so a
        // creation site. One alive while the agent loaded is only "present": named, its starter the
        // OS thread that cloned it, no start() record.
        List<JsonNode> workers = t.threads().values().stream()
                .filter(w -> w.path("java").path("name").asText().startsWith("lazy-worker-"))
                .filter(w -> !w.path("java").path("created_at").isNull()).toList();
        assertFalse(workers.isEmpty(), "workers created once the agent was in: " + Files.readString(tmp.resolve("err")));
        for (JsonNode w : workers) {
            String n = w.path("java").path("name").asText().substring("lazy-worker-".length());
            assertEquals(acceptor.path("tid").asInt(), w.path("creator").asInt());
            assertEquals(acceptor.path("tid").asInt(), w.path("java").path("started_by").asInt(), "Java creator: " + w);
            assertTrue(w.path("inherited").toString().contains("\"req-" + n + "\""), "the request's thread-local: " + w);
        }
        JsonNode listener = t.byName("Attach Listener");
        if (listener != null && !listener.path("existed_at_attach").asBoolean()) {
            assertTrue(listener.path("started_for_attach").asBoolean(), "the attach's own thread is marked: " + listener);
        }
    }

    @Test
    void theReaderGoingAwayDetachesAndTheProgramFinishes(@TempDir Path tmp) throws Exception {
        Process target = start(List.of(Traced.fixture("attach_target").toString(), "work", "300"));
        int pid = Integer.parseInt(readLine(target).substring(6).strip());
        Process tool = tool(List.of("attach", "-e", "prctl", Integer.toString(pid)), tmp.resolve("err"));
        started.add(tool);
        BufferedReader lines = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(lines.readLine().contains("+++ attached to"));
        say(target, "go");
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.contains("worker-3")) break;
        }
        tool.getInputStream().close(); // | head: the reader is gone
        assertEquals(141, exitOf(tool), Files.readString(tmp.resolve("err")));
        assertEquals(42, exitOf(target), "detached, not killed: the program did all its work");
    }

    /** A JDK older than 25 on this machine (Debian's default java is 17), or null. */
    static Path olderJdk() throws IOException {
        try (var jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path jdk : jdks.sorted().toList()) {
                Path release = jdk.resolve("release");
                if (!Files.isRegularFile(release) || !Files.isExecutable(jdk.resolve("bin/java"))) continue;
                var m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
                if (m.find() && Integer.parseInt(m.group(1)) >= 11 && Integer.parseInt(m.group(1)) < 25) return jdk;
            }
        }
        return null;
    }

    @Test
    void aJvmOlderThan25GetsNoAgentButItsThreadsHaveTheirJavaNames(@TempDir Path tmp) throws Exception {
        Path jdk = olderJdk();
        assertNotNull(jdk, "no JDK 11..24 under /usr/lib/jvm: scripts/test installs openjdk-17-jdk-headless (apt-get install it)");
        Process old = start(List.of(jdk.resolve("bin/java").toString(),
                Tool.basedir().resolve("src/test/resources/fixtures/OldJvm.java").toString()));
        assertEquals("ready", readLine(old));
        Path trace = tmp.resolve("old.jsonl");
        Process tool = tool(List.of("attach", "--duration", "1s", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                Long.toString(old.pid())), tmp.resolve("err"));
        assertEquals(0, exitOf(tool), Files.readString(tmp.resolve("err")));
        String err = Files.readString(tmp.resolve("err"));
        assertTrue(err.contains("the agent needs JDK 25+"), "one note says why there is no agent: " + err);
        Trace t = read(trace);
        JsonNode sleeper = t.threads().values().stream()
                .filter(n -> n.path("java").path("name").asText().equals("old-jvm-sleeper-with-a-long-name")).findFirst().orElse(null);
        assertNotNull(sleeper, "the full Java name from the JVM's thread dump: " + t.threads().values());
        assertEquals("old-jvm-sleepe", sleeper.path("name").asText().substring(0, 14), "its kernel name is cut at 15 bytes");
        assertTrue(sleeper.path("existed_at_attach").asBoolean());
        say(old, "quit");
        assertEquals(0, exitOf(old));
    }

    @Test
    void aJvmThatRefusesTheAttachMechanismIsTracedWithTheKernelsViewAndOneNote(@TempDir Path tmp) throws Exception {
        Process server = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+DisableAttachMechanism", "-cp", System.getProperty("jthreadtrace.testClasses", "target/test-classes"),
                AttachServer.class.getName(), tmp.resolve("marker").toString()));
        assertTrue(readLine(server).startsWith("ready "));
        Path trace = tmp.resolve("refused.jsonl");
        Process tool = tool(List.of("attach", "--duration", "1s", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                Long.toString(server.pid())), tmp.resolve("err"));
        assertEquals(0, exitOf(tool), Files.readString(tmp.resolve("err")));
        String err = Files.readString(tmp.resolve("err"));
        assertTrue(err.contains("cannot attach to JVM " + server.pid()) && err.contains("kernel view only"), err);
        assertEquals(1, err.lines().filter(l -> l.contains("JVM " + server.pid())).count(), "one note: " + err);
        Trace t = read(trace);
        assertTrue(t.threads().get((int) server.pid()).path("existed_at_attach").asBoolean(), "traced all the same");
        say(server, "quit");
        assertEquals(0, exitOf(server));
        assertEquals("hook ran\n", Files.readString(tmp.resolve("marker")));
    }

    /**
     * A JVM that ends in the middle of the attach (it halts once its Attach Listener starts): the
     * note says it ended, not that it was started with -XX:+DisableAttachMechanism or
     * -XX:-EnableDynamicAgentLoading, which it was not.
     */
    @Test
    void aJvmThatEndsDuringTheAttachIsSaidToHaveEnded(@TempDir Path tmp) throws Exception {
        Process jvm = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("jthreadtrace.testClasses", "target/test-classes"), ExitOnAttach.class.getName()));
        assertEquals("ready", readLine(jvm));
        Path trace = tmp.resolve("ended.jsonl");
        Process tool = tool(List.of("attach", "--no-live", "--format", "jsonl", "-o", trace.toString(), Long.toString(jvm.pid())),
                tmp.resolve("err"));
        assertEquals(0, exitOf(tool), Files.readString(tmp.resolve("err")));
        assertEquals(3, exitOf(jvm), "it halted at the attach");
        String err = Files.readString(tmp.resolve("err"));
        assertTrue(err.contains("JVM " + jvm.pid() + " ended during the attach ("), err);
        assertFalse(err.contains("DisableAttachMechanism") || err.contains("EnableDynamicAgentLoading"), err);
    }

    /**
     * A thread id (the JVM's "Finalizer") stands for its process: the JDK's Attach API given the
     * tid used to signal that thread, and each SIGQUIT printed a full thread dump on the JVM's stdout.
     */
    @Test
    void aThreadIdAttachesToItsProcessAndTheJvmPrintsNoThreadDump(@TempDir Path tmp) throws Exception {
        Process server = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("jthreadtrace.testClasses", "target/test-classes"), AttachServer.class.getName(),
                tmp.resolve("marker").toString()));
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(out.readLine().startsWith("ready "));
        int finalizer = -1;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(server.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).strip().equals("Finalizer")) finalizer = Integer.parseInt(task.getFileName().toString());
            }
        }
        assertTrue(finalizer > 0 && finalizer != server.pid(), "the JVM's Finalizer thread: " + finalizer);
        Path trace = tmp.resolve("tid.jsonl");
        Process tool = tool(List.of("attach", "--duration", "1s", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                Integer.toString(finalizer)), tmp.resolve("err"));
        assertEquals(0, exitOf(tool), Files.readString(tmp.resolve("err")));
        Trace t = read(trace);
        assertEquals("acceptor", t.byName("acceptor").path("java").path("name").asText(), "the Java view: " + Files.readString(tmp.resolve("err")));
        assertEquals("Finalizer", t.threads().get(finalizer).path("java").path("name").asText());
        say(server, "quit");
        assertEquals(0, exitOf(server));
        StringBuilder printed = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) printed.append(line).append('\n');
        assertFalse(printed.toString().contains("Full thread dump"), "the JVM printed no thread dump: " + printed);
    }

    /**
     * Ctrl-C at a terminal signals the tool's whole process group, the shell it keeps to wake its
     * loop too: the detach must still come at once while the attached program sleeps in one long call
     * (it waited for the sleep's end).
     */
    @Test
    void aCtrlCToTheToolsProcessGroupDetachesAtOnceFromAProgramInALongSleep(@TempDir Path tmp) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        started.add(sleeper);
        Path trace = tmp.resolve("trace.jsonl"), err = tmp.resolve("err");
        List<String> cmd = new ArrayList<>(List.of("setsid")); // a process group of its own, as a shell's job has
        cmd.addAll(Tool.jar("attach", "--no-live", "--format", "jsonl", "-o", trace.toString(), Long.toString(sleeper.pid())));
        Process tool = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        started.add(tool);
        awaitAttached(trace, tool);
        long from = System.nanoTime();
        new ProcessBuilder("kill", "-INT", "--", "-" + tool.pid()).start().waitFor();
        assertEquals(0, exitOf(tool), Files.readString(err));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - from);
        assertTrue(seconds < 20, "detached " + seconds + " s after the Ctrl-C (sleep 60 was still sleeping): " + Files.readString(err));
        assertTrue(Files.readString(err).contains("SIGINT: detaching"), Files.readString(err));
        assertTrue(sleeper.isAlive(), "the program runs on, untraced");
    }
}
