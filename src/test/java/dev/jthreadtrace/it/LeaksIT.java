package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.JdkPoolsApp;
import dev.jthreadtrace.fixtures.JdkThreadsApp;
import dev.jthreadtrace.fixtures.LeakApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads that outlive their scope, on real programs: the C fixture whose main returns (or
 * pthread_exits) while one thread runs on, and the Java fixture whose main returns (or calls
 * System.exit) with a daemon and a late non-daemon thread running. Exactly those are listed.
 */
@Timeout(120)
class LeaksIT {
    /** Runs the tool with JSONL into a file; the outlived threads by name, with their scope. */
    private static Map<String, String> outlived(Path tmp, List<String> command, String... assertions) throws Exception {
        return outlived(tmp, 0, command, assertions);
    }

    /** The same, for a command that exits with {@code code}. */
    private static Map<String, String> outlived(Path tmp, int code, List<String> command, String... assertions) throws Exception {
        Path trace = tmp.resolve("trace-" + System.nanoTime() + ".jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString()));
        for (String a : assertions) args.addAll(List.of("--assert", a));
        args.add("--");
        args.addAll(command);
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(code, r.code(), r.out() + r.err());
        Map<String, String> out = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("assertion")) assertTrue(n.get("passed").asBoolean(), n.toString());
            if (n.path("type").asText().equals("thread") && !n.get("outlived").isNull()) {
                out.put(n.get("name").asText(), n.get("outlived").get("scope").asText());
            }
        }
        Tool.Result report = Tool.run(Tool.jar("report", "--no-live", "--report", "leaks", trace.toString()));
        assertEquals(0, report.code(), report.err());
        for (String name : out.keySet()) {
            assertTrue(report.out().lines().anyMatch(l -> l.matches("    \\d+ " + Pattern.quote(name) + " .*")), report.out());
        }
        return out;
    }

    @Test
    void aCProgramsThreadStillRunningWhenMainReturnsOrPthreadExitsOutlivedIt(@TempDir Path tmp) throws Exception {
        String leak = Traced.fixture("leak").toString();
        assertEquals(Map.of("leaked", "exit_group(0) by the main thread"), outlived(tmp, List.of(leak), "threads.leaked == 1",
                "threads.leaked{name=\"joined\"} == 0", "threads.leaked{name=\"finished\"} == 0"));
        assertEquals(Map.of("leaked", "main thread exited"), outlived(tmp, List.of(leak, "pthread_exit"), "threads.leaked == 1"));
    }

    @Test
    void aJvmsDaemonAndLateThreadsOutliveMainButNotTheJvmsOwnOrTheShutdownHook(@TempDir Path tmp) throws Exception {
        String[] checks = {"threads.leaked == 2", "threads.leaked{name=\"leaky-daemon\"} == 1",
                "threads.leaked{created_at=\"dev.jthreadtrace.fixtures.LeakApp.main(*\"} == 2", "threads{name=\"the-hook\"}.count == 1"};
        assertEquals(Map.of("leaky-daemon", "main returned", "late-worker", "main returned"),
                outlived(tmp, JvmIT.java(LeakApp.class.getName()), checks));
        assertEquals(Map.of("leaky-daemon", "the JVM began to shut down", "late-worker", "the JVM began to shut down"),
                outlived(tmp, JvmIT.java(LeakApp.class.getName(), "exit"), checks));
    }

    /**
     * The common ForkJoinPool's workers, the virtual-thread scheduler's carriers and delay scheduler and the
     * unblocker outlive main by design: listed with their pool, not counted; the program's own thread named
     * like a common-pool worker, its executor and its own ForkJoinPool are leaks.
     */
    @Test
    void theJdksOwnPoolsOutliveMainByDesignButTheProgramsOwnPoolsAndImpostorsAreLeaks(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("pools.jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--assert", "threads.leaked == 3",
                "--assert", "threads.leaked{name=\"ForkJoinPool.commonPool-worker-99\"} == 1", "--"));
        args.addAll(JvmIT.java(JdkPoolsApp.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.out() + r.err());
        Map<String, String> leaks = new TreeMap<>();
        Map<String, String> byDesign = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("assertion")) assertTrue(n.get("passed").asBoolean(), n.toString());
            if (!n.path("type").asText().equals("thread") || n.get("outlived").isNull()) continue;
            JsonNode pool = n.get("outlived").get("jdk_pool");
            (pool.isNull() ? leaks : byDesign).merge(pool.isNull() ? n.get("name").asText() : pool.asText(), n.get("name").asText(),
                    (a, b) -> a + "," + b);
        }
        assertEquals(List.of("ForkJoinPool.commonPool-worker-99", "own-fj", "own-pool-1"), List.copyOf(leaks.keySet()), leaks.toString());
        assertEquals(List.of("ForkJoinPool.commonPool()", "virtual-thread scheduler", "virtual-thread unblocker"),
                List.copyOf(byDesign.keySet()), byDesign.toString());
        assertTrue(byDesign.get("virtual-thread scheduler").contains("delayScheduler"), byDesign.toString());
        Tool.Result report = Tool.run(Tool.jar("report", "--no-live", "--report", "leaks", "--width", "200", trace.toString()));
        assertTrue(report.out().contains("3 threads were still running"), report.out());
        assertTrue(report.out().lines().anyMatch(l -> l.matches("    \\d+ ForkJoinPool-1-w\\S* +daemon  the JDK's virtual-thread scheduler:"
                + " outlives main by design .*")), report.out());
    }

    /**
     * The threads the JDK makes for itself (InnocuousThread.newSystemThread: the process reaper, HTTP's
     * Keep-Alive-Timer) outlive main by design: listed with the JDK class that started them, not counted;
     * the program's own Cleaner thread (an InnocuousThread with the system loader) and its thread named
     * "process reaper" are leaks. Main ended by an uncaught exception is said so, with the exception's class
     * the JVM itself printed (its exit status 1 and "Exception in thread \"main\" CLASS", as untraced).
     */
    @Test
    void theJdksOwnSystemThreadsOutliveMainByDesignAndMainThatThrewIsNotSaidToHaveReturned(@TempDir Path tmp) throws Exception {
        String thrown = JdkThreadsApp.Thrown.class.getName();
        ProcessBuilder untraced = new ProcessBuilder(JvmIT.java(JdkThreadsApp.class.getName(), "throw")).redirectErrorStream(true);
        Process p = untraced.start();
        String untracedOut = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), untracedOut);
        assertTrue(untracedOut.contains("Exception in thread \"main\" " + thrown + ": main gives up"), untracedOut);
        for (String mode : List.of("return", "throw")) {
            boolean threw = mode.equals("throw");
            Path trace = tmp.resolve(mode + ".jsonl");
            List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--assert", "threads.leaked == 2",
                    "--assert", "threads.leaked{name=\"process reaper\"} == 1", "--"));
            args.addAll(JvmIT.java(JdkThreadsApp.class.getName(), mode));
            Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
            Tool.Result report = Tool.run(Tool.jar("report", "--no-live", "--report", "leaks", "--width", "200", trace.toString()));
            assertEquals(threw ? 1 : 0, r.code(), r.out() + r.err() + report.out());
            assertEquals(threw, r.err().contains("Exception in thread \"main\" " + thrown + ": main gives up"), r.err());
            Map<String, String> leaks = new TreeMap<>(), byDesign = new TreeMap<>();
            List<String> scopes = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(trace)) {
                JsonNode n = json.readTree(line);
                if (n.path("type").asText().equals("assertion")) assertTrue(n.get("passed").asBoolean(), n.toString());
                if (!n.path("type").asText().equals("thread") || n.get("outlived").isNull() || !n.path("java").isObject()) continue;
                JsonNode outlived = n.get("outlived"), jdkThread = outlived.get("jdk_thread");
                assertTrue(outlived.get("jdk_pool").isNull(), n.toString());
                scopes.add(outlived.get("scope").asText());
                if (jdkThread.isNull()) leaks.put(n.get("name").asText(), "");
                else byDesign.put(n.get("name").asText(), jdkThread.asText());
            }
            assertEquals(List.of("Cleaner-0", "process reaper"), List.copyOf(leaks.keySet()), leaks.toString());
            assertEquals(Map.of("process reaper", "java.lang.ProcessHandleImpl", "Keep-Alive-Timer", "sun.net.www.http.KeepAliveCache"),
                    byDesign);
            String scope = threw ? "main threw " + thrown : "main returned";
            assertEquals(List.of(scope), scopes.stream().distinct().toList());
            assertTrue(Pattern.compile("  process \\d+ java: " + Pattern.quote(scope) + " @[0-9.]+m?s: 2 threads were still running")
                    .matcher(report.out()).find(), report.out());
            assertTrue(report.out().contains("and 2 threads the JDK made for itself, which outlive main by design (not counted):"),
                    report.out());
            assertTrue(report.out().lines().anyMatch(l -> l.matches("    \\d+ Keep-Alive-Timer +daemon  the JDK's own thread, started by"
                    + " sun\\.net\\.www\\.http\\.KeepAliveCache: outlives main by design .*")), report.out());
        }
    }

    @Test
    void aJvmWithoutTheJavaViewIsNotJudged(@TempDir Path tmp) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--jvm", "off", "--no-live", "--report", "leaks", "--"));
        args.addAll(JvmIT.java(LeakApp.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("is a JVM without the Java view (--jvm off, or older than JDK 25)"), r.out());
        assertTrue(!r.out().contains("GC Thread"), "the JVM's own threads are never listed: " + r.out());
    }

    /**
     * A process ended by _exit from a signal handler, or by another thread's _exit: the kernel shows
     * an exit_group, by which thread and with what status, and that is what is said; "main
     * returned" was said for both (main never returned).
     */
    @Test
    void aProcessEndedByExitGroupElsewhereThanMainsReturnIsNotSaidToHaveReturned(@TempDir Path tmp) throws Exception {
        String leak = Traced.fixture("leak").toString();
        assertEquals(Map.of("leaked", "exit_group(5) by the main thread"), outlived(tmp, 5, List.of(leak, "handler_exit"), "threads.leaked == 1"));
        Map<String, String> byQuitter = outlived(tmp, 4, List.of(leak, "thread_exit"), "threads.leaked == 1");
        assertEquals(List.of("leaked"), List.copyOf(byQuitter.keySet()));
        assertTrue(byQuitter.get("leaked").matches("exit_group\\(4\\) by \\d+"), byQuitter.toString());
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "leaks", "--", leak, "thread_exit"));
        assertEquals(4, r.code(), r.err());
        assertTrue(Pattern.compile("  process \\d+ leak: exit_group\\(4\\) by \\d+ quitter @[0-9.]+ms: 1 thread was still running\n    \\d+ leaked ")
                .matcher(r.out()).find(), r.out());
        assertTrue(!r.out().contains("main returned"), r.out());
    }
}
