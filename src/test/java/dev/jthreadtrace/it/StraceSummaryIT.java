package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -c against strace -c -w on the same fixture: the same calls and errors per syscall, the same layout. */
@Timeout(120)
class StraceSummaryIT {
    private static final String SET = "futex,mmap,munmap,mprotect,mremap,madvise,prctl,rt_sigprocmask,sched_setaffinity,"
            + "sched_getaffinity,exit_group";
    private static final Pattern ROW = Pattern.compile("\\s*(\\d+\\.\\d\\d)\\s+(\\d+\\.\\d{6})\\s+(\\d+)\\s+(\\d+)\\s+(\\d*)\\s+(\\w+)");

    /** The table's rows: syscall name to "calls/errors", in printed order, total included. */
    static Map<String, String> rows(List<String> table) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : table) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) rows.put(m.group(6), m.group(4) + "/" + (m.group(5).isEmpty() ? "0" : m.group(5)));
        }
        return rows;
    }

    /** strace -f -c -w's table for the fixture, as lines. */
    static List<String> straceSummary(Path tmp, String fixture) throws Exception {
        Path straceOut = tmp.resolve("strace.txt");
        Process p = new ProcessBuilder("strace", "-f", "-c", "-w", "-o", straceOut.toString(), "-e", "trace=" + SET, fixture)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("fixture.txt").toFile()).start();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran the fixture");
        return Files.readAllLines(straceOut);
    }

    @Test
    void theSummaryCountsWhatStraceCounts(@TempDir Path tmp) throws Exception {
        String fixture = Traced.fixture("decode_mix").toString();
        List<String> strace = straceSummary(tmp, fixture);

        Tool.Result ours = Tool.run(Tool.jar("run", "-c", "-e", SET, "--", fixture));
        assertEquals(0, ours.code(), ours.err());
        List<String> table = ours.out().lines().toList();
        assertEquals(strace.getFirst(), table.getFirst(), "the same header");
        assertEquals(strace.get(1), table.get(1), "the same column widths");
        Map<String, String> expected = new TreeMap<>(rows(strace));
        Map<String, String> actual = new TreeMap<>(rows(table));
        assertEquals(expected, actual, "calls/errors per syscall (exit_group never returns: neither counts it)");
        assertTrue(table.stream().allMatch(l -> ROW.matcher(l).matches() || l.startsWith("% time") || l.startsWith("------")),
                "nothing but the table: " + ours.out());
        List<String> timeOrder = new ArrayList<>(rows(table).keySet());
        assertEquals("total", timeOrder.getLast());
    }

    @Test
    void sortKeysTheFullFormAndItsErrors() {
        String fixture = Traced.fixture("decode_mix").toString();
        Tool.Result byCalls = Tool.run(Tool.jar("run", "-C", "-S", "calls", "--report", "none", "-e", SET, "--", fixture));
        assertEquals(0, byCalls.code(), byCalls.err());
        assertTrue(byCalls.out().contains("mmap(NULL"), "-C keeps the live lines: " + byCalls.out());
        List<String> order = new ArrayList<>(rows(byCalls.out().lines().toList()).keySet());
        assertEquals(List.of("mmap", "futex"), order.subList(0, 2), "sorted by calls: " + byCalls.out());

        Tool.Result badKey = Tool.run(Tool.jar("run", "-c", "-S", "speed", "--", fixture));
        assertEquals(2, badKey.code());
        assertTrue(badKey.err().startsWith("jthreadtrace: Invalid value for option '--summary-sort': unknown sort key 'speed'"
                + " (use time, calls, errors, name, nothing)"), badKey.err());
        Tool.Result jsonl = Tool.run(Tool.jar("run", "-c", "--format", "jsonl", "--", fixture));
        assertEquals(2, jsonl.code());
        assertTrue(jsonl.err().contains("-c/-C print strace's table"), jsonl.err());
    }

    @Test
    void theSameFiguresAsMetricsInJsonlAndPerThread(@TempDir Path tmp) throws Exception {
        String fixture = Traced.fixture("decode_mix").toString();
        Map<String, String> strace = rows(straceSummary(tmp, fixture));
        String[] futex = strace.get("futex").split("/");

        // With --no-live the shown calls are still traced when an assertion counts them.
        Tool.Result asserted = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "-e", SET,
                "--assert", "syscalls{name=\"futex\"}.errors == " + futex[1],
                "--assert", "syscalls{name=\"futex\", thread=\"mix*\"}.calls == " + futex[0],
                "--assert", "syscalls{name=\"m*\"}.calls >= 1", "--", fixture));
        assertEquals(0, asserted.code(), asserted.out() + asserted.err());

        Path trace = tmp.resolve("t.jsonl");
        assertEquals(0, Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "-e", SET, "--", fixture)).code());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var summary = Files.readAllLines(trace).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> n.get("type").asText().equals("summary")).findFirst().orElseThrow();
        assertEquals(Long.parseLong(futex[0]), summary.get("syscalls").get("futex").get("calls").asLong(), summary.toString());
        assertEquals(Long.parseLong(futex[1]), summary.get("syscalls").get("futex").get("errors").asLong());
        assertEquals(Long.parseLong(futex[0]) > 0, summary.get("metrics").get("syscalls.calls").asLong() > 0);

        // One table per thread: the threads fixture's workers each have their own; their futex calls add up.
        Tool.Result perThread = Tool.run(Tool.jar("run", "-c", "--summary-by", "thread", "-e", "futex", "--",
                Traced.fixture("threads").toString()));
        assertEquals(0, perThread.code(), perThread.err());
        List<String> lines = perThread.out().lines().toList();
        long tables = lines.stream().filter(l -> l.startsWith("thread ")).count();
        assertTrue(tables >= 2, perThread.out());
        long sumOfThreads = 0, total = -1;
        boolean inAll = false;
        for (String l : lines) {
            if (l.equals("all threads:")) inAll = true;
            Matcher m = ROW.matcher(l);
            if (!m.matches() || !m.group(6).equals("futex")) continue;
            if (inAll) total = Long.parseLong(m.group(4));
            else sumOfThreads += Long.parseLong(m.group(4));
        }
        assertEquals(total, sumOfThreads, perThread.out());
        assertEquals(2, Tool.run(Tool.jar("run", "--summary-by", "thread", "--", "/bin/true")).code(), "--summary-by needs -c or -C");
    }
}
