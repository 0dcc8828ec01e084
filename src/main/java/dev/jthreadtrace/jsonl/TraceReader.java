package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.decode.Captures;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code --format jsonl} trace back into the events it was written from, so
 * {@code report} and {@code check} build the very model the live run built. Refuses, with the
 * file and line, anything that is not such a trace: not JSON, another version, or cut short
 * (no {@code end} event — the writer was killed, or the file was truncated).
 */
public final class TraceReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TraceReader() {}

    /** A saved trace: the events, and what the JVM agents reported (attached after the events). */
    public record Saved(List<TraceEvent> events, List<JavaRecord> java) {}

    public static List<TraceEvent> read(Path file) throws TraceFileException {
        return readAll(file).events();
    }

    public static Saved readAll(Path file) throws TraceFileException {
        List<JavaRecord> java = new ArrayList<>();
        List<TraceEvent> events = new ArrayList<>();
        boolean sawEnd = false, sawSummary = false;
        int lineNo = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new TraceFileException(file + ":" + lineNo + ": not JSON ("
                            + e.getOriginalMessage().lines().findFirst().orElse("parse error")
                            + "); is this a jthreadtrace --format jsonl trace, and complete?");
                }
                if (!node.isObject() || !node.has("type")) {
                    throw new TraceFileException(file + ":" + lineNo + ": not a jthreadtrace record (no \"type\")");
                }
                int version = node.path("v").asInt(-1);
                if (version != JsonLines.VERSION) {
                    throw new TraceFileException(file + ":" + lineNo + ": trace format version " + version
                            + ", this jthreadtrace reads version " + JsonLines.VERSION);
                }
                String type = node.get("type").asText();
                try {
                    TraceEvent event = event(type, node);
                    if (event != null) events.add(event);
                    if (type.equals("java")) java.add(javaRecord(node));
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new TraceFileException(file + ":" + lineNo + ": malformed \"" + type + "\" record");
                }
                if (type.equals("end")) sawEnd = true;
                if (type.equals("summary")) sawSummary = true;
            }
        } catch (NoSuchFileException e) {
            throw new TraceFileException(file + ": no such file");
        } catch (IOException e) {
            throw new TraceFileException(file + ": cannot read: " + e.getMessage());
        }
        if (events.isEmpty()) throw new TraceFileException(file + ": no trace events (empty, or not a jthreadtrace trace)");
        if (!sawEnd || !sawSummary) {
            throw new TraceFileException(file + ": truncated: the trace has no " + (sawEnd ? "summary" : "end")
                    + " record (it was cut short after line " + lineNo + ")");
        }
        return new Saved(events, java);
    }

    private static JavaRecord javaRecord(JsonNode n) {
        int pid = n.get("pid").asInt();
        long ns = n.get("ns").asLong();
        int tid = n.get("os_tid").asInt();
        if (n.get("kind").asText().equals("mounted")) return new JavaRecord.Mounted(pid, ns, tid, n.get("id").asLong());
        if (n.get("kind").asText().equals("constructed")) {
            java.util.Map<String, String> itl = new java.util.LinkedHashMap<>();
            n.get("itl").fields().forEachRemaining(e -> itl.put(e.getKey(), e.getValue().asText()));
            return new JavaRecord.Constructed(pid, ns, tid, n.get("by_id").asLong(), n.get("by_name").asText(),
                    n.get("id").asLong(), n.get("name").asText(), n.get("virtual").asBoolean(), itl);
        }
        return new JavaRecord.Started(pid, ns, tid, n.get("by_id").asLong(), n.get("by_name").asText(),
                n.get("id").asLong(), n.get("name").asText());
    }

    private static TraceEvent event(String type, JsonNode n) {
        long ns = n.path("ns").asLong();
        int tid = n.path("tid").asInt();
        return switch (type) {
            case "start" -> new TraceEvent.TargetStarted(0, n.get("pid").asInt(), n.get("tracer_pid").asInt(),
                    n.get("path").isNull() ? null : n.get("path").asText(), strings(n.get("argv")));
            case "syscall" -> {
                long[] args = new long[6];
                for (int i = 0; i < 6; i++) args[i] = n.get("args").get(i).asLong();
                boolean returned = n.get("returned").asBoolean();
                long dur = returned ? n.get("dur_ns").asLong() : 0;
                yield new TraceEvent.Syscall(ns, ns + dur, tid, n.get("nr").asInt(), args,
                        returned ? n.get("ret").asLong() : 0, !n.get("error").isNull(), returned, captures(n.get("captures")));
            }
            case "spawn" -> new TraceEvent.Spawned(ns, n.get("creator").asInt(), tid,
                    TraceEvent.SpawnKind.valueOf(n.get("kind").asText().toUpperCase()), n.get("flags_raw").asLong());
            case "untraced" -> new TraceEvent.UntracedChild(ns, tid, n.get("child").asInt(),
                    n.path("seccomp_filter_inherited").asBoolean());
            case "exec" -> new TraceEvent.Exec(ns, tid, n.get("former_tid").asInt(),
                    n.get("path").isNull() ? null : n.get("path").asText());
            case "exit" -> new TraceEvent.Exited(ns, tid, n.get("code").asInt());
            case "killed" -> new TraceEvent.Killed(ns, tid, n.get("signal").asInt(), n.get("core_dumped").asBoolean());
            case "signal" -> new TraceEvent.SignalDelivered(ns, tid, n.get("signal").asInt());
            case "stop" -> new TraceEvent.GroupStopped(ns, tid, n.get("signal").asInt());
            case "end" -> new TraceEvent.TraceEnded(ns, n.get("interrupted_by").asInt(),
                    n.hasNonNull("failure") ? n.get("failure").asText() : null);
            default -> null; // thread, process, assertion, summary: derived again from the events
        };
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) array.forEach(s -> out.add(s.asText()));
        return out;
    }

    private static Captures captures(JsonNode node) {
        if (node == null || node.isNull()) return Captures.NONE;
        Captures c = new Captures();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int arg = Integer.parseInt(e.getKey());
            JsonNode v = e.getValue();
            if (v.has("hex")) c.put(arg, HexFormat.of().parseHex(v.get("hex").asText()));
            else if (v.has("argv")) c.put(arg, strings(v.get("argv")));
            else if (v.has("path")) c.put(arg, v.get("path").asText());
        }
        return c;
    }
}
