package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.decode.KernelBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Names set through io_uring (native/uring_comm.c): an IORING_OP_WRITE to a thread's /proc comm file
 * is done by the kernel, with no ptrace stop; the tracer reads the names of a process that set up a
 * ring where it stops anyway. The oracle is the program itself: each thread reads its own /proc comm
 * at its end. The JSONL names, the tree read back from the trace and the assertions (live and
 * replayed) all say what the kernel kept. If the kernel refuses io_uring the test fails, saying so.
 */
@Timeout(120)
class UringNamesIT {
    /**
     * Each submission waited for in io_uring_enter: the names are seen at its exit, and the worker's
     * rename between two of its own prctls is kept in order (the tracer knew "second").
     */
    @Test
    void namesWrittenThroughARingAreTheKernels(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        Map<String, Thread> kernel = traced(tmp, trace);
        List<JsonNode> threads = ThreadNamesIT.records(trace, "thread");
        assertNamesAreTheKernels(kernel, threads);
        assertEquals("[\"uring_comm\",\"orig-name\",\"via-uring\",\"second\",\"via-uring\"]",
                thread(threads, kernel.get("worker").tid()).path("names").toString(), "every name, in order");
        assertEquals("[\"uring_comm\",\"main-uring\"]", thread(threads, kernel.get("main").tid()).path("names").toString());
        for (JsonNode seen : ThreadNamesIT.records(trace, "comm_seen")) {
            assertEquals("io_uring_enter", seen.path("seen_at").asText(), "each seen at the enter that waited for it: " + seen);
            assertEquals(kernel.get("main").tid(), seen.path("by").asInt(), seen.toString());
        }

        // Read back: the tree and the assertions say the same.
        Tool.Result report = Tool.run(Tool.jar("report", "--no-live", "--report", "tree", trace.toString()));
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains(kernel.get("main").tid() + " main-uring (was uring_comm)")
                && report.out().contains(kernel.get("worker").tid() + " via-uring (was uring_comm)"), report.out());
        String[] asserts = {"--assert", "threads{name=\"via-uring\"}.count == 1", "--assert", "threads{name=\"main-uring\"}.count == 1",
                "--assert", "threads{name=\"orig-name\"}.count == 0", "--assert", "threads{name=\"uring_comm\"}.count == 0"};
        Tool.Result check = Tool.run(Tool.jar(concat(concat(new String[] {"check"}, asserts), new String[] {trace.toString()})));
        assertEquals(0, check.code(), check.out() + check.err());

        // Live, in text: the tree and the kernel tree, the lines, the assertions.
        Path said = tmp.resolve("again");
        Tool.Result live = Tool.run(Tool.jar(concat(concat(new String[] {"run", "-e", "exit", "--report", "tree"}, asserts),
                new String[] {"--", Traced.fixture("uring_comm").toString(), said.toString()})));
        refusedSays(live);
        assertEquals(0, live.code(), live.out() + live.err());
        Map<String, Thread> again = oracle(said);
        assertTrue(live.out().contains(again.get("worker").tid() + " via-uring   thread of " + again.get("main").tid()), live.out());
        assertTrue(live.out().contains("[" + again.get("worker").tid() + " via-uring] +++ named \"via-uring\", seen in /proc at io_uring_enter of "
                + again.get("main").tid() + " (no stop showed the write: io_uring) +++"), live.out());
    }

    /**
     * An IORING_SETUP_SQPOLL ring: the kernel's polling thread takes the submissions, and the
     * program waits by spinning on the completion ring, with no io_uring_enter after the first.
     * The names are then seen at the ends: the worker's at its exit, main's at the exit_group.
     */
    @Test
    void namesWrittenByAPollingRingAreSeenAtTheThreadsEnds(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        Map<String, Thread> kernel = traced(tmp, trace, "sqpoll");
        List<JsonNode> threads = ThreadNamesIT.records(trace, "thread");
        assertNamesAreTheKernels(kernel, threads);
        List<JsonNode> seen = ThreadNamesIT.records(trace, "comm_seen");
        JsonNode mainSeen = seen.stream().filter(s -> s.path("tid").asInt() == kernel.get("main").tid()).reduce((a, b) -> b).orElseThrow();
        assertEquals("main-uring", mainSeen.path("new_name").asText());
        assertEquals("exit_group", mainSeen.path("seen_at").asText(), seen.toString());
        JsonNode workerSeen = seen.stream().filter(s -> s.path("tid").asInt() == kernel.get("worker").tid()).reduce((a, b) -> b).orElseThrow();
        assertEquals("exit", workerSeen.path("seen_at").asText(), seen.toString());
    }

    /**
     * More threads than a look at an enter reads in turn, the worker last: the ring writes "ring-one"
     * then "via-uring" to the worker's comm file (a descriptor main opened), each waited for in its
     * own io_uring_enter, with no stop of the worker between. Each is read at the enter that waited
     * for it (the thread the descriptor names), so both are kept, in order; read in turn only, the
     * first enter's look took the four lowest tids and "ring-one" was lost.
     */
    @Test
    void twoNamesTheRingWroteBetweenTwoOfTheThreadsOwnStopsAreBothKept(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        Map<String, Thread> kernel = traced(tmp, trace, "many");
        List<JsonNode> threads = ThreadNamesIT.records(trace, "thread");
        assertEquals(8, threads.size(), "main, six idle threads, the worker");
        assertNamesAreTheKernels(kernel, threads);
        assertEquals("[\"uring_comm\",\"orig-name\",\"ring-one\",\"via-uring\",\"second\",\"via-uring\"]",
                thread(threads, kernel.get("worker").tid()).path("names").toString(), "every name, in order");
        for (JsonNode seen : ThreadNamesIT.records(trace, "comm_seen")) {
            assertEquals("io_uring_enter", seen.path("seen_at").asText(), "each seen at the enter that waited for it: " + seen);
        }
    }

    /**
     * A polling ring renames both threads, then main SIGKILLs the process: no stop shows the writes and
     * none comes before the threads end (SIGKILL has no signal-delivery stop) but each thread's exit
     * stop, which a process with a ring has: the names are read there, as the kernel had them.
     */
    @Test
    void threadsKilledBeforeAnyOtherLookKeepTheNamesTheRingWrote(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        Map<String, Thread> kernel = traced(tmp, trace, 137, "sqpoll-kill");
        List<JsonNode> threads = ThreadNamesIT.records(trace, "thread");
        assertNamesAreTheKernels(kernel, threads);
        List<JsonNode> seen = ThreadNamesIT.records(trace, "comm_seen");
        for (String role : List.of("main", "worker")) {
            JsonNode last = seen.stream().filter(s -> s.path("tid").asInt() == kernel.get(role).tid()).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError(role + ": " + seen));
            assertEquals("exit", last.path("seen_at").asText(), role + ": " + seen);
            assertEquals(kernel.get(role).tid(), last.path("by").asInt(), "seen at its own exit stop: " + last);
        }
    }

    private record Thread(int tid, byte[] name) {}

    /** Runs the fixture traced into {@code trace}; what it read of its threads' names. */
    private static Map<String, Thread> traced(Path tmp, Path trace, String... mode) throws Exception {
        return traced(tmp, trace, 0, mode);
    }

    /** The same, for a run that ends with {@code status}. */
    private static Map<String, Thread> traced(Path tmp, Path trace, int status, String... mode) throws Exception {
        Path said = tmp.resolve("kernel");
        Tool.Result r = Tool.run(Tool.jar(concat(new String[] {"run", "--no-live", "--report", "none", "--format", "jsonl", "-o",
                trace.toString(), "--", Traced.fixture("uring_comm").toString(), said.toString()}, mode)));
        refusedSays(r);
        assertEquals(status, r.code(), r.err());
        return oracle(said);
    }

    /** The kernel refused io_uring: the test cannot show anything, and says why. */
    private static void refusedSays(Tool.Result r) {
        r.err().lines().filter(l -> l.startsWith("io_uring refused")).findFirst()
                .ifPresent(l -> fail("this kernel refuses io_uring, which the test needs: " + l));
    }

    /** "ROLE TID HEX" lines: each thread's /proc comm, read by itself at its end. */
    private static Map<String, Thread> oracle(Path said) throws Exception {
        Map<String, Thread> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(said)) {
            String[] f = line.split(" ");
            out.put(f[0], new Thread(Integer.parseInt(f[1]), f.length > 2 ? HexFormat.of().parseHex(f[2]) : new byte[0]));
        }
        assertEquals(List.of("worker", "main"), List.copyOf(out.keySet()), "both threads said their names");
        assertEquals("via-uring", new String(out.get("worker").name(), StandardCharsets.UTF_8), "the ring renamed the worker");
        assertEquals("main-uring", new String(out.get("main").name(), StandardCharsets.UTF_8), "the ring renamed main");
        return out;
    }

    private static void assertNamesAreTheKernels(Map<String, Thread> kernel, List<JsonNode> threads) {
        for (Thread t : kernel.values()) {
            assertEquals(HexFormat.of().formatHex(t.name()),
                    HexFormat.of().formatHex(KernelBytes.encode(thread(threads, t.tid()).path("name").asText())), "thread " + t.tid());
        }
    }

    private static JsonNode thread(List<JsonNode> threads, int tid) {
        return threads.stream().filter(t -> t.path("tid").asInt() == tid).findFirst().orElseThrow(() -> new AssertionError("no thread " + tid));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
