package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.decode.KernelBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names a thread gets from another thread: glibc's pthread_setname_np(other, ...) writes
 * /proc/self/task/TID/comm, no prctl happens (native/setname_other.c names 284 workers from main).
 * Traced with run and with attach, every worker has its name, and the change is timed. Every
 * other way of writing a comm file (native/comm_writes.c, a shell's echo into it) gives the name
 * the kernel kept, byte for byte: what the program itself read back from /proc.
 */
@Timeout(180)
class ThreadNamesIT {
    private static final int WORKERS = 284;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    private static List<JsonNode> threads(Path trace) throws Exception {
        return records(trace, "thread");
    }

    /** The records of one {@code type} in a JSONL trace, in order. */
    static List<JsonNode> records(Path trace, String type) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals(type)) out.add(n);
        }
        return out;
    }

    private static void assertWorkersNamed(List<JsonNode> threads, int workers) {
        Set<String> names = new TreeSet<>();
        for (JsonNode t : threads) if (t.path("name").asText().startsWith("worker-")) names.add(t.path("name").asText());
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < workers; i++) expected.add("worker-" + i);
        assertEquals(expected, names);
    }

    @Test
    void namesSetFromAnotherThreadAreEveryThreadsNameInRun(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("setname_other").toString(), Integer.toString(WORKERS)));
        assertEquals(0, r.code(), "every worker saw its name: " + r.err());
        List<JsonNode> threads = threads(trace);
        assertWorkersNamed(threads, WORKERS);
        JsonNode worker = threads.stream().filter(t -> t.path("name").asText().equals("worker-7")).findFirst().orElseThrow();
        assertEquals("[\"setname_other\",\"worker-7\"]", worker.path("names").toString(), "the name it had, then the one it was given");

        // The text report and the live lines use the names too.
        Tool.Result text = Tool.run(Tool.jar("run", "-e", "exit", "--report", "tree", "--", Traced.fixture("setname_other").toString(), "3"));
        assertEquals(0, text.code(), text.err());
        for (int i = 0; i < 3; i++) {
            String name = "worker-" + i;
            assertTrue(text.out().lines().anyMatch(l -> l.contains(" " + name + "] exit(0)")), "live line of " + name + ": " + text.out());
        }
        assertTrue(text.out().contains("worker-0..worker-2 ×3"), "the tree: " + text.out());
    }

    @Test
    void namesSetFromAnotherThreadAfterAnAttach(@TempDir Path tmp) throws Exception {
        Process target = new ProcessBuilder(Traced.fixture("setname_other").toString(), "50", "wait").start();
        started.add(target);
        Path trace = tmp.resolve("attach.jsonl");
        Tool.Attached attached = Tool.attachWhenReady(target, trace, tmp.resolve("err"), started);
        Process tool = attached.tool();
        assertTrue(target.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, target.exitValue());
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ends with its target");
        assertWorkersNamed(threads(trace), 50);
    }

    /** The kernel's names, from comm_writes's own reading of /proc: tid → the comm bytes. */
    private static Map<Integer, byte[]> kernelNames(Path said) throws Exception {
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(said)) {
            String[] f = line.split(" ");
            out.put(Integer.parseInt(f[1]), f.length > 2 ? HexFormat.of().parseHex(f[2]) : new byte[0]);
        }
        return out;
    }

    private static JsonNode thread(List<JsonNode> threads, int tid) {
        return threads.stream().filter(t -> t.path("tid").asInt() == tid).findFirst().orElseThrow(() -> new AssertionError("no thread " + tid));
    }

    /** A JSONL name back to the kernel's bytes (the surrogateescape of the JSONL contract undone). */
    private static String hex(JsonNode name) {
        return HexFormat.of().formatHex(KernelBytes.encode(name.asText()));
    }

    /**
     * Every way of writing a comm file that a path or a single descriptor misses: openat on a
     * /proc/self/task descriptor, a relative open after chdir, writev, a dup2'd copy, two writes on
     * one descriptor, a symlink, //, /./ and ../, openat2, fcntl(F_DUPFD_CLOEXEC), pwritev2, more
     * than 15 bytes, a NUL, a newline, dup, dup3, F_DUPFD, a write from a thread created after the
     * open, /proc/PID/comm of the main thread; a number reused after close_range, and pwrite64 and
     * pwritev (ESPIPE: a comm file cannot seek), which name nobody. Each thread's final name is the kernel's, as the
     * program read it back; bytes that are not UTF-8 are exact (U+DC80..U+DCFF) in JSONL and \xNN in text.
     */
    @Test
    void everyWayOfWritingACommFileGivesTheKernelsName(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl"), said = tmp.resolve("kernel");
        Tool.Result r = Tool.run(Tool.jar("run", "-e", "exit", "--report", "none", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("comm_writes").toString(), said.toString(), tmp.toString()));
        assertEquals(0, r.code(), r.err());
        Map<Integer, byte[]> kernel = kernelNames(said);
        assertEquals(21, kernel.size(), "main and 20 workers");
        List<JsonNode> threads = threads(trace);
        for (Map.Entry<Integer, byte[]> e : kernel.entrySet()) {
            assertEquals(HexFormat.of().formatHex(e.getValue()), hex(thread(threads, e.getKey()).path("name")),
                    "thread " + e.getKey() + " " + new String(e.getValue(), StandardCharsets.UTF_8));
        }
        List<Integer> tids = List.copyOf(kernel.keySet()); // main, then worker I at I + 1
        assertEquals("[\"comm_writes\",\"w-4\",\"first-4\",\"second-4\"]", thread(threads, tids.get(5)).path("names").toString(),
                "two writes on one descriptor, two names");
        assertEquals("[\"comm_writes\",\"w-16\",\"dup-16\"]", thread(threads, tids.get(17)).path("names").toString(),
                "the pwrite64 that failed with ESPIPE named nobody");
        assertEquals("[\"comm_writes\",\"w-17\",\"dup3-17\"]", thread(threads, tids.get(18)).path("names").toString(),
                "the pwritev that failed with ESPIPE named nobody");
        assertEquals("[\"comm_writes\",\"w-18\",\"dupfd-18\",\"orig-18\"]", thread(threads, tids.get(19)).path("names").toString(),
                "the F_DUPFD copy, then the original");
        assertEquals("[\"comm_writes\",\"w-15\"]", thread(threads, tids.get(16)).path("names").toString(),
                "a reused number names nobody");
        // A task following its comm descriptors runs with PTRACE_SYSCALL: a traced call stops at its entry and again at our
        // filter's seccomp stop, one entry (exit(0) was recorded twice for one of the threads).
        assertEquals(21, records(trace, "syscall").stream().filter(c -> c.path("syscall").asText().equals("exit")).count(),
                "one exit per thread: the 20 workers and helper-19's helper (main ends with exit_group)");
        List<JsonNode> comms = records(trace, "comm");
        JsonNode first = comms.stream().filter(c -> c.path("new_name").asText().equals("first-4")).findFirst().orElseThrow();
        JsonNode second = comms.stream().filter(c -> c.path("new_name").asText().equals("second-4")).findFirst().orElseThrow();
        assertTrue(first.path("ns").asLong() > 0 && second.path("ns").asLong() > first.path("ns").asLong()
                && first.path("target").asInt() == tids.get(5) && first.path("tid").asInt() == tids.get(0), "timed, in order: " + comms);
        assertEquals(List.of(), comms.stream().filter(c -> c.path("new_name").asText().contains("not-a-name")).toList());
        assertEquals("helper-19", comms.stream().filter(c -> c.path("target").asInt() == tids.get(20)).reduce((a, b) -> b).orElseThrow()
                .path("new_name").asText(), "written by the helper thread, whose table is main's");
        // The report read back from the trace has the same final names.
        Tool.Result report = Tool.run(Tool.jar("report", "--no-live", trace.toString()));
        assertEquals(0, report.code(), report.err());
        for (String name : List.of("helper-19", "orig-18", "main-via-pid", "openat2-7", "0123456789abcde")) {
            assertTrue(report.out().contains(name), name + " in " + report.out());
        }
        String jsonl = Files.readString(trace);
        assertTrue(jsonl.contains("\"name\":\"\u202eevil\\udcff\\udcfe\"") && jsonl.contains("\"name\":\"\u202eevil\\udcfe\\udcff\""),
                "exact in JSONL, as prctl's names: " + jsonl.lines().filter(l -> l.contains("evil")).toList());

        // The same names in text: distinct, escaped.
        Tool.Result text = Tool.run(Tool.jar("run", "-e", "exit", "--report", "none", "--",
                Traced.fixture("comm_writes").toString(), tmp.resolve("again").toString(), tmp.toString()));
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains(" \\u202eevil\\xff\\xfe] exit(0)") && text.out().contains(" \\u202eevil\\xfe\\xff] exit(0)"),
                text.out());
        assertTrue(text.out().contains("+++ named itself \"main-via-pid\" through its /proc comm file (write on fd "), text.out());
    }

    /**
     * A shell's {@code echo NAME > /proc/self/task/$$/comm} opens the file, dup2s it to fd 1 and
     * writes there; a descriptor kept open with {@code exec 3>} is written twice and survives an
     * exec. The name the tool reports is the one {@code cat /proc/$$/comm} printed.
     */
    @Test
    void aShellsEchoIntoCommNamesIt(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("s.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--",
                "bash", "-c", "echo viaecho > /proc/self/task/$$/comm; cat /proc/$$/comm; echo ts > /proc/thread-self/comm; cat /proc/$$/comm; true"));
        assertEquals(0, r.code(), r.err());
        assertEquals("viaecho\n\nts\n\n", r.out(), "the kernel's names, with the echo's newline, then cat's");
        List<JsonNode> threads = threads(trace);
        JsonNode bash = threads.stream().filter(t -> t.path("creator").isNull()).findFirst().orElseThrow();
        assertEquals("[\"bash\",\"viaecho\\n\",\"ts\\n\"]", bash.path("names").toString(), "/proc/self/task/$$ and /proc/thread-self");
        assertTrue(Files.readString(trace).contains("\"type\":\"comm\""), "a comm record");

        Path kept = tmp.resolve("kept.jsonl");
        Tool.Result k = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", kept.toString(), "--", "bash", "-c",
                "exec 3>/proc/self/comm; echo one >&3; echo two >&3; exec sh -c 'echo three >&3; cat /proc/$$/comm; true'"));
        assertEquals(0, k.code(), k.err());
        assertEquals("three\n\n", k.out());
        JsonNode shell = threads(kept).stream().filter(t -> t.path("creator").isNull()).findFirst().orElseThrow();
        assertEquals("[\"bash\",\"one\\n\",\"two\\n\",\"sh\",\"three\\n\"]", shell.path("names").toString(),
                "both writes, the exec's name, the write through the descriptor the exec kept");
    }

    /** attach: a comm file the process opened before the attach is followed too. */
    @Test
    void aCommFileOpenBeforeAnAttachIsFollowed(@TempDir Path tmp) throws Exception {
        Process target = new ProcessBuilder("bash", "-c", "exec 3>/proc/self/comm; echo ready; read x; echo late >&3; cat /proc/$$/comm; true")
                .start();
        started.add(target);
        Path trace = tmp.resolve("attach.jsonl");
        Tool.Attached attached = Tool.attachWhenReady(target, trace, tmp.resolve("err"), started);
        Process tool = attached.tool();
        BufferedReader out = attached.targetOut();
        assertEquals("late", out.readLine(), "the kernel's name");
        assertTrue(target.waitFor(60, TimeUnit.SECONDS));
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ends with its target");
        JsonNode bash = thread(threads(trace), (int) target.pid());
        assertEquals("late\n", bash.path("name").asText(), Files.readString(tmp.resolve("err")));
    }
}
