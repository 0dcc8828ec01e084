package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.AttachServer;
import dev.jthreadtrace.fixtures.JavaHooks;
import dev.jthreadtrace.fixtures.NestedThreads;
import dev.jthreadtrace.sys.ProcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JVMs in containers: PID and mount namespaces of their own ({@code unshare}), a private tmpfs on
 * {@code /tmp}, a user namespace. Traced with {@code run} (the agent's namespace-local pids and tids
 * joined to the kernel's through NSpid) and attached to from outside with {@code attach} (the
 * agent's directory made inside the JVM's own /tmp, and removed again).
 *
 * <p>As root (here and in CI) the namespaces are made directly, and the user-namespace case runs
 * the JVM as {@code nobody} (uid 65534) inside a namespace that maps it to root, so the tool must
 * map ownership. Not as root, every namespace is made inside an unprivileged user namespace
 * ({@code unshare --user --map-root-user}), which gives the rights to make the others; ptrace and
 * the attach then work as the same user (kernel.yama.ptrace_scope 0 or 1 with the tool as the
 * tracer; 2 and 3 refuse, and the attach fails with the tool's message).
 */
@Timeout(240)
class NamespacesIT {
    private static final boolean ROOT = "0".equals(ProcStatus.self().text("Uid").split("\\s+")[0]);
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path CLASSES = Path.of(System.getProperty("jthreadtrace.testClasses", "target/test-classes")).toAbsolutePath();
    private final List<Process> started = new ArrayList<>();
    private final List<Path> made = new ArrayList<>();

    @AfterEach
    void nothingLeftBehind() throws IOException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Path dir : made) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** {@code unshare} with the namespaces asked for; inside an unprivileged user namespace when not root. */
    private static List<String> unshare(String... namespaces) {
        List<String> cmd = new ArrayList<>(List.of("unshare"));
        if (!ROOT) cmd.addAll(List.of("--user", "--map-root-user"));
        cmd.addAll(List.of(namespaces));
        return cmd;
    }

    @Test
    void aJvmRunInItsOwnPidNamespaceHasItsJavaNamesJoined(@TempDir Path tmp) throws Exception {
        List<String> cmd = unshare("--pid", "--fork", "--mount-proc");
        assertRunJoinsJavaNames(tmp, cmd);
    }

    @Test
    void aJvmRunInItsOwnUserAndPidNamespaceHasItsJavaNamesJoined(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc"));
        assertRunJoinsJavaNames(tmp, cmd);
    }

    private void assertRunJoinsJavaNames(Path tmp, List<String> unshare) throws IOException {
        Path trace = tmp.resolve("run.jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(unshare);
        args.addAll(List.of(JAVA.toString(), "-XX:+UseSerialGC", "-cp", CLASSES.toString(), NestedThreads.class.getName(), "3"));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)), java.util.Map.of(), 180);
        assertEquals(3, r.code(), "the JVM's own exit status: " + r.err());
        assertFalse(r.err().contains("no traced process"), "every record was joined: " + r.err());
        List<JsonNode> threads = threads(trace);
        JsonNode inner1 = named(threads, "inner-1"), inner2 = named(threads, "inner-2");
        for (JsonNode t : List.of(inner1, inner2)) {
            assertTrue(t.path("java").isObject(), "its Java view was joined: " + t);
            assertTrue(t.path("ns_tid").isInt(), "the id it has in its namespace: " + t);
            assertNotEquals(t.path("tid").asInt(), t.path("ns_tid").asInt(), t.toString());
        }
        assertEquals(inner1.path("tid").asInt(), inner2.path("creator").asInt(), "inner-2 was cloned by inner-1");
        assertEquals(inner1.path("tid").asInt(), inner2.path("java").path("started_by").asInt(),
                "the agent's starter (a namespace tid) turned into the kernel's");
        assertEquals(inner1.path("creator").asInt(), inner1.path("java").path("started_by").asInt(), inner1.toString());
        // The process itself: pid 1 of its namespace.
        JsonNode leader = threads.stream().filter(t -> t.path("tid").asInt() == inner1.path("pid").asInt()).findFirst().orElseThrow();
        assertEquals(1, leader.path("ns_tid").asInt(), leader.toString());
    }

    /**
     * The live lines of a JVM in a PID namespace of its own carry its threads' Java names from their
     * first line, as in the tool's namespace (JvmLayerIT): its agent writes its records with the ids of
     * its namespace, which are turned into the kernel's as they are read. Before, those lines showed
     * the kernel's 15-byte names until the report.
     */
    @Test
    void liveLinesOfAJvmInItsOwnPidNamespaceCarryTheJavaNameFromTheFirstLine() {
        List<String> args = new ArrayList<>(List.of("run", "--report", "none", "-e", "exit,prctl", "--"));
        args.addAll(unshare("--pid", "--fork", "--mount-proc"));
        args.addAll(JvmIT.java(JavaHooks.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)), java.util.Map.of(), 180);
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().filter(l -> l.contains("a-thread-with-a")).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("+++ thread started")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("prctl(PR_SET_NAME, \"a-thread-with-a\"")), r.out());
        for (String line : lines) {
            assertTrue(line.matches("\\s*[0-9.]+ \\[\\d+ a-thread-with-a-very-long-name\\] .*"),
                    "every line of it, from the first: " + line);
        }
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*[0-9.]+ \\[\\d+ pool-worker-1\\] .*")), r.out());
    }

    /**
     * Two JVMs that are each pid 1 of a PID namespace of its own, siblings under one run: both
     * agents wrote {@code jvm-1.tsv} (one file, two writers), and neither got its Java view. Each
     * file is now named with the tool's pid of its JVM too, given at the exec.
     */
    @Test
    void twoJvmsThatArePid1OfSiblingNamespacesEachKeepTheirJavaView(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("run.jsonl");
        String jvm = String.join(" ", unshare("--pid", "--fork", "--mount-proc")) + " " + JAVA + " -XX:+UseSerialGC -cp " + CLASSES
                + " " + NestedThreads.class.getName() + " ";
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/sh",
                "-c", jvm + "3 & " + jvm + "4; s=$?; wait $!; exit $((s * 10 + $?))"));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)), java.util.Map.of(), 180);
        assertEquals(43, r.code(), "both JVMs ran to their own exit status: " + r.err());
        assertFalse(r.err().contains("no traced process"), "every record was joined: " + r.err());
        List<JsonNode> threads = threads(trace);
        List<JsonNode> inner1 = threads.stream().filter(t -> t.path("name").asText().equals("inner-1")).toList();
        assertEquals(2, inner1.size(), "one inner-1 per JVM: " + inner1);
        assertNotEquals(inner1.get(0).path("pid").asInt(), inner1.get(1).path("pid").asInt());
        for (JsonNode t : inner1) {
            assertTrue(t.path("java").isObject(), "its Java view was joined: " + t);
            assertEquals(t.path("creator").asInt(), t.path("java").path("started_by").asInt(), "its own JVM's main started it: " + t);
            JsonNode leader = threads.stream().filter(l -> l.path("tid").asInt() == t.path("pid").asInt()).findFirst().orElseThrow();
            assertEquals(1, leader.path("ns_tid").asInt(), "pid 1 of its namespace: " + leader);
        }
    }

    /**
     * A JVM whose /tmp is a symbolic link (a root of its own: an overlay of / with tmp replaced by a
     * link to /var/tmp): the tool does not follow it, on purpose, and its note says so instead of
     * the kernel's ENOTDIR.
     */
    @Test
    void aJvmWhoseTmpIsASymbolicLinkGetsANoteSayingSo(@TempDir Path tmp) throws Exception {
        Path root = Files.createTempDirectory(Path.of("/var/tmp"), "jthreadtrace-ovl-");
        made.add(root);
        String overlay = "d=$1; shift; mkdir $d/upper $d/work $d/root && ln -s /var/tmp $d/upper/tmp"
                + " && mount -t overlay overlay -o lowerdir=/,upperdir=$d/upper,workdir=$d/work $d/root"
                + " && mount --rbind /proc $d/root/proc && mount --rbind /dev $d/root/dev && exec chroot $d/root \"$@\"";
        List<String> cmd = new ArrayList<>(unshare("--mount", "--propagation", "private"));
        // The fixture's class outside /tmp: the JVM's /tmp is the link, so a checkout cloned under /tmp is not there.
        cmd.addAll(List.of("sh", "-c", overlay, "sh", root.toString(), JAVA.toString(), "-XX:+UseSerialGC", "-cp",
                fixtureOutsideTmp().toString(), AttachServer.class.getName(), "/dev/null"));
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(server);
        String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertNotNull(ready, "the server started");
        long jvm = java.util.stream.Stream.concat(java.util.stream.Stream.of(server.toHandle()), server.descendants())
                .filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst().orElseThrow().pid();
        assertTrue(Files.isSymbolicLink(Path.of("/proc/" + jvm + "/root/tmp")), "its /tmp is a link");
        Tool.Result r = Tool.run(Tool.jar("attach", "--duration", "1s", "--no-live", "--report", "none", Long.toString(jvm)),
                java.util.Map.of(), 180);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("no agent for JVM " + jvm + " (it runs in another mount namespace, and a directory of ours in"
                + " its /tmp could not be made: its /tmp is a symbolic link, not followed on purpose"), r.err());
        assertFalse(r.err().contains("ENOTDIR"), r.err());
        server.getOutputStream().close();
        server.destroy();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void attachToAJvmInItsOwnPidAndMountNamespacesWithAPrivateTmp(@TempDir Path tmp) throws Exception {
        assertAttachGivesTheJavaView(tmp, unshare("--pid", "--fork", "--mount-proc", "--mount", "--propagation", "private"));
    }

    /**
     * A sidecar that shares only the PID namespace (Kubernetes shareProcessNamespace, kubectl debug
     * --target), seen from the JVM's side: the same pids, its own mount namespace and /tmp.
     */
    @Test
    void attachToAJvmThatSharesOurPidNamespaceButNotOurTmp(@TempDir Path tmp) throws Exception {
        assertAttachGivesTheJavaView(tmp, unshare("--mount", "--propagation", "private"));
    }

    /**
     * A rootless container: the JVM runs as root of a user namespace that is {@code nobody} outside
     * (as root; not as root, the test's own user), so the tool's directory in its /tmp must belong
     * to that user, and the tool must speak to it as that user.
     */
    @Test
    void attachToAJvmInAUserNamespaceOfItsOwn(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (ROOT) cmd.addAll(List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"));
        cmd.addAll(List.of("unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--mount", "--propagation", "private"));
        assertAttachGivesTheJavaView(tmp, cmd);
    }

    /**
     * A user namespace that maps host root (uid_map "0 0 1" beside "1 100001 65535"), the JVM a
     * non-root user inside (1000, host 101000): the tool, root on the host, is a peer the JVM knows
     * already. Taking the JVM's uid lost the capabilities /proc/PID/root/tmp needs (EACCES), and
     * the agent was refused where root's jcmd worked. The maps are written from here (no newuidmap):
     * the shell in the new namespace waits for them before it makes the other namespaces.
     */
    @Test
    void attachToAJvmInAUserNamespaceThatMapsHostRoot(@TempDir Path tmp) throws Exception {
        assertTrue(ROOT, "this case needs root: only root maps host root into a user namespace beside a range");
        List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "sh", "-c", "echo unshared && read _ && exec \"$0\" \"$@\"",
                "unshare", "--pid", "--fork", "--mount-proc", "--mount", "--propagation", "private"));
        assertAttachGivesTheJavaView(tmp, cmd, "setpriv --reuid 1000 --regid 1000 --clear-groups ", shell -> {
            awaitUnshared(shell);
            for (String map : List.of("uid_map", "gid_map")) {
                Files.writeString(Path.of("/proc", Long.toString(shell.pid()), map), "0 0 1\n1 100001 65535\n");
            }
            shell.getOutputStream().write("mapped\n".getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().flush();
        });
    }

    /**
     * Until the shell in the new user namespace says it is there: a map written before would be
     * our own namespace's (EPERM). Byte by byte, so nothing of the JVM's "ready" line is taken.
     */
    private static void awaitUnshared(Process shell) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = shell.getInputStream().read()) != '\n'; line.append((char) c)) {
            assertNotEquals(-1, c, "the shell in the new user namespace ended: " + line);
        }
        assertEquals("unshared", line.toString());
    }

    /** What the test does to the started process before the JVM says it is ready. */
    private interface BeforeReady {
        void accept(Process started) throws IOException;
    }

    private void assertAttachGivesTheJavaView(Path tmp, List<String> unshare) throws Exception {
        assertAttachGivesTheJavaView(tmp, unshare, "", started -> { });
    }

    private void assertAttachGivesTheJavaView(Path tmp, List<String> unshare, String runAs, BeforeReady beforeReady) throws Exception {
        Path classes = fixtureOutsideTmp();
        Path marker = classes.resolve("marker");
        Files.createFile(marker, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
        Files.setPosixFilePermissions(marker, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<String> cmd = new ArrayList<>(unshare);
        cmd.addAll(List.of("sh", "-c", "mount -t tmpfs tmpfs /tmp && exec " + runAs + JAVA + " -XX:+UseSerialGC -cp " + classes + " "
                + AttachServer.class.getName() + " " + marker));
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(server);
        beforeReady.accept(server);
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertNotNull(ready, "the server started");
        int port = Integer.parseInt(ready.substring(6).strip());
        // unshare --fork: the JVM is its child's; without it unshare and sh exec it in place.
        long jvm = java.util.stream.Stream.concat(java.util.stream.Stream.of(server.toHandle()), server.descendants()).filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst().orElseThrow().pid();
        boolean ownPidNamespace = !Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).equals(Files.readSymbolicLink(Path.of("/proc/" + jvm + "/ns/pid")));
        assertEquals(unshare.contains("--pid"), ownPidNamespace, "the JVM's PID namespace is as asked");

        SpawnRequests client = new SpawnRequests(port, Duration.ofMillis(60));
        Path trace = tmp.resolve("attach.jsonl"), err = tmp.resolve("err");
        Process tool = new ProcessBuilder(Tool.jar("attach", "--no-live", "--format", "jsonl", "-o", trace.toString(), Long.toString(jvm)))
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        started.add(tool);
        // Detached once workers were started with the agent in, however long its attach into the namespaces took.
        Hangs.awaitAgentIn(jvm);
        client.awaitMoreAnswered(2);
        assertEquals(0, Hangs.interrupt(tool), Files.readString(err));
        assertFalse(Files.readString(err).contains("refused the agent") || Files.readString(err).contains("no agent for JVM"), Files.readString(err));
        client.awaitMoreAnswered(10);
        client.stop();
        assertEquals(client.sent(), client.answered(), "the server answered every request, during and after the attach");

        List<JsonNode> threads = threads(trace);
        JsonNode acceptor = named(threads, "acceptor");
        assertTrue(acceptor.path("existed_at_attach").asBoolean(), acceptor.toString());
        assertTrue(acceptor.path("java").isObject(), "the thread dump's nid (a namespace tid) was joined: " + acceptor);
        // Workers started once the agent's hooks were in have their start() record (a creation site); one
        // alive while the agent loaded is only "present", its inherited values not read (AttachIT's case too).
        List<JsonNode> workers = threads.stream().filter(t -> t.path("name").asText().startsWith("lazy-worker-")
                && t.path("java").path("name").asText().startsWith("lazy-worker-") && !t.path("java").path("created_at").isNull()).toList();
        assertFalse(workers.isEmpty(), "workers were created with the agent in: " + Files.readString(err));
        for (JsonNode w : workers) {
            String n = w.path("name").asText().substring("lazy-worker-".length());
            assertEquals(acceptor.path("tid").asInt(), w.path("creator").asInt(), w.toString());
            assertEquals(acceptor.path("tid").asInt(), w.path("java").path("started_by").asInt(), w.toString());
            assertEquals("req-" + n, w.path("inherited").path("itl:InheritableThreadLocal#1").asText(), "its inherited value: " + w);
            if (ownPidNamespace) assertNotEquals(w.path("tid").asInt(), w.path("ns_tid").asInt(0), w.toString());
            else assertTrue(w.path("ns_tid").isNull(), "the tool's own PID namespace: " + w);
        }
        assertNothingOfOursIn(jvm);
        try (PrintWriter in = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8)) {
            in.println("quit");
        }
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server ended");
        assertEquals(0, server.exitValue());
        assertEquals("hook ran\n", Files.readString(marker), "its shutdown hook ran");
    }

    /** The JVM's /tmp, as it sees it, holds nothing of the tool's after the detach. */
    private static void assertNothingOfOursIn(long jvm) throws IOException {
        try (var entries = Files.list(Path.of("/proc/" + jvm + "/root/tmp"))) {
            List<String> left = entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("jthreadtrace")).toList();
            assertEquals(List.of(), left, "left in the JVM's /tmp");
        }
    }

    /** The fixture's class where the JVM finds it under its private /tmp (a checkout cloned under /tmp is hidden), readable by nobody too. */
    private Path fixtureOutsideTmp() throws IOException {
        Path classes = Files.createTempDirectory(Path.of("/var/tmp"), "jthreadtrace-ns-");
        made.add(classes);
        String name = AttachServer.class.getName().replace('.', '/') + ".class";
        Path file = classes.resolve(name);
        Files.createDirectories(file.getParent());
        Files.copy(CLASSES.resolve(name), file);
        try (var paths = Files.walk(classes)) {
            for (Path p : paths.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return classes;
    }

    private static List<JsonNode> threads(Path trace) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> threads = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("thread")) threads.add(n);
        }
        return threads;
    }

    private static JsonNode named(List<JsonNode> threads, String name) {
        return threads.stream().filter(t -> t.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name + " in " + threads.stream().map(t -> t.path("name").asText()).toList()));
    }
}
