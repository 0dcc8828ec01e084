package dev.jthreadtrace.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.FileId;
import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.Siginfo;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one JSONL record of a saved trace back into the value it was written from: an event, a
 * Java record, an assertion result. A field of the wrong type makes the record malformed
 * ({@link IllegalArgumentException}), never a zero: the reader refuses it with the line.
 */
final class RecordDecoder {
    private RecordDecoder() {}

    // ---- typed fields: a record whose field has the wrong type is malformed, not zero ----------

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) throw new IllegalArgumentException("no field " + name);
        return v;
    }

    static long longField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new IllegalArgumentException(name + " is not an integer");
        return v.asLong();
    }

    /**
     * A kernel number that is unsigned 64-bit (an inode: overlayfs with xino sets the top bit), as
     * {@link Json#unsigned} writes it; a negative one, as earlier versions wrote it, is the same bits.
     */
    static long unsignedField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        if (v.isBigInteger() && v.bigIntegerValue().signum() > 0 && v.bigIntegerValue().bitLength() <= 64) {
            return v.bigIntegerValue().longValue();
        }
        throw new IllegalArgumentException(name + " is not an unsigned 64-bit integer");
    }

    static int intField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new IllegalArgumentException(name + " is not an integer");
        return v.asInt();
    }

    static boolean boolField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) throw new IllegalArgumentException(name + " is not true or false");
        return v.asBoolean();
    }

    static String textField(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) throw new IllegalArgumentException(name + " is not a string");
        return v.asText();
    }

    /**
     * A string field naming one of {@code type}'s constants (written lower-case). The message
     * quotes the trace's value (the reader escapes it), not the enum's Java name.
     */
    static <E extends Enum<E>> E enumField(JsonNode n, String name, Class<E> type) {
        return enumOf(textField(n, name), name, type);
    }

    /** {@link #enumField} of a value already read. */
    static <E extends Enum<E>> E enumOf(String value, String name, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) return e;
        }
        throw new IllegalArgumentException(name + " \"" + value + "\" is not one of the values jthreadtrace writes");
    }

    /** Hexadecimal digits in pairs, as the writer puts bytes; anything else makes the record malformed. */
    static byte[] hex(String digits, String name) {
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not hexadecimal bytes");
        }
    }

    static String textOrNull(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException(name + " is not a string");
        return v.asText();
    }

    /** An assertion record: what the live run checked, written again as it was by {@code report --format jsonl}. */
    static SavedAssertion assertion(JsonNode n) {
        return new SavedAssertion(textField(n, JsonlFields.EXPR), boolField(n, JsonlFields.PASSED), textField(n, JsonlFields.ACTUAL),
                textField(n, JsonlFields.EXPECTED));
    }

    /** An optional integer field: null when absent (a trace written before the field was). */
    static Long longOrNull(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new IllegalArgumentException(name + " is not an integer");
        return v.asLong();
    }

    static JavaRecord javaRecord(JsonNode n) {
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
        if (kind.equals(JsonlFields.JAVA_PRESENT)) {
            return new JavaRecord.Present(pid, ns, tid, longField(n, JsonlFields.ID), textField(n, JsonlFields.NAME), attributes(n));
        }
        if (kind.equals(JsonlFields.JAVA_DUMPED)) {
            return new JavaRecord.Dumped(pid, ns, tid, longField(n, JsonlFields.ID), textField(n, JsonlFields.NAME), attributes(n));
        }
        if (kind.equals(JsonlFields.JAVA_MOUNTS)) return new JavaRecord.Mounts(pid, ns, tid, longField(n, JsonlFields.COUNT));
        if (kind.equals(JsonlFields.JAVA_SHUTDOWN)) return new JavaRecord.ShutdownBegan(pid, ns, tid);
        if (kind.equals(JsonlFields.JAVA_UNCAUGHT)) {
            return new JavaRecord.Uncaught(pid, ns, tid, longField(n, JsonlFields.ID), textField(n, JsonlFields.EXCEPTION));
        }
        // Version 1 had a record per mount.
        if (kind.equals(JsonlFields.JAVA_MOUNTED_V1)) return new JavaRecord.Mounts(pid, ns, tid, 1);
        if (kind.equals(JsonlFields.JAVA_VIRTUAL_STARTED)) {
            return new JavaRecord.VirtualStarted(pid, ns, tid, longField(n, JsonlFields.ID), attributes(n));
        }
        if (kind.equals(JsonlFields.JAVA_LOCKS)) return HangRecords.locks(pid, ns, tid, n);
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
        return frames(n.get(JsonlFields.STACK));
    }

    /** Frames [{class, method, file, line}, ...]; empty when absent. */
    static List<JavaRecord.Frame> frames(JsonNode frames) {
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

    static TraceEvent event(String type, JsonNode n) {
        return switch (type) {
            case JsonlFields.T_START -> n.has(JsonlFields.EXISTING)
                    ? new TraceEvent.Attached(0, intField(n, JsonlFields.PID), intField(n, JsonlFields.TRACER_PID),
                            textOrNull(n, JsonlFields.PATH), strings(field(n, JsonlFields.ARGV)), existing(field(n, JsonlFields.EXISTING)))
                    : new TraceEvent.TargetStarted(0, intField(n, JsonlFields.PID),
                    intField(n, JsonlFields.TRACER_PID), textOrNull(n, JsonlFields.PATH), strings(field(n, JsonlFields.ARGV)));
            case JsonlFields.T_END_LOOK -> HangRecords.endLook(longField(n, JsonlFields.NS), n);
            case JsonlFields.T_DETACH -> new TraceEvent.Detached(longField(n, JsonlFields.NS), intField(n, JsonlFields.DETACHED));
            case JsonlFields.T_PARENT -> new TraceEvent.ParentSeen(longField(n, JsonlFields.NS), intField(n, JsonlFields.PID),
                    intField(n, JsonlFields.PPID));
            case JsonlFields.T_SYSCALL -> {
                long[] args = args(n);
                boolean returned = boolField(n, JsonlFields.RETURNED);
                String cutName = textOrNull(n, JsonlFields.CUT);
                TraceEvent.Cut cut = cutName == null ? TraceEvent.Cut.NONE : enumOf(cutName, JsonlFields.CUT, TraceEvent.Cut.class);
                long ns = longField(n, JsonlFields.NS);
                long dur = returned || cut != TraceEvent.Cut.NONE ? longField(n, JsonlFields.DUR_NS) : 0;
                // A time no run can have written: the figures summed from it would read negative or small.
                if (ns < 0) throw new IllegalArgumentException("ns is negative");
                if (dur < 0) throw new IllegalArgumentException("dur_ns is negative");
                if (ns > Long.MAX_VALUE - dur) throw new IllegalArgumentException("ns + dur_ns overflows");
                yield new TraceEvent.Syscall(ns, ns + dur, intField(n, JsonlFields.TID), intField(n, JsonlFields.NR), args,
                        returned ? longField(n, JsonlFields.RET) : 0, textOrNull(n, JsonlFields.ERROR) != null, returned,
                        captures(n.get(JsonlFields.CAPTURES)), cut);
            }
            case JsonlFields.T_ENTER -> {
                long ns = longField(n, JsonlFields.NS);
                if (ns < 0) throw new IllegalArgumentException("ns is negative");
                yield new TraceEvent.SyscallEntered(ns, intField(n, JsonlFields.TID), intField(n, JsonlFields.NR), args(n),
                        captures(n.get(JsonlFields.CAPTURES)));
            }
            case JsonlFields.T_SPAWN -> new TraceEvent.Spawned(longField(n, JsonlFields.NS), intField(n, JsonlFields.CREATOR),
                    intField(n, JsonlFields.TID), enumField(n, JsonlFields.KIND, TraceEvent.SpawnKind.class),
                    longField(n, JsonlFields.FLAGS_RAW), n.path(JsonlFields.NS_TID).asInt(0),
                    !n.path(JsonlFields.FLAGS_UNKNOWN).asBoolean(false), nsOuter(n.path(JsonlFields.NS_OUTER)));
            case JsonlFields.T_UNTRACED -> new TraceEvent.UntracedChild(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.CHILD), n.path(JsonlFields.SECCOMP_FILTER_INHERITED).asBoolean());
            case JsonlFields.T_EXEC -> new TraceEvent.Exec(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.FORMER_TID), textOrNull(n, JsonlFields.PATH), textOrNull(n, JsonlFields.RUNTIME), null,
                    textOrNull(n, JsonlFields.COMM));
            case JsonlFields.T_COMM -> new TraceEvent.CommWritten(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.TARGET), SyscallTable.number(textField(n, JsonlFields.SYSCALL))
                            .orElseThrow(() -> new IllegalArgumentException("unknown syscall")),
                    intField(n, JsonlFields.FD), KernelBytes.encode(textField(n, JsonlFields.NEW_NAME)));
            case JsonlFields.T_COMM_SEEN -> new TraceEvent.CommSeen(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    KernelBytes.encode(textField(n, JsonlFields.NEW_NAME)), enumField(n, JsonlFields.SEEN_AT, TraceEvent.SeenAt.class),
                    intField(n, JsonlFields.BY));
            case JsonlFields.T_MASK_SEEN -> new TraceEvent.MaskSeen(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    longField(n, JsonlFields.SIGMASK));
            case JsonlFields.T_EXIT -> new TraceEvent.Exited(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.CODE));
            case JsonlFields.T_KILLED -> new TraceEvent.Killed(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.SIGNAL), boolField(n, JsonlFields.CORE_DUMPED));
            case JsonlFields.T_SIGNAL -> new TraceEvent.SignalDelivered(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.SIGNAL), siginfo(n.get(JsonlFields.SIGINFO)));
            case JsonlFields.T_STOP -> new TraceEvent.GroupStopped(longField(n, JsonlFields.NS), intField(n, JsonlFields.TID),
                    intField(n, JsonlFields.SIGNAL));
            case JsonlFields.T_END -> new TraceEvent.TraceEnded(longField(n, JsonlFields.NS), intField(n, JsonlFields.INTERRUPTED_BY),
                    textOrNull(n, JsonlFields.FAILURE));
            // Derived records (a deadlock is found again from the calls and lock views): the model remakes them.
            case JsonlFields.T_JAVA, JsonlFields.T_THREAD, JsonlFields.T_PROCESS, JsonlFields.T_ASSERTION, JsonlFields.T_SUMMARY,
                 JsonlFields.T_DEADLOCK -> null;
            default -> throw new IllegalArgumentException("unknown record type");
        };
    }

    /** A call's six argument registers. */
    private static long[] args(JsonNode n) {
        JsonNode argsNode = field(n, JsonlFields.ARGS);
        if (!argsNode.isArray() || argsNode.size() != 6) throw new IllegalArgumentException("args is not 6 integers");
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            if (!argsNode.get(i).isIntegralNumber()) throw new IllegalArgumentException("args is not 6 integers");
            args[i] = argsNode.get(i).asLong();
        }
        return args;
    }

    /** The threads of an attach's start record. */
    private static List<TraceEvent.ExistingTask> existing(JsonNode array) {
        if (!array.isArray()) throw new IllegalArgumentException(JsonlFields.EXISTING + " is not an array");
        List<TraceEvent.ExistingTask> out = new ArrayList<>();
        for (JsonNode t : array) {
            out.add(new TraceEvent.ExistingTask(intField(t, JsonlFields.TID), intField(t, JsonlFields.PID),
                    intField(t, JsonlFields.PPID), textField(t, JsonlFields.NAME), longField(t, JsonlFields.SIGMASK),
                    textField(t, JsonlFields.AFFINITY), intField(t, JsonlFields.SECCOMP), boolField(t, JsonlFields.NO_NEW_PRIVS),
                    t.path(JsonlFields.NS_TID).asInt(0), t.hasNonNull(HangRecords.IN_CALL)
                    ? HangRecords.lookedTask(intField(t, JsonlFields.TID), t.get(HangRecords.IN_CALL)) : null,
                    HangRecords.sharedMappings(t.get(HangRecords.SHARED_MAPPINGS)), textOrNull(t, JsonlFields.RUNTIME),
                    t.path(HangRecords.MEMORY_OF).asInt(0)));
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

    /**
     * A spawn's {@code ns_outer}: its ids in the PID namespaces between the tool's and its own;
     * absent (one namespace, none, a trace of before) is none. The kernel nests at most 32 levels.
     */
    private static List<Integer> nsOuter(JsonNode array) {
        if (array.isMissingNode() || array.isNull()) return List.of();
        if (!array.isArray() || array.size() > 32) throw new IllegalArgumentException("not a list of at most 32 namespace ids");
        List<Integer> out = new ArrayList<>();
        array.forEach(id -> {
            if (!id.canConvertToInt() || !id.isIntegralNumber()) throw new IllegalArgumentException("not a list of namespace ids");
            out.add(id.asInt());
        });
        return out;
    }

    /** A signal record's siginfo bytes, or null (older traces have none). */
    private static byte[] siginfo(JsonNode node) {
        if (node == null || node.isNull() || !node.has(JsonlFields.HEX)) return null;
        byte[] bytes = hex(node.get(JsonlFields.HEX).asText(), "siginfo");
        if (bytes.length != Siginfo.SIZE) throw new IllegalArgumentException("siginfo of " + bytes.length + " bytes");
        return bytes;
    }

    /** A captures key: the number of the argument the memory was read for. */
    private static int argumentNumber(String key) {
        if (key.isEmpty() || key.length() > 2 || !key.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("a capture of \"" + key + "\", not of an argument number");
        }
        return Integer.parseInt(key);
    }

    private static Captures captures(JsonNode node) {
        if (node == null || node.isNull()) return Captures.NONE;
        Captures c = new Captures();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int arg = argumentNumber(e.getKey());
            if (arg < 0 || arg >= Captures.SLOTS) throw new IllegalArgumentException("capture of argument " + arg);
            JsonNode v = e.getValue();
            if (v.has("hex")) c.put(arg, hex(v.get("hex").asText(), "a capture"));
            else if (v.has("argv")) c.put(arg, strings(v.get("argv")));
            else if (v.has("path")) c.put(arg, v.get("path").asText());
            else if (v.has("file")) c.put(arg, new FileId(unsignedField(v.get("file"), "dev"), unsignedField(v.get("file"), "inode")));
        }
        return c;
    }
}
