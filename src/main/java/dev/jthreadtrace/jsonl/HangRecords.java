package dev.jthreadtrace.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.HangAnalysis;
import dev.jthreadtrace.model.PendingCall;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The JSONL side of "my program hangs": a JVM's lock view ({@code java} record of kind
 * {@code locks}, written and read back, so a saved trace gives the same deadlocks), a thread
 * record's {@code blocked} field, and one {@code deadlock} record per cycle (derived: a reader
 * recomputes them). Strings from the target are written exactly; JSON escapes them.
 */
final class HangRecords {
    private HangRecords() {}

    /** A lock view's threads into its {@code java} record. */
    static void locks(Json json, JavaRecord.Locks l) {
        List<Json> threads = new ArrayList<>();
        for (JavaRecord.LockedThread t : l.threads()) {
            Json waiting = t.waiting() == null ? null : lock(t.waiting().lock()).put(JsonlFields.KIND,
                    t.waiting().kind().name().toLowerCase(Locale.ROOT));
            threads.add(Json.object().put(JsonlFields.TID, t.tid()).put(JsonlFields.ID, t.id()).put(JsonlFields.NAME, t.name())
                    .put(JsonlFields.STATE, t.state()).put(JsonlFields.WAITING, waiting)
                    .put(JsonlFields.HELD, t.held().stream().map(HangRecords::lock).toList())
                    .put(JsonlFields.FRAMES, JsonLines.stack(t.frames())));
        }
        json.put(JsonlFields.THREADS, threads).put(JsonlFields.DEADLOCKS_FOUND, l.deadlocksFound());
        if (l.unavailable() != null) json.put(JsonlFields.UNAVAILABLE, l.unavailable());
    }

    private static Json lock(JavaRecord.Lock l) {
        return Json.object().put(JsonlFields.LOCK, l.id()).put(JsonlFields.CLASS, l.className());
    }

    /** A {@code locks} record read back. */
    static JavaRecord.Locks locks(int pid, long ns, int osTid, JsonNode n) {
        JsonNode threads = n.get(JsonlFields.THREADS);
        if (threads == null || !threads.isArray()) throw new IllegalArgumentException("threads is not a list");
        List<JavaRecord.LockedThread> out = new ArrayList<>();
        for (JsonNode t : threads) {
            JsonNode w = t.get(JsonlFields.WAITING);
            JavaRecord.LockWait waiting = w == null || w.isNull() ? null : new JavaRecord.LockWait(
                    RecordDecoder.enumField(w, JsonlFields.KIND, JavaRecord.WaitKind.class), lock(w));
            List<JavaRecord.Lock> held = new ArrayList<>();
            JsonNode h = t.get(JsonlFields.HELD);
            if (h == null || !h.isArray()) throw new IllegalArgumentException("held is not a list");
            for (JsonNode l : h) held.add(lock(l));
            out.add(new JavaRecord.LockedThread(RecordDecoder.intField(t, JsonlFields.TID), RecordDecoder.longField(t, JsonlFields.ID),
                    RecordDecoder.textField(t, JsonlFields.NAME), RecordDecoder.textField(t, JsonlFields.STATE), waiting, held,
                    RecordDecoder.frames(t.get(JsonlFields.FRAMES))));
        }
        return new JavaRecord.Locks(pid, ns, osTid, out, RecordDecoder.intField(n, JsonlFields.DEADLOCKS_FOUND),
                RecordDecoder.textOrNull(n, JsonlFields.UNAVAILABLE));
    }

    private static JavaRecord.Lock lock(JsonNode n) {
        return new JavaRecord.Lock(RecordDecoder.textField(n, JsonlFields.LOCK), RecordDecoder.textField(n, JsonlFields.CLASS));
    }

    /**
     * An {@code end_look} record: per task the call {@code /proc} said it was in ({@code nr} -1:
     * none), its six {@code args}, and the futex word's bytes read then ({@code word}, hex; null:
     * not read).
     */
    static Json endLook(Json json, TraceEvent.EndLook l) {
        List<Json> tasks = new ArrayList<>();
        for (TraceEvent.LookedTask t : l.tasks()) tasks.add(lookedTask(t).put(JsonlFields.TID, t.tid()));
        return json.put("tasks", tasks);
    }

    /** An existing task's field at an attach: the call it was in before the attach's interrupt. */
    static final String IN_CALL = "in_call";

    /** An existing main thread's field at an attach: the attached process whose memory its process runs in (kcmp KCMP_VM). */
    static final String MEMORY_OF = "memory_of";

    /** An existing main thread's field at an attach: its process's shared mappings then (/proc/PID/maps). */
    static final String SHARED_MAPPINGS = "shared_mappings";

    /** The shared mappings at an attach: {@code [{start, end, offset, dev, inode}, ...]}. */
    static List<Json> sharedMappings(List<TraceEvent.SharedMapping> mappings) {
        List<Json> out = new ArrayList<>();
        for (TraceEvent.SharedMapping m : mappings) {
            out.add(Json.object().put("start", m.start()).put("end", m.end()).put("offset", m.offset()).put("dev", Json.unsigned(m.device()))
                    .put("inode", Json.unsigned(m.inode())));
        }
        return out;
    }

    /** The shared mappings read back (none when the field is absent: a trace from before it was written). */
    static List<TraceEvent.SharedMapping> sharedMappings(JsonNode array) {
        if (array == null || array.isNull()) return List.of();
        if (!array.isArray()) throw new IllegalArgumentException(SHARED_MAPPINGS + " is not an array");
        List<TraceEvent.SharedMapping> out = new ArrayList<>();
        for (JsonNode m : array) {
            out.add(new TraceEvent.SharedMapping(RecordDecoder.longField(m, "start"), RecordDecoder.longField(m, "end"),
                    RecordDecoder.longField(m, "offset"), RecordDecoder.unsignedField(m, "dev"), RecordDecoder.unsignedField(m, "inode")));
        }
        return out;
    }

    /** One looked-at task: {@code nr}, {@code args}, {@code word} (hex or null). */
    static Json lookedTask(TraceEvent.LookedTask t) {
        return Json.object().put(JsonlFields.NR, t.nr()).put(JsonlFields.ARGS, t.args())
                .put("word", t.word() == null ? null : HexFormat.of().formatHex(t.word()));
    }

    /** One looked-at task read back ({@code tid}: whose). */
    static TraceEvent.LookedTask lookedTask(int tid, JsonNode t) {
        JsonNode a = t.get(JsonlFields.ARGS);
        if (a == null || !a.isArray() || a.size() != 6) throw new IllegalArgumentException("args is not 6 integers");
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            if (!a.get(i).isIntegralNumber()) throw new IllegalArgumentException("args is not 6 integers");
            args[i] = a.get(i).asLong();
        }
        JsonNode w = t.get("word");
        byte[] word = w == null || w.isNull() ? null : RecordDecoder.hex(w.asText(), "word");
        return new TraceEvent.LookedTask(tid, RecordDecoder.intField(t, JsonlFields.NR), args, word);
    }

    /** An {@code end_look} record read back. */
    static TraceEvent.EndLook endLook(long ns, JsonNode n) {
        if (ns < 0) throw new IllegalArgumentException("ns is negative");
        JsonNode tasks = n.get("tasks");
        if (tasks == null || !tasks.isArray()) throw new IllegalArgumentException("tasks is not a list");
        List<TraceEvent.LookedTask> out = new ArrayList<>();
        for (JsonNode t : tasks) out.add(lookedTask(RecordDecoder.intField(t, JsonlFields.TID), t));
        return new TraceEvent.EndLook(ns, out);
    }

    /**
     * A thread record's {@code stopped}: the stop signal that held it stopped when the trace ended,
     * since when, who sent it (pid; 0: the kernel; null: not known) and how (kill or tgkill); null
     * when it was not stopped then. A sender a thread of another PID namespace names by a pid no
     * traced task has there: {@code sender_ns_pid}, that pid (0: from outside the namespace).
     */
    static Json stopped(TraceModel model, ThreadInfo t) {
        HangAnalysis.Stopped st = model.hang().stopOf(t);
        if (st == null) return null;
        Json json = Json.object().put(JsonlFields.SIGNAL, dev.jthreadtrace.decode.Signals.name(st.signal())).put("since_ns", st.ns())
                .put("sender", st.senderPid() < 0 ? null : st.senderPid())
                .put("by", st.senderPid() <= 0 && st.senderAsSeen() < 0 ? null : st.byTgkill() ? "tgkill" : "kill")
                .put("before_attach", st.beforeAttach());
        return st.senderAsSeen() < 0 ? json : json.put("sender_ns_pid", st.senderAsSeen());
    }

    /**
     * A thread record's {@code blocked}: the call it was in at the end, decoded, since when and for
     * how long, how it was left, the futex word's side, the JVM's view, and what it waited for; null
     * when it was not blocked.
     */
    static Json blocked(TraceModel model, ThreadInfo t, int stringMax) {
        HangAnalysis.Blocked b = model.hang().of(t);
        if (b == null) return null;
        Json json = Json.object();
        PendingCall c = b.call();
        if (c != null) {
            json.put("syscall", SyscallTable.name(c.nr())).put(JsonlFields.NR, c.nr())
                    .put("text", SyscallDecoder.call(c.nr(), c.args(), c.captures(), stringMax) + " = "
                            + (c.ending() == PendingCall.Ending.INTERRUPTED ? SyscallDecoder.result(c.nr(), c.ret(), true, true) : "?"))
                    .put("since_ns", c.sinceNs()).put("for_ns", c.forNs()).put("ending", c.ending().name().toLowerCase(Locale.ROOT))
                    .put("restarts", c.restarts());
        }
        if (b.futex() != null) {
            HangAnalysis.FutexWait f = b.futex();
            json.put("futex", Json.object().put("word", "0x" + Long.toHexString(f.uaddr()))
                    .put("words", f.words().stream().map(w -> "0x" + Long.toHexString(w)).toList())
                    .put("owner", f.owner() == null ? null : f.owner().tid())
                    .put("owner_source", f.owner() == null ? null : f.owner().from().json())
                    .put("owner_read", f.owner() == null ? null : f.ownerReadAtEnd() ? "end" : "wait")
                    .put("owner_unknown", f.ownerUnknown())
                    .put("joining", f.joining() == null ? null : f.joining().tid())
                    .put("waiters", f.otherWaiters().stream().map(ThreadInfo::tid).toList())
                    .put("last_waker", f.lastWake() == null ? null : f.lastWake().waker()));
        }
        if (b.java() != null) {
            JavaRecord.LockedThread j = b.java();
            json.put("java", Json.object().put(JsonlFields.NAME, j.name()).put(JsonlFields.STATE, j.state())
                    .put(JsonlFields.WAITING, j.waiting() == null ? null : lock(j.waiting().lock())
                            .put(JsonlFields.KIND, j.waiting().kind().name().toLowerCase(Locale.ROOT))));
        }
        if (b.waitsFor() != null) {
            json.put("waits_for", Json.object().put(JsonlFields.TID, b.waitsFor().target().tid())
                    .put(JsonlFields.NAME, b.waitsFor().target().name())
                    .put("via", b.waitsFor().via().name().toLowerCase(Locale.ROOT)).put(JsonlFields.LOCK, b.waitsFor().lock()));
        }
        List<HangAnalysis.Deadlock> deadlocks = model.hang().deadlocks();
        for (int i = 0; i < deadlocks.size(); i++) {
            if (deadlocks.get(i).cycle().stream().anyMatch(x -> x.thread() == t)) json.put("deadlock", i + 1);
        }
        return json;
    }

    /** One {@code deadlock} record per cycle: its kind and its threads in order (each waits for the next). */
    static void deadlocks(TraceModel model, Supplier<Json> record, Consumer<String> out) {
        List<HangAnalysis.Deadlock> deadlocks = model.hang().deadlocks();
        for (int i = 0; i < deadlocks.size(); i++) {
            HangAnalysis.Deadlock d = deadlocks.get(i);
            List<Json> threads = new ArrayList<>();
            for (HangAnalysis.Blocked b : d.cycle()) {
                threads.add(Json.object().put(JsonlFields.TID, b.thread().tid()).put(JsonlFields.NAME, b.thread().name())
                        .put(JsonlFields.CREATOR, b.thread().creator())
                        .put("via", b.waitsFor().via().name().toLowerCase(Locale.ROOT)).put(JsonlFields.LOCK, b.waitsFor().lock()));
            }
            out.accept(record.get().put(JsonlFields.ID, i + 1).put(JsonlFields.KIND, d.kind().name().toLowerCase(Locale.ROOT))
                    .put(JsonlFields.THREADS, threads).toString());
        }
    }
}
