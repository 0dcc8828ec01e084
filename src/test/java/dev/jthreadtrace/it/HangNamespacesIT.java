package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.sys.ProcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "My program hangs" in a PID namespace (the README's {@code run -- unshare --pid --fork ...}
 * recipe, a container): a lock word's {@code __owner}, the value a join waits on and a clone's
 * result hold the program's ids in its namespace, not the kernel's. The same deadlocked fixtures
 * (HangIT's deadlock_join, HangOwnersIT's process-shared deadlock) traced with and without the
 * namespace give the same cycle, the same owners and the same join. Needs root, as CI has; a
 * refused unshare fails the test with the kernel's word.
 */
@Timeout(240)
class HangNamespacesIT {
    private static final boolean ROOT = "0".equals(ProcStatus.self().text("Uid").split("\\s+")[0]);
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    /** The kernel lets this user make a PID namespace: else the test fails here, saying why. */
    static void assertUnshareWorks() {
        Tool.Result r = Tool.run(List.of("unshare", "--pid", "--fork", "true"));
        assertEquals(0, r.code(), "unshare --pid refused (root needed, as in CI; running as root: " + ROOT + "): " + r.err());
    }

    /** What a traced deadlock left: the text output and the host pid of the deadlocked process. */
    private record Hung(String text, long pid) {}

    /**
     * deadlock_join (its locker-a, locker-b deadlock; main joins locker-a) traced with --assert
     * 'deadlocks == 1', under {@code unshare --pid --fork} when {@code namespace}; ended by SIGINT
     * (the namespace's init ignores it: --kill-after ends it).
     */
    private Hung deadlockJoin(Path tmp, boolean namespace) throws Exception {
        return deadlockJoin(tmp, namespace, tmp.resolve(namespace + ".txt"));
    }

    /** {@link #deadlockJoin(Path, boolean)} written to {@code out}, with {@code format} ({@code --format jsonl}) if given. */
    private Hung deadlockJoin(Path tmp, boolean namespace, Path out, String... format) throws Exception {
        Path err = tmp.resolve(namespace + ".err");
        List<String> args = new ArrayList<>(List.of("run", "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "250",
                "--kill-after", "2s", "--assert", "deadlocks == 1"));
        args.addAll(List.of(format));
        args.add("--");
        if (namespace) args.addAll(List.of("unshare", "--pid", "--fork"));
        args.add(Traced.fixture("deadlock_join").toString());
        Process tool = Hangs.start(started, Tool.jar(args.toArray(String[]::new)), err);
        int said = Hangs.pidAfter(tool, "deadlocked ");
        long pid = namespace ? hostPidOf(tool, "/deadlock_join") : said;
        if (namespace) assertEquals(1, said, "getpid() in its namespace");
        Hangs.awaitAsleepInFutex(pid, "", 3);
        Hangs.interrupt(tool);
        return new Hung(Files.readString(out) + Files.readString(err), pid);
    }

    /** The tool's traced descendant whose executable ends with {@code exe}: its pid as the kernel (the host) knows it. */
    private static long hostPidOf(Process tool, String exe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var found = tool.descendants().filter(h -> h.info().command().map(c -> c.endsWith(exe)).orElse(false)).findFirst();
            if (found.isPresent()) return found.get().pid();
            Thread.sleep(20);
        }
        throw new AssertionError("no " + exe + " under the tool");
    }

    private static String section(String text, String title) {
        int at = text.indexOf(title);
        assertTrue(at >= 0, title + " in " + text);
        return text.substring(at);
    }

    private static int tidOf(String text, String name) {
        Matcher m = Pattern.compile("\\[(\\d+) " + Pattern.quote(name) + "]").matcher(text);
        assertTrue(m.find(), name + " in " + text);
        return Integer.parseInt(m.group(1));
    }

    /** {@code 20561 [ns 2]} and {@code 20561} alike: tid {@code tid} as the report names it, with its namespace's id where that differs. */
    private static String tid(int tid) {
        return tid + "(?: \\[ns \\d+\\])?";
    }

    /** {@code 20561 [ns 2] locker-a} and {@code 20561 locker-a} alike. */
    private static String label(int tid, String name) {
        return tid(tid) + " " + Pattern.quote(name);
    }

    /** The report's lines with every tid and namespace id taken out: what it says about whom, by name. */
    private static String byName(String lines) {
        return lines.replaceAll("\\d+ (\\[ns \\d+\\] )?(?=[a-z])", "").replaceAll("0x[0-9a-f]+", "ADDR").replaceAll("[0-9.]+(ms|s)\\b", "T");
    }

    @Test
    void aDeadlockInAPidNamespaceIsTheCycleTheOwnersAndTheJoinFoundWithoutIt(@TempDir Path tmp) throws Exception {
        assertUnshareWorks();
        Hung plain = deadlockJoin(tmp, false), inNs = deadlockJoin(tmp, true);
        for (Hung t : List.of(plain, inNs)) {
            String text = t.text(), report = section(text, "BLOCKED AT THE END");
            int a = tidOf(text, "locker-a"), b = tidOf(text, "locker-b");
            assertTrue(Pattern.compile("owner " + tid(b) + " \\(glibc mutex __owner, inferred").matcher(report).find(), report);
            assertTrue(Pattern.compile("owner " + tid(a) + " \\(glibc mutex __owner, inferred").matcher(report).find(), report);
            assertFalse(report.contains("is no thread of a process sharing the word"), report);
            assertTrue(Pattern.compile("deadlock 1 \\(native, 2 threads\\): " + label(a, "locker-a") + " → " + label(b, "locker-b") + " → "
                    + label(a, "locker-a")).matcher(report).find(), report);
            assertTrue(Pattern.compile("waits for " + label(a, "locker-a") + ", which is the thread it joins, by its clear-tid word")
                    .matcher(report).find(), "main's join: " + report);
            assertTrue(report.contains("PASS  deadlocks == 1"), report);
        }
        // The namespace's ids are shown beside the kernel's: locker-b is tid 3 there.
        assertTrue(inNs.text().contains(tidOf(inNs.text(), "locker-b") + " [ns 3] locker-b"), inNs.text());
        String deadlocksPlain = byName(section(plain.text(), "DEADLOCKS (")), deadlocksNs = byName(section(inNs.text(), "DEADLOCKS ("));
        assertEquals(deadlocksPlain.substring(0, deadlocksPlain.indexOf("ASSERTIONS")), deadlocksNs.substring(0, deadlocksNs.indexOf("ASSERTIONS")));
    }

    /**
     * The same run saved as JSONL: its owners, main's join and the cycle are the kernel's tids, and
     * the saved trace read back gives the same DEADLOCKS and assertion as the run.
     */
    @Test
    void aSavedTraceOfADeadlockInAPidNamespaceNamesTheKernelsTidsAndReadsBackTheSame(@TempDir Path tmp) throws Exception {
        assertUnshareWorks();
        Path trace = tmp.resolve("ns.jsonl");
        deadlockJoin(tmp, true, trace, "--format", "jsonl");
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> threads = new HashMap<>();
        JsonNode deadlock = null;
        for (String line : Files.readAllLines(trace)) {
            JsonNode r = json.readTree(line);
            if (r.path("type").asText().equals("thread")) threads.put(r.path("name").asText(), r);
            if (r.path("type").asText().equals("deadlock")) deadlock = r;
        }
        JsonNode a = threads.get("locker-a"), b = threads.get("locker-b"), main = threads.get("deadlock_join");
        assertTrue(a != null && b != null && main != null && deadlock != null, threads.keySet() + " " + deadlock);
        assertEquals(3, b.path("ns_tid").asInt(), b.toString());
        assertEquals(b.path("tid").asInt(), a.path("blocked").path("futex").path("owner").asInt(), a.toString());
        assertEquals(a.path("tid").asInt(), b.path("blocked").path("futex").path("owner").asInt(), b.toString());
        assertEquals(a.path("tid").asInt(), main.path("blocked").path("futex").path("joining").asInt(), main.toString());
        assertEquals(List.of(a.path("tid").asInt(), b.path("tid").asInt()),
                deadlock.path("threads").findValues("tid").stream().map(JsonNode::asInt).toList(), deadlock.toString());
        Tool.Result report = Tool.run(Tool.jar("report", "--report", "blocked", "--width", "250", trace.toString()));
        assertTrue(report.out().contains("deadlock 1 (native, 2 threads): " + a.path("tid").asInt() + " [ns 2] locker-a → "
                + b.path("tid").asInt() + " [ns 3] locker-b → "), report.out() + report.err());
        assertEquals(0, Tool.run(Tool.jar("check", "--assert", "deadlocks == 1", trace.toString())).code());
    }

    /**
     * hang_owners pshared: a process and its forked child deadlock on two process-shared mutexes;
     * psharedns: the child is pid 1 of a PID namespace of its own (unshare(CLONE_NEWPID) before the
     * fork), so the parent's word holds 1 for the child's lock, the child's the parent's kernel pid.
     */
    private String pshared(Path tmp, String mode) throws Exception {
        Path out = tmp.resolve(mode + ".txt"), err = tmp.resolve(mode + ".err");
        Process tool = Hangs.start(started, Tool.jar("run", "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "250",
                "--kill-after", "2s", "--assert", "deadlocks == 1", "--", Traced.fixture("hang_owners").toString(), mode), err);
        int pid = Hangs.pidAfter(tool, "hung ");
        Hangs.awaitInFutex(pid, 1);
        String children = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).strip();
        assertFalse(children.isEmpty(), "the fixture forked");
        Hangs.awaitInFutex(Integer.parseInt(children.split(" ")[0]), 1);
        Thread.sleep(500); // the tracer has seen both entries
        Hangs.interrupt(tool);
        return Files.readString(out) + Files.readString(err) + "\nPARENT " + pid + " CHILD " + children.split(" ")[0];
    }

    @Test
    void aDeadlockBetweenAProcessAndItsChildInAnotherPidNamespaceIsFound(@TempDir Path tmp) throws Exception {
        assertUnshareWorks();
        for (String mode : List.of("pshared", "psharedns")) {
            String text = pshared(tmp, mode);
            Matcher ids = Pattern.compile("PARENT (\\d+) CHILD (\\d+)$").matcher(text);
            assertTrue(ids.find(), text);
            int parent = Integer.parseInt(ids.group(1)), child = Integer.parseInt(ids.group(2));
            String report = section(text, "BLOCKED AT THE END");
            assertFalse(report.contains("is no thread of a process sharing the word"), report);
            String childLabel = mode.equals("psharedns") ? child + " [ns 1] hang_owners" : child + " hang_owners";
            assertTrue(report.contains("waits for " + childLabel + ", which holds the mutex, says glibc's __owner (inferred)"), report);
            assertTrue(report.contains("waits for " + parent + " hang_owners, which holds the mutex, says glibc's __owner (inferred)"), report);
            String first = Math.min(parent, child) == parent ? parent + " hang_owners" : childLabel;
            String second = first.startsWith(parent + " ") ? childLabel : parent + " hang_owners";
            assertTrue(report.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), report);
            assertTrue(report.contains("PASS  deadlocks == 1"), report);
        }
    }

    /**
     * psharednspi: the same on PI mutexes. The kernel reads a PI word in the waiter's namespace: the
     * child's FUTEX_LOCK_PI on the parent's word fails with ESRCH (its pid is none there) and glibc
     * parks the child for good, a wait for that lock's owner; the parent waits in FUTEX_LOCK_PI on
     * the word holding 1, the child's pid in its namespace.
     */
    @Test
    void aPiLockTheKernelRefusedWithEsrchAcrossNamespacesIsAWaitForItsOwner(@TempDir Path tmp) throws Exception {
        assertUnshareWorks();
        String text = pshared(tmp, "psharednspi");
        Matcher ids = Pattern.compile("PARENT (\\d+) CHILD (\\d+)$").matcher(text);
        assertTrue(ids.find(), text);
        int parent = Integer.parseInt(ids.group(1)), child = Integer.parseInt(ids.group(2));
        // Whole, or (another thread's line came between) begun "<unfinished ...>" and "<... futex resumed>".
        assertTrue(Pattern.compile("\\[" + child + " hang_owners] (futex\\(0x[0-9a-f]+, FUTEX_LOCK_PI, NULL|<\\.\\.\\. futex resumed>)\\) = -1 ESRCH")
                .matcher(text).find(), text);
        String report = section(text, "BLOCKED AT THE END");
        assertTrue(report.contains("owner " + child + " [ns 1] (PI futex word)"), report);
        assertTrue(report.contains("waits for " + parent + " hang_owners, which holds the PI futex the kernel refused it with EDEADLK or ESRCH"),
                report);
        String childLabel = child + " [ns 1] hang_owners";
        String first = Math.min(parent, child) == parent ? parent + " hang_owners" : childLabel;
        String second = first.startsWith(parent + " ") ? childLabel : parent + " hang_owners";
        assertTrue(report.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), report);
        assertTrue(report.contains("PASS  deadlocks == 1"), report);
    }
}
