package dev.jthreadtrace.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code --format jsonl} trace back into the events it was written from, so
 * {@code report} and {@code check} build the very model the live run built.
 *
 * <p>Lines that are not this run's records — not JSON, or without the run token of its
 * {@code start} record (the traced program's own output, when it shared stdout) — are skipped and
 * counted. A record of the run that is duplicated, lost or moved (its {@code seq} is not the next
 * one), of another version, or with a field of the wrong type is refused with the file and line. A
 * trace cut short (no {@code end} or {@code summary}: the writer was killed, the disk filled up) is
 * returned with the line where it stops, for the caller to report what it holds and say so.
 */
public final class TraceReader {
    private TraceReader() {}

    /**
     * A saved trace: the events, what the JVM agents reported (attached after the events), how
     * many lines were not its records, and where it stops when cut short (0: complete).
     */
    public record Saved(List<TraceEvent> events, List<JavaRecord> java, int skippedLines, int truncatedAfterLine) {
        public boolean truncated() {
            return truncatedAfterLine > 0;
        }
    }

    public static List<TraceEvent> read(Path file) throws TraceFileException {
        return readAll(file).events();
    }

    public static Saved readAll(Path file) throws TraceFileException {
        List<JavaRecord> java = new ArrayList<>();
        List<TraceEvent> events = new ArrayList<>();
        boolean sawEnd = false, sawSummary = false;
        String run = null;
        long lastSeq = 0;
        int lineNo = 0, skipped = 0, lastRecordLine = 0, lastSkippedLine = 0;
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode node = parse(line);
                boolean record = node != null && node.isObject() && node.hasNonNull(JsonlFields.TYPE);
                if (record && !events.isEmpty() && node.path(JsonlFields.TYPE).asText().equals(JsonlFields.T_START)) {
                    // A second start: the traced program printed records of its own into the trace (it
                    // shared stdout), perhaps before ours. Refuse rather than report the wrong one.
                    throw new TraceFileException(file + ":" + lineNo + ": a second \"start\" record: this file holds"
                            + " lines that are not this trace's (the traced program's output?); trace with -o FILE");
                }
                boolean ours = record && (events.isEmpty() ? node.path(JsonlFields.TYPE).asText().equals(JsonlFields.T_START)
                        : run == null || run.equals(node.path(JsonlFields.RUN).asText(null)));
                if (!ours) {
                    skipped++;
                    lastSkippedLine = lineNo;
                    continue;
                }
                int version = node.path(JsonlFields.V).asInt(-1);
                if (version != JsonlFields.VERSION && version != JsonlFields.OLDEST_READ) {
                    throw new TraceFileException(file + ":" + lineNo + ": trace format version " + version
                            + ", this jthreadtrace reads versions " + JsonlFields.OLDEST_READ + " to " + JsonlFields.VERSION);
                }
                if (events.isEmpty()) run = node.path(JsonlFields.RUN).asText(null);
                if (run != null) {
                    long seq = node.path(JsonlFields.SEQ).asLong(-1);
                    if (seq != lastSeq + 1 && lastSeq != 0 || seq <= 0) {
                        throw new TraceFileException(file + ":" + lineNo + ": record " + seq + " where record " + (lastSeq + 1)
                                + " belongs: the trace has a record duplicated, lost or out of order");
                    }
                    lastSeq = seq;
                }
                String type = node.get(JsonlFields.TYPE).asText();
                if (sawSummary) {
                    throw new TraceFileException(file + ":" + lineNo + ": a \"" + type + "\" record after the summary");
                }
                try {
                    TraceEvent event = event(type, node);
                    if (event != null) {
                        if (sawEnd) throw new TraceFileException(file + ":" + lineNo + ": an event after the \"end\" record");
                        events.add(event);
                    }
                    if (type.equals(JsonlFields.T_JAVA)) java.add(javaRecord(node));
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new TraceFileException(file + ":" + lineNo + ": malformed \"" + type + "\" record"
                            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
                }
                lastRecordLine = lineNo;
                if (type.equals(JsonlFields.T_END)) sawEnd = true;
                if (type.equals(JsonlFields.T_SUMMARY)) sawSummary = true;
            }
        } catch (NoSuchFileException e) {
            throw new TraceFileException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new TraceFileException(file + ":" + (lineNo + 1) + ": not UTF-8 text: not a jthreadtrace --format jsonl trace");
        } catch (IOException e) {
            throw new TraceFileException(file + ": cannot read: " + e.getMessage());
        }
        if (events.isEmpty()) {
            throw new TraceFileException(file + ": no trace records (empty, or not a jthreadtrace --format jsonl trace)");
        }
        boolean complete = sawEnd && sawSummary;
        // In a trace cut short, a last line that is not a record is the record the writer was cut off in.
        if (!complete && lastSkippedLine == lineNo && lastSkippedLine > lastRecordLine) skipped--;
        return new Saved(events, java, skipped, complete ? 0 : lastRecordLine);
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) return null;
        try {
            return JsonTree.read(line);
        } catch (IOException e) {
            return null; // not ours: skipped and counted (or the last, cut-off line of a truncated trace)
        }
    }

    // ---- typed fields: a record whose field has the wrong type is malformed, not zero ----------

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) throw new IllegalArgumentException("no field " + name);
        return v;
    }

    private static long longField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new IllegalArgumentException(name + " is not an integer");
        return v.asLong();
    }

    private static int intField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new IllegalArgumentException(name + " is not an integer");
        return v.asInt();
    }

    private static boolean boolField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) throw new IllegalArgumentException(name + " is not true or false");
        return v.asBoolean();
    }

    private static String textField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) throw new IllegalArgumentException(name + " is not a string");
        return v.asText();
    }

    private static String textOrNull(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException(name + " is not a string");
        return v.asText();
    }

    private static JavaRecord javaRecord(JsonNode n) {
        int pid = intField(n, JsonlFields.PID);
        long ns = longField(n, JsonlFields.NS);
        int tid = intField(n, JsonlFields.OS_TID);
        String kind = textField(n, JsonlFields.KIND);
        if (kind.equals(JsonlFields.JAVA_SCOPED_VALUES)) {
            JsonNode b = field(n, JsonlFields.BINDINGS);
            if (!b.isObject()) throw new IllegalArgumentException("bindings is not an object");
            Map<String, String> bindings = new LinkedHashMap<>();
            b.fields().forEachRemaining(e -> bindings.put(e.getKey(), e.getValue().asText()));
            return new JavaRecord.ScopedValues(pid, ns, tid, longField(n, JsonlFields.ID), bindings);
        }
        if (kind.equals(JsonlFields.JAVA_PRESENT)) return new JavaRecord.Present(pid, ns, tid, longField(n, JsonlFields.ID), textField(n, JsonlFields.NAME));
        if (kind.equals(JsonlFields.JAVA_MOUNTS)) return new JavaRecord.Mounts(pid, ns, tid, longField(n, JsonlFields.COUNT));
        // Version 1 had a record per mount.
        if (kind.equals(JsonlFields.JAVA_MOUNTED_V1)) return new JavaRecord.Mounts(pid, ns, tid, 1);
        if (kind.equals(JsonlFields.JAVA_VIRTUAL_STARTED)) {
            return new JavaRecord.VirtualStarted(pid, ns, tid, longField(n, JsonlFields.ID), attributes(n));
        }
        if (kind.equals(JsonlFields.JAVA_RENAMED)) {
            return new JavaRecord.Renamed(pid, ns, tid, longField(n, JsonlFields.ID), textField(n, JsonlFields.NAME));
        }
        if (kind.equals(JsonlFields.JAVA_CONSTRUCTED)) {
            return new JavaRecord.Constructed(pid, ns, tid, longField(n, JsonlFields.BY_ID), textField(n, JsonlFields.BY_NAME),
                    longField(n, JsonlFields.ID), textField(n, JsonlFields.NAME), boolField(n, JsonlFields.VIRTUAL), threadLocals(n),
                    stack(n), attributes(n));
        }
        if (!kind.equals(JsonlFields.JAVA_STARTED)) throw new IllegalArgumentException("unknown kind " + kind);
        return new JavaRecord.Started(pid, ns, tid, longField(n, JsonlFields.BY_ID), textField(n, JsonlFields.BY_NAME),
                longField(n, JsonlFields.ID), textField(n, JsonlFields.NAME), n.has(JsonlFields.ITL) ? threadLocals(n) : null,
                stack(n), attributes(n));
    }

    /** A java record's attributes (daemon, priority, group, ccl); empty when absent (older traces). */
    private static Map<String, String> attributes(JsonNode n) {
        JsonNode a = n.get(JsonlFields.ATTRIBUTES);
        if (a == null || a.isNull()) return Map.of();
        if (!a.isObject()) throw new IllegalArgumentException("attributes is not an object");
        Map<String, String> out = new LinkedHashMap<>();
        a.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** A java record's creation stack: [{class, method, file, line}, ...]; empty when absent (older traces). */
    private static List<JavaRecord.Frame> stack(JsonNode n) {
        JsonNode frames = n.get(JsonlFields.STACK);
        if (frames == null || frames.isNull()) return List.of();
        if (!frames.isArray()) throw new IllegalArgumentException("stack is not an array");
        List<JavaRecord.Frame> out = new ArrayList<>();
        for (JsonNode f : frames) {
            out.add(new JavaRecord.Frame(textField(f, JsonlFields.FRAME_CLASS), textField(f, JsonlFields.FRAME_METHOD),
                    textField(f, JsonlFields.FRAME_FILE), intField(f, JsonlFields.FRAME_LINE)));
        }
        return out;
    }

    private static Map<String, String> threadLocals(JsonNode n) {
        Map<String, String> itl = new LinkedHashMap<>();
        JsonNode itls = field(n, JsonlFields.ITL);
        if (!itls.isObject()) throw new IllegalArgumentException("itl is not an object");
        itls.fields().forEachRemaining(e -> itl.put(e.getKey(), e.getValue().asText()));
        return itl;
    }

    private static TraceEvent event(String type, JsonNode n) {
        return switch (type) {
            case JsonlFields.T_START -> n.has(JsonlFields.EXISTING)
                    ? new TraceEvent.Attached(0, intField(n, JsonlFields.PID), intField(n, JsonlFields.TRACER_PID),
                            textOrNull(n, JsonlFields.PATH), strings(field(n, JsonlFields.ARGV)), existing(field(n, JsonlFields.EXISTING)))
                    : new TraceEvent.TargetStarted(0, intField(n, JsonlFields.PID),
                    intField(n, JsonlFields.TRACER_PID), textOrNull(n, JsonlFields.PATH), strings(field(n, JsonlFields.ARGV)));
            case JsonlFields.T_DETACH -> new TraceEvent.Detached(longField(n, JsonlFields.NS), intField(n, JsonlFields.DETACHED));
            case JsonlFields.T_SYSCALL -> {
                JsonNode argsNode = field(n, JsonlFields.ARGS);
                if (!argsNode.isArray() || argsNode.size() != 6) throw new IllegalArgumentException("args is not 6 integers");
                long[] args = new long[6];
                for (int i = 0; i < 6; i++) {
                    if (!argsNode.get(i).isIntegralNumber()) throw new IllegalArgumentException("args is not 6 integers");
                    args[i] = argsNode.get(i).asLong();
                }
                boolean returned = boolField(n, JsonlFields.RETURNED);
                long ns = longField(n, JsonlFields.NS);
                long dur = returned ? longField(n, JsonlFields.DUR_NS) : 0;
                yield new TraceEvent.Syscall(ns, ns + dur, intField(n, JsonlFields.TID), intField(n, JsonlFields.NR), args,
                        returned ? longField(n, JsonlFields.RET) : 0, textOrNull(n, JsonlFields.ERROR) != null, returned,
                        captures(n.get(JsonlFields.CAPTURES)));
            }
            case JsonlFields.T_SPAWN -> new TraceEvent.Spawned(longField(n, JsonlFields.NS), intField(n, JsonlFields.CREATOR),
                    intField(n, JsonlFields.TID), TraceEvent.SpawnKind.valueOf(textField(n, JsonlFields.KIND).toUpperCase(java.util.Locale.ROOT)),
                    longField(n, JsonlFields.FLAGS_RAW));
            case JsonlFields.T_UNTRACED -> new TraceEvent.UntracedChild(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.CHILD), n.path(JsonlFields.SECCOMP_FILTER_INHERITED).asBoolean());
            case JsonlFields.T_EXEC -> new TraceEvent.Exec(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.FORMER_TID), textOrNull(n, JsonlFields.PATH));
            case JsonlFields.T_EXIT -> new TraceEvent.Exited(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.CODE));
            case JsonlFields.T_KILLED -> new TraceEvent.Killed(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.SIGNAL), boolField(n, JsonlFields.CORE_DUMPED));
            case JsonlFields.T_SIGNAL -> new TraceEvent.SignalDelivered(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.SIGNAL));
            case JsonlFields.T_STOP -> new TraceEvent.GroupStopped(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.SIGNAL));
            case JsonlFields.T_END -> new TraceEvent.TraceEnded(longField(n, JsonlFields.NS), intField(n, JsonlFields.INTERRUPTED_BY),
                    textOrNull(n, JsonlFields.FAILURE));
            case JsonlFields.T_JAVA, JsonlFields.T_THREAD, JsonlFields.T_PROCESS, JsonlFields.T_ASSERTION, JsonlFields.T_SUMMARY -> null;
            default -> throw new IllegalArgumentException("unknown record type");
        };
    }

    /** The threads of an attach's start record. */
    private static List<TraceEvent.ExistingTask> existing(JsonNode array) {
        if (!array.isArray()) throw new IllegalArgumentException(JsonlFields.EXISTING + " is not an array");
        List<TraceEvent.ExistingTask> out = new ArrayList<>();
        for (JsonNode t : array) {
            out.add(new TraceEvent.ExistingTask(intField(t, JsonlFields.TID), intField(t, JsonlFields.PID),
                    intField(t, JsonlFields.PPID), textField(t, JsonlFields.NAME), longField(t, JsonlFields.SIGMASK),
                    textField(t, JsonlFields.AFFINITY), intField(t, JsonlFields.SECCOMP), boolField(t, JsonlFields.NO_NEW_PRIVS)));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray()) throw new IllegalArgumentException("not an array of strings");
        List<String> out = new ArrayList<>();
        array.forEach(s -> {
            if (!s.isTextual()) throw new IllegalArgumentException("not an array of strings");
            out.add(s.asText());
        });
        return out;
    }

    private static Captures captures(JsonNode node) {
        if (node == null || node.isNull()) return Captures.NONE;
        Captures c = new Captures();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int arg = Integer.parseInt(e.getKey());
            if (arg < 0 || arg > 5) throw new IllegalArgumentException("capture of argument " + arg);
            JsonNode v = e.getValue();
            if (v.has("hex")) c.put(arg, HexFormat.of().parseHex(v.get("hex").asText()));
            else if (v.has("argv")) c.put(arg, strings(v.get("argv")));
            else if (v.has("path")) c.put(arg, v.get("path").asText());
        }
        return c;
    }
}
