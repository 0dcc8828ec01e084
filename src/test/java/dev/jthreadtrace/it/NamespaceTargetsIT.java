package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.sys.ProcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ids a call names in a PID namespace ({@code unshare --pid --fork}, the README's container recipe)
 * are the caller's there, not the kernel's: {@code sched_setaffinity(pid)} and a write to
 * {@code /proc/self/task/TID/comm} on another thread (set_other), the siginfo's sender of a stop
 * signal and a {@code wait4}'s pid (wait_stopped), also through a namespace made inside another
 * (each level has its ids: NSpid has a column per level). The truth is the program's own printout
 * (its ids in its namespace) and {@code NSpid} in {@code /proc/PID/status} of the live tasks. Needs
 * root, as CI has; a refused unshare fails the test with the kernel's word.
 */
@Timeout(240)
class NamespaceTargetsIT {
    private static final List<String> ONE = List.of("unshare", "--pid", "--fork", "--mount-proc"),
            TWO = List.of("unshare", "--pid", "--fork", "unshare", "--pid", "--fork", "--mount-proc");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    /** The thread records of a JSONL trace. */
    private static List<JsonNode> threads(Path trace) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode r = json.readTree(line);
            if (r.path("type").asText().equals("thread")) out.add(r);
        }
        return out;
    }

    /** The one thread record with this name and id in its own namespace. */
    private static JsonNode thread(List<JsonNode> threads, String name, int nsTid) {
        List<JsonNode> found = threads.stream().filter(t -> t.path("name").asText().equals(name) && t.path("ns_tid").asInt() == nsTid).toList();
        assertEquals(1, found.size(), name + " [ns " + nsTid + "] in " + threads);
        return found.getFirst();
    }

    /** The thread record of kernel tid {@code tid}. */
    private static JsonNode thread(List<JsonNode> threads, long tid) {
        return threads.stream().filter(t -> t.path("tid").asLong() == tid).findFirst().orElseThrow(() -> new AssertionError(tid + " in " + threads));
    }

    /**
     * set_other in a namespace: main sets t1's affinity with sched_setaffinity(T1) and its name through
     * /proc/self/task/T1/comm, T1 being t1's id there (the program prints it). Both changes are t1's,
     * made by main, in the run's timeline and in the saved trace's; without the translation the
     * affinity went to the kernel's task T1 (none traced: lost, or another thread) and the name was lost.
     */
    @Test
    void aSettingMadeOnAnotherThreadByItsNamespaceIdIsThatThreads(@TempDir Path tmp) throws Exception {
        HangNamespacesIT.assertUnshareWorks();
        for (List<String> unshare : List.of(ONE, TWO)) {
            Path trace = tmp.resolve(unshare.size() + ".jsonl");
            List<String> command = new ArrayList<>(unshare);
            command.add(Traced.fixture("set_other").toString());
            List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--"));
            args.addAll(command);
            Tool.Result run = Tool.run(Tool.jar(args.toArray(String[]::new)));
            assertEquals(0, run.code(), "t2 inherited the name and the CPU main gave t1 (untraced truth): " + run.out() + run.err());
            Matcher printed = Pattern.compile("(?m)^t1 (\\d+)$").matcher(run.out());
            assertTrue(printed.find(), run.out());
            int t1Own = Integer.parseInt(printed.group(1));
            List<JsonNode> threads = threads(trace);
            JsonNode t1 = thread(threads, "named-by-main", t1Own), main = thread(threads, "set_other", 1);
            assertEquals("named-by-main", t1.path("name").asText(), t1.toString());
            assertTrue(t1.path("tid").asInt() != t1Own, "the kernel's tid is not the namespace's: " + t1);
            Tool.Result report = Tool.run(Tool.jar("report", "--report", "timeline", "--width", "200", trace.toString()));
            assertEquals(0, report.code(), report.err());
            String who = t1.path("tid").asInt() + " \\[ns " + t1Own + "\\] named-by\\S*", by = "set by " + main.path("tid").asInt()
                    + " \\[ns \\d+\\] set_other;";
            assertTrue(Pattern.compile("(?m)^ +@\\S+ +" + who + " +affinity default → \\d+ +" + by).matcher(report.out()).find(),
                    unshare + ": the affinity, t1's, set by main: " + report.out());
            assertTrue(Pattern.compile("(?m)^ +@\\S+ +" + who + " +name set_other → named-by-main +" + by).matcher(report.out()).find(),
                    unshare + ": the name too: " + report.out());
        }
    }

    /**
     * affinity_wide tid in a namespace: main asks for every CPU with sched_setaffinity(gettid()), 1
     * there. The call is main's own, so the mask the kernel set is read back at its exit, and its
     * thread inherits that, as /proc tells the untraced run (without the translation: no change at
     * all, the kernel's pid 1 being no traced task, and the read-back skipped).
     */
    @Test
    void aThreadSettingItsOwnAffinityByItsNamespaceTidGetsTheKernelsMask(@TempDir Path tmp) throws Exception {
        HangNamespacesIT.assertUnshareWorks();
        String fixture = Traced.fixture("affinity_wide").toString();
        Matcher truth = Pattern.compile("(?m)^truth wide-child (\\S+)$").matcher(Tool.run(List.of(fixture, "tid")).out());
        assertTrue(truth.find(), "the untraced run's /proc");
        String check = "inherits{name=\"wide-child\", hook=\"affinity\"} == \"" + truth.group(1) + "\"";
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--report", "none", "--assert", check, "--"));
        args.addAll(ONE);
        args.addAll(List.of(fixture, "tid"));
        Tool.Result run = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("truth wide-child " + truth.group(1) + "\n"), "traced as untraced: " + run.out());
    }

    /** The host pid and NSpid's innermost id of each live process under the tool whose executable ends with {@code exe}. */
    private static Map<Integer, Long> hostPids(Process tool, String exe) {
        Map<Integer, Long> byOwnId = new HashMap<>();
        tool.descendants().filter(h -> h.info().command().map(c -> c.endsWith(exe)).orElse(false)).forEach(h -> {
            String[] nspid = ProcStatus.of((int) h.pid()).text("NSpid").trim().split("\\s+");
            byOwnId.put(Integer.parseInt(nspid[nspid.length - 1]), h.pid());
        });
        return byOwnId;
    }

    /**
     * wait_stopped in a namespace, and in one made inside another: ws-main (pid 1 there) stops ws-child
     * (2) with kill and waits for it with wait4(2). The child's stop is sent by ws-main (si_pid 1: not
     * the machine's init), ws-main waits for ws-child, and in the nested case the inner unshare's
     * wait4 names ws-main by the id it has in the outer namespace (2, its innermost being 1).
     */
    @Test
    void aStopsSenderAndAWaitsPidAreTheTasksTheirNamespaceIdsName(@TempDir Path tmp) throws Exception {
        HangNamespacesIT.assertUnshareWorks();
        for (List<String> unshare : List.of(ONE, TWO)) {
            Path trace = tmp.resolve(unshare.size() + ".jsonl"), err = tmp.resolve(unshare.size() + ".err");
            List<String> args = new ArrayList<>(List.of("run", "--no-live", "--jvm", "off", "--format", "jsonl", "--kill-after", "1s",
                    "-o", trace.toString(), "--"));
            args.addAll(unshare);
            args.add(Traced.fixture("wait_stopped").toString());
            Process tool = new ProcessBuilder(Tool.jar(args.toArray(String[]::new))).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            started.add(tool);
            Map<Integer, Long> host;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
                String said = out.readLine();
                assertEquals("stopped 1 2", said, "the program's own ids: " + Files.readString(err));
                host = hostPids(tool, "/wait_stopped");
                assertTrue(host.containsKey(1) && host.containsKey(2), "NSpid of ws-main and ws-child: " + host);
                Tool.signal(tool.pid(), "TERM");
                assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ended");
            }
            long wsMain = host.get(1), wsChild = host.get(2);
            List<JsonNode> threads = threads(trace);
            JsonNode child = thread(threads, wsChild), parent = thread(threads, wsMain);
            assertEquals("ws-child", child.path("name").asText(), child.toString());
            assertEquals(2, child.path("ns_tid").asInt(), "NSpid's innermost, as the program printed it: " + child);
            assertEquals(wsMain, child.path("stopped").path("sender").asLong(), "sent by ws-main: " + child);
            assertEquals(wsChild, parent.path("blocked").path("waits_for").path("tid").asLong(), "ws-main waits for ws-child: " + parent);
            Tool.Result report = Tool.run(Tool.jar("report", "--report", "blocked", "--width", "300", trace.toString()));
            assertEquals(0, report.code(), report.err());
            assertTrue(Pattern.compile("\\n +" + wsChild + " \\[ns 2\\] ws-child +stopped by SIGSTOP @\\S+, sent by " + wsMain
                    + " \\[ns 1\\] ws-main \\(kill\\)").matcher(report.out()).find(), unshare + ": " + report.out());
            if (unshare == TWO) {
                JsonNode waiter = thread(threads, "unshare", 1);
                assertEquals(wsMain, waiter.path("blocked").path("waits_for").path("tid").asLong(),
                        "the inner unshare's wait4(2) is for ws-main, 2 in the outer namespace: " + waiter);
            }
        }
    }
}
