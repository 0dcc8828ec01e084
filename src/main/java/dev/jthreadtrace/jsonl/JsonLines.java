package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.FileId;
import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.Siginfo;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FoldedTask;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.FutexCounters;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.model.MmapCounters;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.RestartNames;
import dev.jthreadtrace.render.StartClock;
import dev.jthreadtrace.sys.Errno;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * {@code --format jsonl}: one JSON object per line. First every event (with the decoded text and
 * the raw values, so a saved trace can be re-read into the same model), then one {@code thread}
 * record per task, one {@code process} record per process, the assertion results and a
 * {@code summary}. Field names are a contract (README "JSONL"); {@code v} changes when they break.
 */
public final class JsonLines implements LiveSink {
    public static final int VERSION = JsonlFields.VERSION;
    private final Output out;
    private final int stringMax;
    private final boolean[] shown;
    /**
     * This run's token and the record counter: the traced program may share our stdout, and a
     * line it prints cannot know the token, so the reader tells our records from its lines; the
     * sequence number shows a record duplicated, lost or moved.
     */
    private final String run;
    private final StartClock clock;
    private long seq;
    /** A restart_syscall's {@code text} names the call it continues, as the text lines do. */
    private final RestartNames restarts = new RestartNames(1 << 16);
    /**
     * The latest shown call that began, its record not yet written (null: none). Its {@code enter}
     * record is written only when another record comes first: that is when the live lines mark it
     * {@code <unfinished ...>}, so {@code report} can print it at its time, as they did. A call
     * that returns before anything else happens is its {@code syscall} record alone, as its line is
     * one line, unless it renamed its thread (prctl PR_SET_NAME): the line began with the name
     * before, which only its {@code enter} record still knows. One at most: a call that begins
     * interrupts the previous one, as it does a line.
     */
    private Entered entered;

    /** A call that began, with its thread's name then (a record written later must not show a name given since). */
    private record Entered(TraceEvent.SyscallEntered call, String name) {}

    public JsonLines(Output out, int stringMax, boolean[] shown) {
        this(out, stringMax, shown, newRunToken(), StartClock.live());
    }

    JsonLines(Output out, int stringMax, boolean[] shown, String run) {
        this(out, stringMax, shown, run, StartClock.live());
    }

    /** A live trace whose start time other sinks of the same trace share ({@code -tt} lines beside the JSONL). */
    public JsonLines(Output out, int stringMax, boolean[] shown, StartClock clock) {
        this(out, stringMax, shown, newRunToken(), clock);
    }

    JsonLines(Output out, int stringMax, boolean[] shown, String run, StartClock clock) {
        this.out = out;
        this.stringMax = stringMax;
        this.shown = shown.clone();
        this.run = run;
        this.clock = clock;
    }

    /**
     * A saved trace written again ({@code report --format jsonl}): its run token and start time, so
     * that what was read and what is written are the same records.
     */
    public static JsonLines rewriting(Output out, TraceReader.Header header, int stringMax, boolean[] shown) {
        return new JsonLines(out, stringMax, shown, header.run(), header.wallNs() == null ? StartClock.live()
                : StartClock.saved(header.wallNs()));
    }

    private static String newRunToken() {
        byte[] token = new byte[8];
        new Random(System.nanoTime() ^ ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L).nextBytes(token);
        return HexFormat.of().formatHex(token);
    }

    private Json record(String type) {
        return Json.object().put(JsonlFields.V, VERSION).put(JsonlFields.TYPE, type).put(JsonlFields.SEQ, ++seq)
                .put(JsonlFields.RUN, run);
    }

    private static double seconds(long ns) {
        return Math.round(ns / 1000.0) / 1e6;
    }

    @Override
    public void event(TraceEvent event, TraceModel model) {
        if (!model.started()) return; // nothing before the target's exec is part of the trace
        // The tasks folded as this event came (the model folds what ended before it): their records are
        // final now, and gone after. First, before any record of this event takes its sequence number:
        // the live run folds at events that write no record (a call entered, a call not shown), which a
        // replay does not have; it folds at the next event with a record, and writes them before it too.
        for (FoldedTask f : model.folded().foldedByLastEvent()) {
            out.line(threadRecord(model, f.task(), f.futex(), f.mmap(), null).put(JsonlFields.FOLDED, true).toString());
        }
        if (entered != null && !(event instanceof TraceEvent.Syscall s && s.tid() == entered.call().tid()
                && Objects.equals(model.nameOf(s.tid()), entered.name()))) {
            out.line(enter(entered, model).toString());
        }
        entered = event instanceof TraceEvent.SyscallEntered s ? new Entered(s, model.nameOf(s.tid())) : null;
        Json line = switch (event) {
            case TraceEvent.TargetStarted s -> bounded(record(JsonlFields.T_START).put(JsonlFields.NS, 0L).put("t", 0.0).put(JsonlFields.PID, s.pid())
                    .put(JsonlFields.TRACER_PID, s.tracerPid()).put(JsonlFields.PATH, s.path()).put(JsonlFields.ARGV, s.argv())
                    .put(JsonlFields.WALL_NS, clock.wallNsAt(s.ns())).put(JsonlFields.STRING_LIMIT, stringMax), model);
            case TraceEvent.Attached a -> {
                List<Json> existing = new ArrayList<>();
                for (TraceEvent.ExistingTask t : a.tasks()) {
                    existing.add(Json.object().put(JsonlFields.TID, t.tid()).put(JsonlFields.PID, t.tgid())
                            .put(JsonlFields.PPID, t.ppid()).put(JsonlFields.NAME, t.name()).put(JsonlFields.SIGMASK, t.sigmask())
                            .put(JsonlFields.AFFINITY, t.affinity()).put(JsonlFields.SECCOMP, t.seccomp())
                            .put(JsonlFields.NO_NEW_PRIVS, t.noNewPrivs()));
                    if (t.nsTid() != 0) existing.getLast().put(JsonlFields.NS_TID, t.nsTid());
                    if (t.inCall() != null) existing.getLast().put(HangRecords.IN_CALL, HangRecords.lookedTask(t.inCall()));
                    if (!t.shared().isEmpty()) existing.getLast().put(HangRecords.SHARED_MAPPINGS, HangRecords.sharedMappings(t.shared()));
                    if (t.runtime() != null) existing.getLast().put(JsonlFields.RUNTIME, t.runtime());
                    if (t.memoryOf() != 0) existing.getLast().put(HangRecords.MEMORY_OF, t.memoryOf());
                }
                yield bounded(record(JsonlFields.T_START).put(JsonlFields.NS, 0L).put("t", 0.0).put(JsonlFields.PID, a.pid())
                        .put(JsonlFields.TRACER_PID, a.tracerPid()).put(JsonlFields.PATH, a.path()).put(JsonlFields.ARGV, a.argv())
                        .put(JsonlFields.EXISTING, existing).put(JsonlFields.WALL_NS, clock.wallNsAt(a.ns()))
                        .put(JsonlFields.STRING_LIMIT, stringMax), model);
            }
            case TraceEvent.EndLook l -> HangRecords.endLook(record(JsonlFields.T_END_LOOK).put(JsonlFields.NS, model.rel(l.ns()))
                    .put("t", seconds(model.rel(l.ns()))), l);
            // Only an orphan's: where the kernel put it, which a replay needs; any other process's parent is known.
            case TraceEvent.ParentSeen p -> model.thread(p.pid()) == null || model.thread(p.pid()).reparents().isEmpty() ? null
                    : record(JsonlFields.T_PARENT).put(JsonlFields.NS, model.rel(p.ns())).put("t", seconds(model.rel(p.ns())))
                            .put(JsonlFields.PID, p.pid()).put(JsonlFields.PPID, p.ppid());
            case TraceEvent.Detached d -> record(JsonlFields.T_DETACH).put(JsonlFields.NS, model.rel(d.ns()))
                    .put("t", seconds(model.rel(d.ns()))).put(JsonlFields.DETACHED, d.detached());
            case TraceEvent.Syscall s -> syscall(s, model);
            case TraceEvent.SyscallEntered s -> null; // written when another record comes before the call's own
            case TraceEvent.Spawned s -> flagsUnknown(JsonlFields.FLAGS_UNKNOWN, s.flagsKnown(), nsTid(at(record(JsonlFields.T_SPAWN), s.ns(), model, s.child()).put(JsonlFields.CREATOR, s.creator())
                    .put("creator_name", model.nameOf(s.creator())).put(JsonlFields.KIND, s.kind().name().toLowerCase(Locale.ROOT))
                    .put("flags", CloneFlags.names(s.flags())).put(JsonlFields.FLAGS_RAW, s.flags())
                    .put("os_parent", model.thread(s.child()) != null ? model.thread(s.child()).osParent() : null), s.nsIds()));
            case TraceEvent.UntracedChild u -> at(record(JsonlFields.T_UNTRACED), u.ns(), model, u.creator()).put(JsonlFields.CHILD, u.child())
                    .put(JsonlFields.SECCOMP_FILTER_INHERITED, u.filterInherited());
            case TraceEvent.Exec e -> at(record(JsonlFields.T_EXEC), e.ns(), model, e.tid()).put(JsonlFields.FORMER_TID, e.formerTid())
                    .put(JsonlFields.PATH, e.path()).put(JsonlFields.COMM, e.comm()).put(JsonlFields.RUNTIME, e.runtime());
            case TraceEvent.CommWritten c -> at(record(JsonlFields.T_COMM), c.ns(), model, c.tid()).put(JsonlFields.TARGET, c.target())
                    .put(JsonlFields.NEW_NAME, KernelBytes.decode(c.name())).put(JsonlFields.SYSCALL, SyscallTable.name(c.nr()))
                    .put(JsonlFields.FD, c.fd());
            case TraceEvent.CommSeen c -> at(record(JsonlFields.T_COMM_SEEN), c.ns(), model, c.tid())
                    .put(JsonlFields.NEW_NAME, KernelBytes.decode(c.name())).put(JsonlFields.SEEN_AT, c.at().name().toLowerCase(Locale.ROOT))
                    .put(JsonlFields.BY, c.by());
            case TraceEvent.MaskSeen m -> at(record(JsonlFields.T_MASK_SEEN), m.ns(), model, m.tid()).put(JsonlFields.SIGMASK, m.mask()).put("sigmask_names", Signals.renderSet(m.mask()));
            case TraceEvent.Exited e -> at(record(JsonlFields.T_EXIT), e.ns(), model, e.tid()).put(JsonlFields.CODE, e.code());
            case TraceEvent.Killed k -> at(record(JsonlFields.T_KILLED), k.ns(), model, k.tid()).put(JsonlFields.SIGNAL, k.signal())
                    .put("signal_name", Signals.name(k.signal())).put(JsonlFields.CORE_DUMPED, k.coreDumped());
            case TraceEvent.SignalDelivered s -> signal(s, model);
            case TraceEvent.GroupStopped g -> at(record(JsonlFields.T_STOP), g.ns(), model, g.tid()).put(JsonlFields.SIGNAL, g.signal())
                    .put("signal_name", Signals.name(g.signal()));
            case TraceEvent.TraceEnded e -> {
                Json end = record(JsonlFields.T_END).put(JsonlFields.NS, model.rel(e.ns())).put("t", seconds(model.rel(e.ns())))
                        .put(JsonlFields.INTERRUPTED_BY, e.interruptedBy());
                yield e.failure() == null ? end : end.put(JsonlFields.FAILURE, e.failure());
            }
        };
        restarts.saw(event);
        if (line != null) out.line(line.toString());
    }

    /**
     * The start record's {@code keep_ended}: the bound past which the model folded ended tasks, so a
     * reader replays the fold where the run did; none when every task was kept (as before the bound existed).
     */
    private static Json bounded(Json start, TraceModel model) {
        int keepEnded = model.folded().keepEnded();
        return keepEnded < 0 ? start : start.put(JsonlFields.KEEP_ENDED, keepEnded);
    }

    private Json at(Json json, long ns, TraceModel model, int tid) {
        return at(json, ns, model, tid, model.nameOf(tid));
    }

    private static Json at(Json json, long ns, TraceModel model, int tid, String name) {
        long rel = model.rel(ns);
        return json.put(JsonlFields.NS, rel).put("t", seconds(rel)).put(JsonlFields.TID, tid).put(JsonlFields.NAME, name);
    }

    /** A task's id in its own PID namespace, only when that is not the tracer's (a default trace's records stay as they were). */
    /** Only when the clone flags could not be read (a non-dumpable creator): then the flags listed are what the kernel showed. */
    private static Json flagsUnknown(String key, boolean known, Json json) {
        return known ? json : json.put(key, true);
    }

    /** {@code ns_tid}, its innermost id, when its PID namespace is not the tool's; {@code ns_outer}, those between, when nested. */
    private static Json nsTid(Json json, List<Integer> ids) {
        return ids.isEmpty() ? json : ids.size() == 1 ? json.put(JsonlFields.NS_TID, ids.getLast())
                : json.put(JsonlFields.NS_TID, ids.getLast()).put(JsonlFields.NS_OUTER, ids.subList(0, ids.size() - 1));
    }

    private Json syscall(TraceEvent.Syscall s, TraceModel model) {
        Json json = at(record(JsonlFields.T_SYSCALL), s.ns(), model, s.tid())
                .put("syscall", SyscallTable.name(s.nr())).put(JsonlFields.NR, s.nr()).put(JsonlFields.ARGS, s.args())
                .put(JsonlFields.RET, s.returned() ? s.ret() : null).put(JsonlFields.RETURNED, s.returned())
                .put(JsonlFields.ERROR, s.error() ? Errno.name((int) -s.ret()) : null)
                .put(JsonlFields.DUR_NS, s.returned() || s.wasCut() ? s.exitNs() - s.ns() : null)
                .put(JsonlFields.SHOWN, s.nr() >= 0 && s.nr() < shown.length && shown[s.nr()])
                .put("text", restarts.call(s.tid(), s.nr(), s.args(), s.captures(), stringMax) + " = "
                        + SyscallDecoder.result(s.nr(), s.args(), s.ret(), s.error(), s.returned(), s.captures()));
        if (s.wasCut()) json.put(JsonlFields.CUT, s.cut().name().toLowerCase(Locale.ROOT));
        if (!s.captures().isEmpty()) json.put(JsonlFields.CAPTURES, captures(s.captures()));
        return json;
    }

    /**
     * An {@code enter} record: a call that began and had not returned when the next record came;
     * its {@code syscall} record follows when it returns or is cut. {@code text} is what strace
     * prints at the entry, {@code captures} the memory copied then.
     */
    private Json enter(Entered entered, TraceModel model) {
        TraceEvent.SyscallEntered s = entered.call();
        Json json = at(record(JsonlFields.T_ENTER), s.ns(), model, s.tid(), entered.name()).put("syscall", SyscallTable.name(s.nr())).put(JsonlFields.NR, s.nr()).put(JsonlFields.ARGS, s.args())
                .put("text", restarts.entryPart(s.tid(), s.nr(), s.args(), s.captures(), stringMax));
        if (!s.captures().isEmpty()) json.put(JsonlFields.CAPTURES, captures(s.captures()));
        return json;
    }

    /** A signal-delivery record: the number, its name and, when read, the siginfo (hex, and as text). */
    private Json signal(TraceEvent.SignalDelivered s, TraceModel model) {
        Json json = at(record(JsonlFields.T_SIGNAL), s.ns(), model, s.tid()).put(JsonlFields.SIGNAL, s.signal())
                .put("signal_name", Signals.name(s.signal()));
        if (s.siginfo() != null) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put(JsonlFields.HEX, HexFormat.of().formatHex(s.siginfo()));
            info.put("text", Siginfo.render(s.siginfo()));
            json.put(JsonlFields.SIGINFO, info);
        }
        return json;
    }

    /** {"dev": N, "inode": N} (as an attach's {@code shared_mappings} name them): the file a shared mapping maps. */
    private static Map<String, Object> fileId(FileId f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dev", Json.unsigned(f.device()));
        out.put("inode", Json.unsigned(f.inode()));
        return out;
    }

    /** Captured memory by argument index: {"hex": ...} bytes, {"argv": [...]}, {"path": ...}, {"file": {...}}. */
    private static Map<String, Object> captures(Captures c) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < Captures.SLOTS; i++) {
            if (!c.has(i)) continue;
            if (c.bytes(i) != null) out.put(Integer.toString(i), Map.of("hex", HexFormat.of().formatHex(c.bytes(i))));
            else if (c.strings(i) != null) out.put(Integer.toString(i), Map.of("argv", c.strings(i)));
            else if (c.fileId(i) != null) out.put(Integer.toString(i), Map.of("file", fileId(c.fileId(i))));
            else out.put(Integer.toString(i), Map.of("path", c.string(i)));
        }
        return out;
    }

    /** The records after the events: Java records, threads, processes, assertion results, summary. */
    public void finalRecords(TraceModel model, List<AssertionResult> results) {
        finalRecordsWith(model, SavedAssertion.of(results));
    }

    /** The same with assertion results as a saved trace holds them. */
    public void finalRecordsWith(TraceModel model, List<SavedAssertion> results) {
        javaRecords(model);
        threadRecords(model);
        for (ProcessInfo p : model.processes()) {
            out.line(record(JsonlFields.T_PROCESS).put(JsonlFields.PID, p.pid()).put(JsonlFields.CREATOR, p.creator()).put("parent", p.parentPid())
                    .put("exec", p.exec()).put(JsonlFields.RUNTIME, p.runtime()).put("exit", exit(p.exit())).toString());
        }
        HangRecords.deadlocks(model, () -> record(JsonlFields.T_DEADLOCK), out::line);
        for (SavedAssertion r : results) {
            out.line(record(JsonlFields.T_ASSERTION).put(JsonlFields.EXPR, r.expr()).put(JsonlFields.PASSED, r.passed())
                    .put(JsonlFields.ACTUAL, r.actual()).put(JsonlFields.EXPECTED, r.expected()).toString());
        }
        Exit exit = model.targetExit();
        Json summary = record(JsonlFields.T_SUMMARY).put("command", model.command()).put(JsonlFields.PID, model.rootPid())
                .put("exit", exit(exit)).put(JsonlFields.INTERRUPTED_BY, model.interruptedBy())
                .put("metrics", Metric.summary(model)).put("syscalls", syscalls(model));
        // A bounded trace says how many tasks folded (their thread records came with "folded": true).
        if (model.folded().keepEnded() >= 0) summary.put(JsonlFields.FOLDED, model.folded().all().tasks());
        out.line(summary.toString());
    }

    /** What the JVM agents reported, and the JVMs' lock views. */
    private void javaRecords(TraceModel model) {
        for (JavaRecord r : model.javaView().records()) {
            Json json = record(JsonlFields.T_JAVA).put(JsonlFields.PID, r.pid()).put(JsonlFields.NS, model.rel(r.ns())).put(JsonlFields.OS_TID, r.osTid());
            switch (r) {
                case JavaRecord.Constructed c -> json.put(JsonlFields.KIND, JsonlFields.JAVA_CONSTRUCTED).put(JsonlFields.BY_ID, c.creatorId())
                        .put(JsonlFields.BY_NAME, c.creatorName()).put(JsonlFields.ID, c.id()).put(JsonlFields.NAME, c.name()).put(JsonlFields.VIRTUAL, c.virtual())
                        .put(JsonlFields.ITL, c.inherited()).put(JsonlFields.STACK, stack(c.stack()))
                        .put(JsonlFields.ATTRIBUTES, c.attributes());
                case JavaRecord.Started s -> {
                    json.put(JsonlFields.KIND, JsonlFields.JAVA_STARTED).put(JsonlFields.BY_ID, s.starterId())
                            .put(JsonlFields.BY_NAME, s.starterName()).put(JsonlFields.ID, s.id()).put(JsonlFields.NAME, s.name());
                    if (s.inherited() != null) json.put(JsonlFields.ITL, s.inherited());
                    json.put(JsonlFields.STACK, stack(s.stack())).put(JsonlFields.ATTRIBUTES, s.attributes());
                }
                case JavaRecord.ScopedValues v -> json.put(JsonlFields.KIND, JsonlFields.JAVA_SCOPED_VALUES).put(JsonlFields.ID, v.id())
                        .put(JsonlFields.BINDINGS, v.bindings());
                case JavaRecord.Present p -> json.put(JsonlFields.KIND, JsonlFields.JAVA_PRESENT).put(JsonlFields.ID, p.id())
                        .put(JsonlFields.NAME, p.name()).put(JsonlFields.ATTRIBUTES, p.attributes());
                case JavaRecord.Dumped d -> json.put(JsonlFields.KIND, JsonlFields.JAVA_DUMPED).put(JsonlFields.ID, d.id())
                        .put(JsonlFields.NAME, d.name()).put(JsonlFields.ATTRIBUTES, d.attributes());
                case JavaRecord.Mounts m -> json.put(JsonlFields.KIND, JsonlFields.JAVA_MOUNTS).put(JsonlFields.COUNT, m.count());
                case JavaRecord.ShutdownBegan x -> json.put(JsonlFields.KIND, JsonlFields.JAVA_SHUTDOWN);
                case JavaRecord.Uncaught u -> json.put(JsonlFields.KIND, JsonlFields.JAVA_UNCAUGHT).put(JsonlFields.ID, u.id())
                        .put(JsonlFields.EXCEPTION, u.exception());
                case JavaRecord.Renamed n -> json.put(JsonlFields.KIND, JsonlFields.JAVA_RENAMED).put(JsonlFields.ID, n.id())
                        .put(JsonlFields.NAME, n.name());
                // Folded into its constructed record, unless that is not in the trace (constructed before an attach).
                case JavaRecord.VirtualStarted v -> json.put(JsonlFields.KIND, JsonlFields.JAVA_VIRTUAL_STARTED).put(JsonlFields.ID, v.id())
                        .put(JsonlFields.ATTRIBUTES, v.attributes());
                case JavaRecord.Locks l -> HangRecords.locks(json.put(JsonlFields.KIND, JsonlFields.JAVA_LOCKS), l);
            }
            out.line(json.toString());
        }
    }

    private void threadRecords(TraceModel model) {
        Map<Integer, List<Integer>> joinersByJoined = new HashMap<>();
        for (FutexAnalysis.Join j : model.futexAnalysis().joins()) {
            joinersByJoined.computeIfAbsent(j.joined(), k -> new ArrayList<>()).add(j.joiner());
        }
        for (ThreadInfo t : model.threads()) {
            Final atEnd = new Final(joinersByJoined.getOrDefault(t.tid(), List.of()), outlived(model, t),
                    model.virtualThreadsByCreator().getOrDefault(t.tid(), 0), model.virtualThreadMountsByCarrier().getOrDefault(t.tid(), 0L),
                    HangRecords.blocked(model, t, stringMax), HangRecords.stopped(model, t));
            out.line(threadRecord(model, t, model.futex().of(t), model.mmap().of(t), atEnd).toString());
        }
    }

    /**
     * What a thread record says that is known only at the end: its joiners (the futex analysis of the
     * whole trace), whether it outlived its program's scope, the Java view's counts (the agents'
     * records come at the end), what it was blocked or stopped in. A task that folds is written before
     * the end: these are null in its record.
     */
    private record Final(List<Integer> joinedBy, Json outlived, int virtualConstructed, long virtualMounts, Json blocked,
                         Json stopped) {}

    /** One task's {@code thread} record; {@code atEnd} null for a task written as it folded (those fields null). */
    private Json threadRecord(TraceModel model, ThreadInfo t, FutexCounters futex, MmapCounters mmap, Final atEnd) {
        return flagsUnknown("clone_flags_unknown", t.cloneFlagsKnown(), record(JsonlFields.T_THREAD)).put(JsonlFields.TID, t.tid())
                .put(JsonlFields.NS_TID, t.nsTid() == 0 ? null : t.nsTid())
                .put(JsonlFields.PID, t.tgid()).put(JsonlFields.NAME, t.name()).put("names", t.nameHistory()).put("names_dropped", t.namesDropped())
                .put(JsonlFields.CREATOR, t.creator()).put("creator_name", t.creator() == null ? null : model.nameOf(t.creator()))
                .put("existed_at_attach", t.existedAtAttach()).put("started_for_attach", t.startedForAttach())
                .put("os_parent", t.osParent()).put("reparented", t.reparented()).put("reparents", reparents(t))
                .put("former_tid", t.formerTid() == 0 ? null : t.formerTid())
                .put("spawn_syscall", t.spawnKind() == null ? null : t.spawnKind().name().toLowerCase(Locale.ROOT))
                .put("clone_flags", CloneFlags.names(t.cloneFlags())).put("depth", t.depth())
                .put("start", seconds(t.start())).put("end", t.end() == null ? null : seconds(t.end()))
                .put("exit", exit(t.exit())).put("inherited", Hooks.unreadAsNull(t.allInheritedValues(), t.inherited()))
                .put("final", Hooks.unreadAsNull(t.hooks().inheritedValues(), t.hooks()))
                .put("joined_by", atEnd == null ? null : atEnd.joinedBy()).put("outlived", atEnd == null ? null : atEnd.outlived())
                .put("virtual_threads_constructed", atEnd == null ? null : atEnd.virtualConstructed())
                .put("virtual_thread_mounts", atEnd == null ? null : atEnd.virtualMounts())
                .put("java", t.java() == null ? null : Json.object().put(JsonlFields.ID, t.java().id()).put(JsonlFields.NAME, t.java().name())
                        .put("constructed_by", t.java().constructorTid()).put("started_by", t.java().starterTid())
                        .put("former_names", t.java().formerNames())
                        .put("created_at", t.java().createdAt()).put(JsonlFields.STACK, stack(t.java().stack()))
                        .put("started_by_virtual", t.java().virtualStarter() == null ? null : Json.object()
                                .put(JsonlFields.ID, t.java().virtualStarter().id()).put(JsonlFields.NAME, t.java().virtualStarter().name())))
                .put("futex", Json.object().put("calls", futex.calls()).put("waits", futex.waits()).put("wakes", futex.wakes())
                        .put("blocked_ns", futex.blockedNs()).put("timeouts", futex.timeouts()).put("eagain", futex.eagain()))
                .put("mmap", Json.object().put("calls", mmap.mmapCalls()).put("bytes", mmap.mmapBytes())
                        .put("munmap_calls", mmap.munmapCalls()).put("munmap_bytes", mmap.munmapBytes()))
                .put("blocked", atEnd == null ? null : atEnd.blocked()).put("stopped", atEnd == null ? null : atEnd.stopped());
    }

    /**
     * When the thread was still running as its program's scope ended: {@code {"scope": "main returned", "t": 0.81,
     * "jdk_pool": null, "jdk_thread": null}}, {@code jdk_pool} naming the JDK's own pool of a thread that outlives main
     * by design, {@code jdk_thread} the JDK class that started a thread the JDK made for itself (neither counted by
     * threads.leaked); null when it did not outlive its scope.
     */
    private static Json outlived(TraceModel model, ThreadInfo t) {
        var leak = model.leaks().of(t);
        return leak == null ? null : Json.object().put("scope", leak.scope().end().what()).put("t", seconds(leak.scope().end().ns()))
                .put("jdk_pool", leak.jdkPool()).put("jdk_thread", leak.jdkThread());
    }

    /** A creation stack as JSON: [{class, method, file, line}, ...], the innermost frame first. */
    /** An orphan's PPid changes: {@code [{t, from, to}]}, in order; empty for most tasks. */
    private static List<Json> reparents(ThreadInfo t) {
        List<Json> out = new ArrayList<>();
        for (ThreadInfo.Reparent r : t.reparents()) out.add(Json.object().put("t", seconds(r.ns())).put("from", r.from()).put("to", r.to()));
        return out;
    }

    static List<Json> stack(List<JavaRecord.Frame> frames) {
        List<Json> out = new ArrayList<>();
        for (JavaRecord.Frame f : frames) {
            out.add(Json.object().put(JsonlFields.FRAME_CLASS, f.className()).put(JsonlFields.FRAME_METHOD, f.method())
                    .put(JsonlFields.FRAME_FILE, f.file()).put(JsonlFields.FRAME_LINE, f.line()));
        }
        return out;
    }

    /** The -c table's figures for every traced syscall, folded tasks' calls included: {@code {"futex": {"calls":12, "errors":6, "time_ns":2386}}}. */
    private static Json syscalls(TraceModel model) {
        Json out = Json.object();
        for (var row : model.syscallStats().rowsWithFolded(model.threads())) {
            out.put(row.name(), Json.object().put("calls", row.calls()).put("errors", row.errors()).put("time_ns", row.nanos()));
        }
        return out;
    }

    private static Json exit(Exit e) {
        return e == null ? null : Json.object().put(JsonlFields.KIND, e.kind()).put("value", e.value()).put("how", e.how());
    }
}
