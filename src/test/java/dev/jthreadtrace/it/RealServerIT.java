package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.TomcatServer;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real third-party server, embedded Tomcat from Maven Central, traced under a bounded local
 * load ({@link TomcatServer}: {@value #REQUESTS} requests held in the servlet at once, so its pool
 * grows by a thread per request), against two oracles in the same JVM: {@code jcmd Thread.print}
 * at the peak (name, Java id, daemon of every live platform thread) and JFR's
 * {@code jdk.ThreadStart} (name, Java id, the thread that called start(), its stack) for every
 * thread started while recording. For each thread they list, the tool's JSONL must have the same
 * OS tid with the same facts: none missing, none different. Traced with {@code run} and with
 * {@code attach} (the load begins while attached, so the threads it makes are born in the trace).
 */
class RealServerIT {
    /** Held at once: the pool must reach this many threads, and the client has as many. */
    static final int REQUESTS = 120;

    private final List<Process> started = new ArrayList<>();

    /** Never leave a traced, stopped or waiting process behind: the tool, its tracees, the server. */
    @AfterEach
    void killEverythingStarted() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) p.waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void run(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl"), jfr = tmp.resolve("threads.jfr");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(server(tmp, jfr, false));
        // The server is the tool's child and shares its stdin and stdout: the protocol goes through them.
        Process tool = start(new ProcessBuilder(Tool.jar(args.toArray(String[]::new))).redirectError(tmp.resolve("err").toFile()));
        Lines out = new Lines(tool.getInputStream());
        long pid = out.pid("ready ", tool, tmp);
        say(tool, "go");
        out.pid("peak ", tool, tmp);
        Map<Integer, JcmdThread> jcmd = jcmd(pid);
        assertTrue(jcmd.size() >= 2 * REQUESTS, "jcmd lists the pool's and the client's threads at the peak: " + jcmd.size());
        say(tool, "release");
        String answered = out.expect("answered ", tool, tmp);
        say(tool, "quit");
        assertTrue(tool.waitFor(90, TimeUnit.SECONDS), "the tool ended");
        assertEquals(0, tool.exitValue(), "the server's status through the tool (" + answered + "): " + Files.readString(tmp.resolve("err")));
        assertEquals("answered " + REQUESTS + "/" + REQUESTS, answered, "every request was answered");

        Comparison c = new Comparison(Trace.read(trace), Window.WHOLE);
        c.compareWithJcmd(jcmd);
        c.compareWithJfr(Jfr.read(jfr));
        c.assertAgreement("run", answered);
    }

    @Test
    @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void attach(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl"), jfr = tmp.resolve("threads.jfr");
        Process server = start(new ProcessBuilder(server(tmp, jfr, true)).redirectError(tmp.resolve("server-err").toFile()));
        Lines out = new Lines(server.getInputStream());
        long pid = out.pid("ready ", server, tmp);

        Instant attachBegan = Instant.now();
        Process tool = start(new ProcessBuilder(Tool.jar("attach", "--format", "jsonl", "-o", trace.toString(), Long.toString(pid)))
                .redirectError(tmp.resolve("err").toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
        awaitAgent(pid, trace, tool, tmp);
        Instant attached = Instant.now();

        say(server, "go");
        out.pid("peak ", server, tmp);
        Map<Integer, JcmdThread> jcmd = jcmd(pid);
        assertTrue(jcmd.size() >= 2 * REQUESTS, "jcmd lists the pool's and the client's threads at the peak: " + jcmd.size());
        say(server, "release");
        String answered = out.expect("answered ", server, tmp);
        Instant detachAsked = Instant.now();
        // SIGTERM detaches as Ctrl-C does, and is not ignored in a build started in the background.
        Tool.signal(tool.pid(), "TERM");
        assertTrue(tool.waitFor(90, TimeUnit.SECONDS), "the tool detached and ended");
        assertEquals(0, tool.exitValue(), Files.readString(tmp.resolve("err")));
        say(server, "quit");
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server ended after the detach");
        assertEquals(0, server.exitValue(), "the server ran on after the detach: " + answered + "; "
                + Files.readString(tmp.resolve("server-err")));
        assertEquals("answered " + REQUESTS + "/" + REQUESTS, answered, "every request was answered");

        Comparison c = new Comparison(Trace.read(trace), new Window(attachBegan, attached, detachAsked));
        c.compareWithJcmd(jcmd);
        c.compareWithJfr(Jfr.read(jfr));
        assertTrue(c.bornWhileAttached >= REQUESTS, "threads born while attached, compared in full: " + c.bornWhileAttached);
        c.assertAgreement("attach", answered);
    }

    /**
     * The attach is complete, agent included: the start record is written (every thread seized) and
     * the agent's own thread runs, which it starts once its hooks are on: every thread the load
     * makes from now on has its start() recorded.
     */
    private static void awaitAgent(long pid, Path trace, Process tool, Path tmp) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(trace) || !Files.readString(trace).contains("\"existing_at_attach\"") || !hasThread(pid, "jthreadtrace-ag")) {
            if (!tool.isAlive()) fail("the tool ended while attaching: " + Files.readString(tmp.resolve("err")));
            if (System.nanoTime() > deadline) fail("no attach, or no agent thread, within 90 s: " + Files.readString(tmp.resolve("err")));
            Thread.sleep(20);
        }
    }

    /** Whether a thread of {@code pid} has this kernel name (the 15 bytes the JVM gave it). */
    private static boolean hasThread(long pid, String comm) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().equals(comm)) return true;
                } catch (IOException e) {
                    // the thread ended
                }
            }
        }
        return false;
    }

    /** The server's command: this JDK, JFR recording thread starts and ends, Tomcat on the class path. */
    private static List<String> server(Path tmp, Path jfr, boolean forAttach) throws IOException, URISyntaxException {
        Path settings = tmp.resolve("threads.jfc");
        // Only what is compared: thread starts with the stack of start(), and ends (when an attach window
        // matters). The JDK's "default" settings record far more, which slows a traced JVM for nothing.
        Files.writeString(settings, """
                <?xml version="1.0" encoding="UTF-8"?>
                <configuration version="2.0" label="RealServerIT">
                  <event name="jdk.ThreadStart"><setting name="enabled">true</setting><setting name="stackTrace">true</setting></event>
                  <event name="jdk.ThreadEnd"><setting name="enabled">true</setting></event>
                </configuration>
                """);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:StartFlightRecording:filename=" + jfr + ",settings=" + settings));
        // The JDK warns on stderr about an agent loaded into a running JVM unless it is allowed.
        if (forAttach) cmd.add("-XX:+EnableDynamicAgentLoading");
        cmd.addAll(List.of("-cp", classPath(), TomcatServer.class.getName(), Integer.toString(REQUESTS)));
        return cmd;
    }

    /** The fixtures and the jars of Tomcat and the annotations API it needs, as this test JVM has them. */
    private static String classPath() throws URISyntaxException {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("jthreadtrace.testClasses", "target/test-classes")));
        for (Class<?> c : List.of(org.apache.catalina.startup.Tomcat.class, jakarta.annotation.Resource.class)) {
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static void say(Process p, String line) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** A process's stdout, read on a thread of its own, so a wait for a line has a deadline. */
    private static final class Lines {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();

        Lines(InputStream in) {
            Thread.ofPlatform().daemon().name("RealServerIT-stdout").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                } catch (IOException e) {
                    // the process is gone
                }
            });
        }

        /** The next line of the protocol that starts with {@code prefix}; fails with what came instead. */
        String expect(String prefix, Process p, Path tmp) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    if (!p.isAlive() && lines.isEmpty()) break;
                    continue;
                }
                seen.append(line).append('\n');
                if (line.startsWith(prefix)) return line;
                if (line.startsWith("stuck")) break;
            }
            return fail("no '" + prefix + "' line from the server; stdout:\n" + seen + "stderr:\n" + stderr(tmp));
        }

        long pid(String prefix, Process p, Path tmp) throws Exception {
            return Long.parseLong(expect(prefix, p, tmp).substring(prefix.length()).strip());
        }

        private static String stderr(Path tmp) throws IOException {
            StringBuilder all = new StringBuilder();
            for (String name : List.of("err", "server-err")) {
                if (Files.exists(tmp.resolve(name))) all.append(Files.readString(tmp.resolve(name)));
            }
            return all.toString();
        }
    }

    /** One platform thread of {@code jcmd PID Thread.print}: what the JDK's own tool says of it. */
    record JcmdThread(int tid, String name, long id, boolean daemon) {}

    /** {@code "NAME" #ID [NID] daemon prio=...}: the JVM's own threads (GC, VM Thread) have no #ID and are not Java threads. */
    private static final Pattern JCMD_HEADER = Pattern.compile("^\"(.*)\" #(\\d+) \\[(\\d+)\\] (daemon )?prio=", Pattern.MULTILINE);

    static Map<Integer, JcmdThread> jcmd(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "Thread.print", "-l").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0, "jcmd Thread.print: " + dump);
        Map<Integer, JcmdThread> byTid = new LinkedHashMap<>();
        Matcher m = JCMD_HEADER.matcher(dump);
        while (m.find()) {
            int tid = Integer.parseInt(m.group(3));
            byTid.put(tid, new JcmdThread(tid, m.group(1), Long.parseLong(m.group(2)), m.group(4) != null));
        }
        return byTid;
    }

    /** A platform thread's start as JFR recorded it, and its end when that was recorded. */
    record JfrStart(Instant at, int tid, String name, long id, Integer parentTid, String parentName, String site, Instant ended) {}

    static final class Jfr {
        static List<JfrStart> read(Path file) throws IOException {
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            Map<Long, Instant> ends = new HashMap<>();
            for (RecordedEvent e : events) {
                if (e.getEventType().getName().equals("jdk.ThreadEnd") && e.getThread("thread") != null) {
                    ends.put(e.getThread("thread").getJavaThreadId(), e.getStartTime());
                }
            }
            List<JfrStart> starts = new ArrayList<>();
            for (RecordedEvent e : events) {
                if (!e.getEventType().getName().equals("jdk.ThreadStart")) continue;
                RecordedThread t = e.getThread("thread"), parent = e.getThread("parentThread");
                if (t == null || t.isVirtual() || t.getOSThreadId() <= 0) continue;
                boolean platformParent = parent != null && !parent.isVirtual() && parent.getOSThreadId() > 0;
                starts.add(new JfrStart(e.getStartTime(), (int) t.getOSThreadId(), t.getJavaName(), t.getJavaThreadId(),
                        platformParent ? (int) parent.getOSThreadId() : null, parent == null ? null : parent.getJavaName(),
                        site(e.getStackTrace()), ends.get(t.getJavaThreadId())));
            }
            assertTrue(starts.size() >= REQUESTS, "JFR recorded the pool's and the client's threads starting: " + starts.size());
            return starts;
        }

        /**
         * Where start() was called, read from JFR's stack as the agent reads its own: java.lang.Thread's
         * frames dropped, then the first frame outside the JDK ({@code Class.method:line}), or the
         * first frame when all are the JDK's; null without a stack.
         */
        static String site(RecordedStackTrace trace) {
            if (trace == null) return null;
            List<RecordedFrame> frames = new ArrayList<>(trace.getFrames());
            while (!frames.isEmpty() && isThreadClass(type(frames.getFirst()))) frames.removeFirst();
            if (frames.isEmpty()) return null;
            RecordedFrame site = frames.stream().filter(f -> !isJdk(type(f))).findFirst().orElse(frames.getFirst());
            return type(site) + "." + site.getMethod().getName() + ":" + site.getLineNumber();
        }

        private static String type(RecordedFrame f) {
            return f.getMethod().getType().getName();
        }

        private static boolean isThreadClass(String c) {
            return c.equals("java.lang.Thread") || c.startsWith("java.lang.ThreadBuilders") || c.equals("java.lang.VirtualThread");
        }

        private static boolean isJdk(String c) {
            return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("com.sun.");
        }
    }

    /** The tool's JSONL: thread records by tid. */
    record Trace(Map<Integer, JsonNode> threads) {
        static Trace read(Path file) throws IOException {
            ObjectMapper json = new ObjectMapper();
            Map<Integer, JsonNode> threads = new HashMap<>();
            for (String line : Files.readAllLines(file)) {
                JsonNode n = json.readTree(line);
                if (n.path("type").asText().equals("thread")) threads.put(n.path("tid").asInt(), n);
            }
            return new Trace(threads);
        }
    }

    /**
     * When the tool watched, on this test's clock (JFR's times are the same wall clock): {@code run}
     * the whole life; {@code attach} from the seize (begun, and complete with the agent in) to the
     * request to detach.
     */
    record Window(Instant attachBegan, Instant attached, Instant detachAsked) {
        static final Window WHOLE = new Window(Instant.MIN, Instant.MIN, Instant.MAX);
    }

    /** Every disagreement found, listed together, and what was compared. */
    static final class Comparison {
        private final Trace trace;
        private final Window window;
        private final List<String> differences = new ArrayList<>();
        /** Distinct OS tids compared with at least one oracle. */
        private final java.util.Set<Integer> compared = new java.util.TreeSet<>();
        int jcmdCompared, jfrCompared, bornWhileAttached, endedBeforeAttach, startedAfterDetach;

        Comparison(Trace trace, Window window) {
            this.trace = trace;
            this.window = window;
        }

        private JsonNode java(int tid, String oracle, String name) {
            JsonNode t = trace.threads().get(tid);
            if (t == null) {
                differences.add(oracle + ": " + name + " (tid " + tid + ") missing from the trace");
                return null;
            }
            if (t.path("java").isNull() || t.path("java").isMissingNode()) {
                differences.add(oracle + ": " + name + " (tid " + tid + ") has no Java view in the trace: " + t.path("name").asText());
                return null;
            }
            return t.path("java");
        }

        private void same(String oracle, String who, String field, Object expected, Object actual) {
            if (!Objects.equals(expected, actual)) {
                differences.add(oracle + ": " + who + ": " + field + " " + expected + " there, " + actual + " in the trace");
            }
        }

        /** Every thread alive at the peak: the same Java name, id and daemon flag. */
        void compareWithJcmd(Map<Integer, JcmdThread> jcmd) {
            for (JcmdThread j : jcmd.values()) {
                JsonNode java = java(j.tid(), "jcmd", j.name());
                compared.add(j.tid());
                jcmdCompared++;
                if (java == null) continue;
                String who = j.name() + " (tid " + j.tid() + ")";
                same("jcmd", who, "name", j.name(), java.path("name").asText());
                same("jcmd", who, "Java id", j.id(), java.path("id").asLong());
                same("jcmd", who, "daemon", j.daemon(), daemon(trace.threads().get(j.tid())));
            }
        }

        /** What the trace says of a thread's daemon flag: its Java settings at start(), when it has them. */
        private static Boolean daemon(JsonNode thread) {
            JsonNode d = thread.path("inherited").path("daemon");
            return d.isMissingNode() || d.isNull() ? null : Boolean.valueOf(d.asText());
        }

        /**
         * Every platform thread JFR saw start: the same name and Java id, and for one started while
         * traced, the same starter (JFR's parentThread; the kernel creator too, since a platform
         * thread's task is its starter's clone) and the same creation site. Under attach, a thread
         * that JFR saw end before the seize began, or start after the detach was asked, was never in
         * the tool's window; one that began before the seize completed has no starter of its own
         * in the trace when it existed at attach.
         */
        void compareWithJfr(List<JfrStart> starts) {
            for (JfrStart s : starts) {
                if (s.ended() != null && s.ended().isBefore(window.attachBegan())) {
                    endedBeforeAttach++;
                    continue;
                }
                if (s.at().isAfter(window.detachAsked())) {
                    startedAfterDetach++;
                    continue;
                }
                JsonNode java = java(s.tid(), "JFR", s.name());
                compared.add(s.tid());
                jfrCompared++;
                if (java == null) continue;
                JsonNode thread = trace.threads().get(s.tid());
                String who = s.name() + " (tid " + s.tid() + ")";
                same("JFR", who, "name", s.name(), java.path("name").asText());
                same("JFR", who, "Java id", s.id(), java.path("id").asLong());
                if (thread.path("existed_at_attach").asBoolean()) {
                    if (!s.at().isBefore(window.attached())) differences.add("JFR: " + who + " started after the attach, existed at it in the trace");
                    continue;
                }
                if (s.at().isAfter(window.attached())) bornWhileAttached++;
                same("JFR", who, "starter", s.parentTid(), intOrNull(java.path("started_by")));
                if (s.parentTid() != null) same("JFR", who, "kernel creator", s.parentTid(), intOrNull(thread.path("creator")));
                same("JFR", who, "creation site", s.site(), site(java.path("created_at")));
            }
        }

        private static Integer intOrNull(JsonNode n) {
            return n.isNull() || n.isMissingNode() ? null : n.asInt();
        }

        /** The tool's {@code com.example.Pool.add(Pool.java:42)} as JFR's frame reads: {@code com.example.Pool.add:42}. */
        private static String site(JsonNode createdAt) {
            if (createdAt.isNull() || createdAt.isMissingNode()) return null;
            Matcher m = Pattern.compile("^(.*)\\((?:.*:(\\d+)|[^:]*)\\)$").matcher(createdAt.asText());
            if (!m.matches()) return createdAt.asText();
            return m.group(1) + ":" + (m.group(2) == null ? "-1" : m.group(2));
        }

        void assertAgreement(String mode, String answered) {
            String summary = "RealServerIT " + mode + ": " + compared.size() + " platform threads compared (" + jcmdCompared
                    + " alive at the peak with jcmd, " + jfrCompared + " starts with JFR" + (mode.equals("attach")
                    ? ", " + bornWhileAttached + " born while attached; not in the window: " + endedBeforeAttach
                    + " ended before the attach, " + startedAfterDetach + " started after the detach" : "")
                    + "), " + answered.substring("answered ".length()) + " requests answered";
            System.out.println(summary);
            assertTrue(differences.isEmpty(), differences.size() + " disagreement(s) with jcmd and JFR:\n  "
                    + String.join("\n  ", differences) + "\n" + summary);
            assertTrue(compared.size() >= 100, summary);
        }
    }
}
