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
                if (!node.isObject() || !node.has(JsonlFields.TYPE)) {
                    throw new TraceFileException(file + ":" + lineNo + ": not a jthreadtrace record (no \"type\")");
                }
                int version = node.path(JsonlFields.V).asInt(-1);
                if (version != JsonlFields.VERSION) {
                    throw new TraceFileException(file + ":" + lineNo + ": trace format version " + version
                            + ", this jthreadtrace reads version " + JsonlFields.VERSION);
                }
                String type = node.get(JsonlFields.TYPE).asText();
                try {
                    TraceEvent event = event(type, node);
                    if (event != null) events.add(event);
                    if (type.equals(JsonlFields.T_JAVA)) java.add(javaRecord(node));
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new TraceFileException(file + ":" + lineNo + ": malformed \"" + type + "\" record");
                }
                if (type.equals(JsonlFields.T_END)) sawEnd = true;
                if (type.equals(JsonlFields.T_SUMMARY)) sawSummary = true;
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
        int pid = n.get(JsonlFields.PID).asInt();
        long ns = n.get(JsonlFields.NS).asLong();
        int tid = n.get(JsonlFields.OS_TID).asInt();
        if (n.get(JsonlFields.KIND).asText().equals(JsonlFields.JAVA_MOUNTED)) return new JavaRecord.Mounted(pid, ns, tid, n.get(JsonlFields.ID).asLong());
        if (n.get(JsonlFields.KIND).asText().equals(JsonlFields.JAVA_CONSTRUCTED)) {
            java.util.Map<String, String> itl = new java.util.LinkedHashMap<>();
            n.get(JsonlFields.ITL).fields().forEachRemaining(e -> itl.put(e.getKey(), e.getValue().asText()));
            return new JavaRecord.Constructed(pid, ns, tid, n.get(JsonlFields.BY_ID).asLong(), n.get(JsonlFields.BY_NAME).asText(),
                    n.get(JsonlFields.ID).asLong(), n.get(JsonlFields.NAME).asText(), n.get(JsonlFields.VIRTUAL).asBoolean(), itl);
        }
        return new JavaRecord.Started(pid, ns, tid, n.get(JsonlFields.BY_ID).asLong(), n.get(JsonlFields.BY_NAME).asText(),
                n.get(JsonlFields.ID).asLong(), n.get(JsonlFields.NAME).asText());
    }

    private static TraceEvent event(String type, JsonNode n) {
        long ns = n.path(JsonlFields.NS).asLong();
        int tid = n.path(JsonlFields.TID).asInt();
        return switch (type) {
            case JsonlFields.T_START -> new TraceEvent.TargetStarted(0, n.get(JsonlFields.PID).asInt(), n.get(JsonlFields.TRACER_PID).asInt(),
                    n.get(JsonlFields.PATH).isNull() ? null : n.get(JsonlFields.PATH).asText(), strings(n.get(JsonlFields.ARGV)));
            case JsonlFields.T_SYSCALL -> {
                long[] args = new long[6];
                for (int i = 0; i < 6; i++) args[i] = n.get(JsonlFields.ARGS).get(i).asLong();
                boolean returned = n.get(JsonlFields.RETURNED).asBoolean();
                long dur = returned ? n.get(JsonlFields.DUR_NS).asLong() : 0;
                yield new TraceEvent.Syscall(ns, ns + dur, tid, n.get(JsonlFields.NR).asInt(), args,
                        returned ? n.get(JsonlFields.RET).asLong() : 0, !n.get(JsonlFields.ERROR).isNull(), returned, captures(n.get(JsonlFields.CAPTURES)));
            }
            case JsonlFields.T_SPAWN -> new TraceEvent.Spawned(ns, n.get(JsonlFields.CREATOR).asInt(), tid,
                    TraceEvent.SpawnKind.valueOf(n.get(JsonlFields.KIND).asText().toUpperCase()), n.get(JsonlFields.FLAGS_RAW).asLong());
            case JsonlFields.T_UNTRACED -> new TraceEvent.UntracedChild(ns, tid, n.get(JsonlFields.CHILD).asInt(),
                    n.path(JsonlFields.SECCOMP_FILTER_INHERITED).asBoolean());
            case JsonlFields.T_EXEC -> new TraceEvent.Exec(ns, tid, n.get(JsonlFields.FORMER_TID).asInt(),
                    n.get(JsonlFields.PATH).isNull() ? null : n.get(JsonlFields.PATH).asText());
            case JsonlFields.T_EXIT -> new TraceEvent.Exited(ns, tid, n.get(JsonlFields.CODE).asInt());
            case JsonlFields.T_KILLED -> new TraceEvent.Killed(ns, tid, n.get(JsonlFields.SIGNAL).asInt(), n.get(JsonlFields.CORE_DUMPED).asBoolean());
            case JsonlFields.T_SIGNAL -> new TraceEvent.SignalDelivered(ns, tid, n.get(JsonlFields.SIGNAL).asInt());
            case JsonlFields.T_STOP -> new TraceEvent.GroupStopped(ns, tid, n.get(JsonlFields.SIGNAL).asInt());
            case JsonlFields.T_END -> new TraceEvent.TraceEnded(ns, n.get(JsonlFields.INTERRUPTED_BY).asInt(),
                    n.hasNonNull(JsonlFields.FAILURE) ? n.get(JsonlFields.FAILURE).asText() : null);
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
            if (v.has(JsonlFields.HEX)) c.put(arg, HexFormat.of().parseHex(v.get(JsonlFields.HEX).asText()));
            else if (v.has(JsonlFields.ARGV)) c.put(arg, strings(v.get(JsonlFields.ARGV)));
            else if (v.has(JsonlFields.PATH)) c.put(arg, v.get(JsonlFields.PATH).asText());
        }
        return c;
    }
}
