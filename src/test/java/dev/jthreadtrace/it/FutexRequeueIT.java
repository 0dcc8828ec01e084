package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who woke whom for the futex ops on two words (futex(2), kernel/futex/requeue.c): a requeue wakes up
 * to val waiters and moves the others it returned to its second word, where a later wake releases
 * them; FUTEX_WAKE_OP wakes on both words. The fixtures' waiters are known; strace -f says what each
 * call returned (the kernel's count of woken plus moved), and the tool's edges must agree with it.
 */
@Timeout(300)
class FutexRequeueIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WAKE_OP = 5, CMP_REQUEUE = 4, REQUEUE = 3, WAIT = 0;
    /** A two-word call as strace prints it: op, val, val2 (or its timeout slot), uaddr2, return. */
    private static final Pattern STRACE_TWO_WORDS = Pattern.compile(
            "(?m)^futex\\((0x[0-9a-f]+), (FUTEX_(?:CMP_REQUEUE|WAKE_OP|REQUEUE)_PRIVATE), (\\d+), (\\d+), (0x[0-9a-f]+)[^)]*\\) += (\\d+)$");

    /** The fixture's words (A..G) by address, and its waiters' tids by name, as it printed them. */
    private record Fixture(Map<Long, String> words, Map<String, String> tids) {
        static Fixture of(String out) {
            Matcher w = Pattern.compile("futex_requeue: words (.*)").matcher(out);
            assertTrue(w.find(), out);
            Map<Long, String> words = new HashMap<>();
            String[] addresses = w.group(1).trim().split(" ");
            for (int i = 0; i < addresses.length; i++) words.put(Long.decode(addresses[i]), String.valueOf((char) ('A' + i)));
            Map<String, String> tids = new HashMap<>();
            Matcher t = Pattern.compile("futex_requeue: tid (\\S+) (\\d+)").matcher(out);
            while (t.find()) tids.put(t.group(1), t.group(2));
            return new Fixture(words, tids);
        }

        String word(String letter) {
            return words.entrySet().stream().filter(e -> e.getValue().equals(letter)).map(e -> "0x" + Long.toHexString(e.getKey()))
                    .findFirst().orElseThrow();
        }

        /** A call as the fixture's letters say it: {@code CMP_REQUEUE A 0 1 B = 1}. */
        String call(String op, long uaddr, long val, long val2, long uaddr2, long ret) {
            return op + " " + words.getOrDefault(uaddr, "?") + " " + val + " " + val2 + " " + words.getOrDefault(uaddr2, "?") + " = " + ret;
        }
    }

    /** What the fixture plans, and what the kernel must have answered: the calls that woke or moved someone. */
    private static final List<String> PLANNED = List.of("CMP_REQUEUE A 0 1 B = 1", "WAKE_OP D 0 1 C = 1", "CMP_REQUEUE E 1 1 B = 1",
            "CMP_REQUEUE F 0 1 G = 1");

    /** strace -ff (a file per thread: no call split by another's line) of {@code fixture}: every thread's lines, and its stdout. */
    private static String[] strace(Path tmp, String fixture) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("strace-" + fixture));
        Tool.Result r = Tool.run(List.of("strace", "-ff", "-qq", "-e", "trace=futex", "-o", dir.resolve("t").toString(),
                Traced.fixture(fixture).toString()));
        assertEquals(0, r.code(), "the calls returned as planned under strace:\n" + r.out() + r.err());
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) all.append(Files.readString(f));
        }
        return new String[] {all.toString(), r.out()};
    }

    /** The fixture run by the tool with its futex lines into a JSONL trace: the trace's records, the fixture's stdout. */
    private static List<JsonNode> traced(Path trace, String fixture, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "-q", "--jvm", "off", "-e", "futex", "--format", "jsonl", "-o", trace.toString()));
        args.addAll(List.of(options));
        args.addAll(List.of("--", Traced.fixture(fixture).toString()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), "the calls returned as planned under the tool:\n" + r.out() + r.err());
        Files.writeString(trace.resolveSibling(trace.getFileName() + ".out"), r.out());
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) records.add(JSON.readTree(line));
        return records;
    }

    /** The futex calls of a JSONL trace that returned. */
    private static List<JsonNode> futexCalls(List<JsonNode> records) {
        return records.stream().filter(n -> n.path("type").asText().equals("syscall") && n.path("syscall").asText().equals("futex")
                && n.path("returned").asBoolean()).toList();
    }

    private static int command(JsonNode call) {
        return (int) call.path("args").get(1).asLong() & ~(128 | 256);
    }

    private static String report(Path trace) {
        Tool.Result r = Tool.run(Tool.jar("report", "--report", "futex", "--width", "300", trace.toString()));
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    /**
     * requeue.c of the hostile tester, and more: w-moved was moved from A to B by main's requeue (which
     * woke nobody) and released by waker-b's wake on B; w-second was woken on C, the second word of
     * main's WAKE_OP; w-woken by main's requeue itself (val 1); of w-either-1 and -2 on F one was moved
     * to G, and which one no trace can say: neither is given the other's waker.
     */
    @Test
    void theEdgesFollowWhatEachRequeueAndWakeOpReturned(@TempDir Path tmp) throws IOException {
        String[] strace = strace(tmp, "futex_requeue");
        Fixture straced = Fixture.of(strace[1]);
        List<String> kernel = new ArrayList<>();
        Matcher m = STRACE_TWO_WORDS.matcher(strace[0]);
        while (m.find()) {
            long ret = Long.parseLong(m.group(6));
            if (ret > 0) kernel.add(straced.call(m.group(2).replace("FUTEX_", "").replace("_PRIVATE", ""), Long.decode(m.group(1)),
                    Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.decode(m.group(5)), ret));
        }
        assertEquals(PLANNED, kernel, "strace -f:\n" + strace[0]);

        for (String mode : List.of("-e futex", "--no-live")) {
            Path trace = tmp.resolve("trace-" + mode.replace(" ", "").replace("-", "") + ".jsonl");
            List<JsonNode> records = mode.equals("--no-live") ? tracedQuiet(trace) : traced(trace, "futex_requeue");
            Fixture f = Fixture.of(Files.readString(trace.resolveSibling(trace.getFileName() + ".out")));
            List<String> tool = new ArrayList<>();
            for (JsonNode c : futexCalls(records)) {
                int cmd = command(c);
                JsonNode a = c.path("args");
                if ((cmd == CMP_REQUEUE || cmd == WAKE_OP) && c.path("ret").asLong() > 0) {
                    tool.add(f.call(cmd == WAKE_OP ? "WAKE_OP" : "CMP_REQUEUE", a.get(0).asLong(), a.get(2).asLong(), a.get(3).asLong(),
                            a.get(4).asLong(), c.path("ret").asLong()));
                }
            }
            if (mode.equals("-e futex")) assertEquals(kernel, tool, "the tool's lines return what strace's did");

            String report = report(trace);
            String moved = f.tids().get("w-moved"), main = "\\d+ futex_requeue";
            assertTrue(Pattern.compile("\\d+ waker-b woke " + moved + " w-moved on " + f.word("B") + " @\\S+ after \\S+ \\(requeued there from "
                    + f.word("A") + " by " + main + " @\\S+\\)").matcher(report).find(), mode + ": released on B by waker-b:\n" + report);
            assertFalse(report.contains("woke " + moved + " w-moved on " + f.word("A")), mode + ": the requeue woke nobody:\n" + report);
            assertTrue(Pattern.compile(main + " woke " + f.tids().get("w-second") + " w-second on " + f.word("C") + " ").matcher(report).find(),
                    mode + ": WAKE_OP's second word:\n" + report);
            assertTrue(Pattern.compile(main + " woke " + f.tids().get("w-woken") + " w-woken on " + f.word("E") + " ").matcher(report).find(),
                    mode + ": the requeue that woke (val 1):\n" + report);
            assertTrue(Pattern.compile("(?m)^ +" + f.word("A") + " +waits 1, wakes 1, requeued 1,").matcher(report).find(), report);

            // w-either-*: an edge only on F by main's wake (the one not moved, when it returned before the wake of G
            // began); the others counted as not attributed.
            Matcher either = Pattern.compile("(\\d+) (\\S+) woke \\d+ w-either-\\d on (0x[0-9a-f]+) ").matcher(report);
            int edges = 0;
            while (either.find()) {
                edges++;
                assertEquals(List.of("futex_requeue", f.word("F")), List.of(either.group(2), either.group(3)), mode + ":\n" + report);
            }
            Matcher unattributed = Pattern.compile("… (\\d+) wake-ups? not attributed").matcher(report);
            assertTrue(unattributed.find(), mode + ": the moved one of F is not attributed:\n" + report);
            int count = Integer.parseInt(unattributed.group(1));
            assertEquals(2, edges + count, mode + ":\n" + report);
            if (mode.equals("--no-live")) {
                // The HTML page's wait of w-moved: shaded on its lane, the wake from waker-b's lane.
                String page = Files.readString(html(trace));
                assertTrue(Pattern.compile("w-moved waited \\S+ on " + f.word("B") + " \\(requeued there from " + f.word("A")
                        + "\\), woken by \\d+ waker-b ").matcher(page).find(), page);
            }
        }
    }

    private static Path html(Path trace) {
        return trace.resolveSibling(trace.getFileName() + ".html");
    }

    private static List<JsonNode> tracedQuiet(Path trace) throws IOException {
        // --no-live: the futex calls are recorded for the report only (a wake may be taken at its entry: decode.ExitNeeds)
        Path out = trace.resolveSibling(trace.getFileName() + ".out");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--jvm", "off", "--report", "futex", "--format", "jsonl", "-o",
                trace.toString(), "--html", html(trace).toString(), "--", Traced.fixture("futex_requeue").toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        Files.writeString(out, r.out());
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) records.add(JSON.readTree(line));
        return records;
    }

    /**
     * musl's pthread_cond_broadcast hands each waiter on to the mutex word with FUTEX_REQUEUE (wake 0,
     * move 1: strace says it returned 1, so it moved it); each waiter so moved is released by a wake on
     * the mutex word after that requeue, never by the requeue on its own word.
     */
    @Test
    void muslsCondvarBroadcastMovesTheWaitersToTheMutexWord(@TempDir Path tmp) throws IOException {
        assertTrue(Files.isExecutable(Path.of(System.getProperty("jthreadtrace.native", "target/native"), "musl_cond")),
                "musl_cond is not built: it needs musl-gcc (apt-get install musl-tools, as scripts/test does), then native/build");
        String straced = strace(tmp, "musl_cond")[0];
        assertTrue(Pattern.compile("(?m)^futex\\(0x[0-9a-f]+, FUTEX_REQUEUE_PRIVATE, 0, 1, 0x[0-9a-f]+\\) += 1$").matcher(straced).find(),
                "musl moves a waiter (wakes 0, moves 1, returns 1):\n" + straced);

        Path trace = tmp.resolve("cond.jsonl");
        List<JsonNode> calls = futexCalls(traced(trace, "musl_cond"));
        String report = report(trace);
        int moved = 0;
        for (JsonNode rq : calls) {
            JsonNode a = rq.path("args");
            if (command(rq) != REQUEUE || rq.path("ret").asLong() != 1 || a.get(2).asLong() != 0) continue;
            long from = a.get(0).asLong();
            String fromHex = "0x" + Long.toHexString(from), toHex = "0x" + Long.toHexString(a.get(4).asLong());
            // The waiter of that word (a waiter's own word in musl's condvar) whose wait returned 0.
            JsonNode wait = calls.stream().filter(c -> command(c) == WAIT && c.path("args").get(0).asLong() == from
                    && c.path("ret").asLong() == 0 && c.path("error").isNull()).findFirst().orElseThrow(() -> new AssertionError(fromHex));
            String waiter = wait.path("tid").asText();
            assertTrue(Pattern.compile("\\d+ \\S+ woke " + waiter + " cond-waiter on " + toHex + " @\\S+ after \\S+ \\(requeued there from "
                    + fromHex + " by " + rq.path("tid").asText() + " \\S+ @").matcher(report).find(),
                    "the waiter requeued off " + fromHex + " was released on the mutex word:\n" + report);
            assertFalse(report.contains("woke " + waiter + " cond-waiter on " + fromHex + " "), report);
            moved++;
        }
        assertTrue(moved >= 1, "musl requeued at least one waiter:\n" + report);
    }
}
