package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.JavaHooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --format perfetto on a real JVM, checked the way Perfetto reads it: flows with both ends, ordered tracks, names. */
@Timeout(120)
class PerfettoIT {
    /** The trace's problems as Perfetto would meet them; empty when it is sound. Returns the thread names too. */
    static Set<String> validate(Path file, List<String> problems) throws Exception {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode events = root.get("traceEvents");
        Map<Long, int[]> flows = new HashMap<>();
        Map<String, Double> lastTs = new HashMap<>();
        Map<String, Integer> depth = new HashMap<>();
        Set<String> tracks = new HashSet<>(), namedTracks = new HashSet<>(), processes = new HashSet<>(), namedProcesses = new HashSet<>();
        Set<String> threadNames = new HashSet<>();
        Map<String, Integer> counters = new HashMap<>();
        for (JsonNode e : events) {
            String ph = e.get("ph").asText();
            String track = e.get("pid").asText() + "/" + e.get("tid").asText();
            processes.add(e.get("pid").asText());
            switch (ph) {
                case "M" -> {
                    if (e.get("name").asText().equals("thread_name")) {
                        namedTracks.add(track);
                        threadNames.add(e.get("args").get("name").asText());
                    } else {
                        namedProcesses.add(e.get("pid").asText());
                    }
                }
                case "s", "f" -> flows.computeIfAbsent(e.get("id").asLong(), k -> new int[2])[ph.equals("s") ? 0 : 1]++;
                case "B", "E", "X" -> {
                    tracks.add(track);
                    double ts = e.get("ts").asDouble();
                    if (ts < lastTs.getOrDefault(track, Double.NEGATIVE_INFINITY)) problems.add("track " + track + " goes back in time at " + e);
                    lastTs.put(track, ts);
                    if (ph.equals("B")) depth.merge(track, 1, Integer::sum);
                    if (ph.equals("E") && depth.merge(track, -1, Integer::sum) < 0) problems.add("E without B on " + track);
                    if (ph.equals("X") && (e.get("dur").asDouble() < 0 || e.get("args").get("call").asText().isEmpty())) {
                        problems.add("bad slice " + e);
                    }
                }
                case "C" -> {
                    int threads = e.get("args").get("threads").asInt();
                    if (threads < 0) problems.add("negative live-thread count " + e);
                    counters.put(e.get("pid").asText(), threads);
                }
                case "i" -> { }
                default -> problems.add("unknown phase " + e);
            }
        }
        flows.forEach((id, ends) -> {
            if (ends[0] != 1 || ends[1] != 1) problems.add("flow " + id + " has " + ends[0] + " start(s) and " + ends[1] + " end(s)");
        });
        depth.forEach((track, d) -> {
            if (d != 0) problems.add("track " + track + " leaves " + d + " slice(s) open");
        });
        counters.forEach((pid, last) -> {
            if (last != 0) problems.add("process " + pid + "'s live-thread counter ends at " + last + ", not 0");
        });
        if (counters.isEmpty()) problems.add("no live-thread counter");
        for (String track : tracks) if (!namedTracks.contains(track)) problems.add("track " + track + " has no name");
        for (String pid : processes) if (!namedProcesses.contains(pid)) problems.add("process " + pid + " has no name");
        if (flows.isEmpty()) problems.add("no flows at all");
        return threadNames;
    }

    /**
     * Every moment is wall-clock time inside the run, written as a plain decimal, and the file names
     * its clock: a trace taken beside it lines up.
     */
    static void assertWallClock(Path file, Instant before, Instant after) throws Exception {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals("CLOCK_REALTIME", root.get("otherData").get("clock").asText());
        double from = before.toEpochMilli() * 1000.0 - 1_000_000, to = after.toEpochMilli() * 1000.0 + 1_000_000;
        for (JsonNode e : root.get("traceEvents")) {
            if (!e.has("ts")) continue;
            double ts = e.get("ts").asDouble();
            assertTrue(ts >= from && ts <= to, "ts " + e.get("ts") + " outside the run [" + from + ", " + to + "]: " + e);
        }
        assertFalse(Files.readString(file).matches("(?s).*\"ts\":[0-9.]+[eE].*"), "a ts in exponent form");
    }

    @Test
    void aJvmTraceOpensAsPerfettoReadsItLiveAndFromASavedTrace(@TempDir Path tmp) throws Exception {
        Path live = tmp.resolve("live.json"), saved = tmp.resolve("saved.jsonl"), fromSaved = tmp.resolve("saved.json");
        Instant before = Instant.now();
        List<String> args = new ArrayList<>(List.of("run", "--format", "perfetto", "-o", live.toString(), "--"));
        args.addAll(JvmIT.java(JavaHooks.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        List<String> problems = new ArrayList<>();
        Set<String> names = validate(live, problems);
        assertEquals(List.of(), problems);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("a-thread-with-a-very-long-name (")), "Java names: " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("pool-worker-1 (")), names.toString());
        String json = Files.readString(live);
        assertTrue(json.contains("\"name\":\"created at dev.jthreadtrace.fixtures.JavaHooks"), "creation sites are instants on the threads' tracks");
        assertTrue(json.matches("(?s).*\"name\":\"thread created by [^\"]+ \\(\\d+\\)\".*"), "a life slice says who made the thread");
        assertTrue(json.contains("\"args\":{\"end\":\"exit_group(0)\"}") || json.contains("\"end\":\"exit(0)\""), "a life slice ends with how");
        assertWallClock(live, before, Instant.now());

        List<String> record = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", saved.toString(), "--"));
        record.addAll(JvmIT.java(JavaHooks.class.getName()));
        assertEquals(0, Tool.run(Tool.jar(record.toArray(String[]::new))).code());
        Tool.Result report = Tool.run(Tool.jar("report", "--format", "perfetto", "-o", fromSaved.toString(), saved.toString()));
        assertEquals(0, report.code(), report.err());
        List<String> savedProblems = new ArrayList<>();
        Set<String> savedNames = validate(fromSaved, savedProblems);
        assertEquals(List.of(), savedProblems);
        assertTrue(savedNames.stream().anyMatch(n -> n.startsWith("pool-worker-1 (")), savedNames.toString());
        // A replay keeps the saved run's clock: its time zero is the header's wall_ns, to the nanosecond.
        long wallNs = new ObjectMapper().readTree(Files.readAllLines(saved).getFirst()).get("wall_ns").asLong();
        String zero = new BigDecimal(wallNs).movePointLeft(3).toPlainString();
        assertTrue(Files.readString(fromSaved).contains("\"ts\":" + zero + ","), "time zero " + zero + " from the saved header");

        Tool.Result toStdout = Tool.run(Tool.jar("run", "--format", "perfetto", "--", "/bin/true"));
        assertEquals(2, toStdout.code());
        assertFalse(toStdout.out().contains("traceEvents"));
        assertTrue(toStdout.err().contains("--format perfetto needs -o FILE"), toStdout.err());
    }
}
