package dev.jthreadtrace.perfetto;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jsonl.Json;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.FoldedTasks;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.FoldedRows;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.StartClock;
import dev.jthreadtrace.text.Escape;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trace as Chrome's Trace Event Format, which Perfetto (ui.perfetto.dev) and chrome://tracing
 * open: one track per thread, grouped by process. Written as the events come (so memory stays
 * bounded): a slice for each thread's life (B at its start, E at its end), an X slice for each
 * shown syscall with its decoded line as an argument, a flow from each clone to the new thread;
 * at the end, from the model: process and thread names (Java names where the JVM view has them),
 * wake flows for the longest futex waits, joins, and instants where a setting changed; a counter
 * of each process's live threads.
 * Timestamps are wall-clock time (CLOCK_REALTIME) in microseconds since the Unix epoch, written
 * exactly (nanosecond decimals, never in exponent form), and {@code otherData} names the clock: a
 * trace taken beside it (JFR, async-profiler, another process's) lines up on the same axis.
 * Names, paths and values from the target are
 * shown escaped as in text ({@code \n}, {@code \33}, {@code \xNN}): the UI would show a byte that is
 * not UTF-8 as U+FFFD, and distinct names would look the same.
 */
public final class PerfettoTrace implements LiveSink {
    private final Output out;
    private final boolean[] shown;
    private final int stringMax;
    private final StartClock clock;
    /** Threads whose life slice is open: one B, then one E. */
    private final Set<Integer> open = new HashSet<>();
    /** By process, how many of its threads are open: the live-threads counter. */
    private final Map<Integer, Integer> live = new HashMap<>();
    private boolean first = true;
    private long flowId;
    /** Wall-clock nanoseconds at the trace's time zero, once the start event has come. */
    private long wallAtZero;

    /** @param clock the wall-clock time of the start: the system's for a live trace, the saved one's for a replay */
    public PerfettoTrace(Output out, boolean[] shown, int stringMax, StartClock clock) {
        this.out = out;
        this.shown = shown.clone();
        this.stringMax = stringMax;
        this.clock = clock;
        out.line("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    }

    @Override
    public void event(TraceEvent event, TraceModel model) {
        switch (event) {
            case TraceEvent.TargetStarted s -> {
                wallAtZero = clock.wallNsAt(s.ns());
                begin(model, s.pid(), s.ns());
            }
            case TraceEvent.Attached a -> {
                wallAtZero = clock.wallNsAt(a.ns());
                for (TraceEvent.ExistingTask t : a.tasks()) begin(model, t.tid(), a.ns());
            }
            case TraceEvent.Spawned s -> {
                begin(model, s.child(), s.ns());
                ThreadInfo creator = model.thread(s.creator()), child = model.thread(s.child());
                if (creator == null || child == null) return;
                long id = ++flowId;
                String name = (s.flags() & CloneFlags.CLONE_THREAD) != 0 ? "creates thread" : "creates process";
                emit(Json.object().put("ph", "s").put("id", id).put("name", name).put("cat", "spawn").put("pid", creator.tgid())
                        .put("tid", s.creator()).put("ts", ts(model.rel(s.ns()))));
                emit(Json.object().put("ph", "f").put("bp", "e").put("id", id).put("name", name).put("cat", "spawn")
                        .put("pid", child.tgid()).put("tid", s.child()).put("ts", ts(model.rel(s.ns()))));
            }
            case TraceEvent.Syscall s -> {
                if (s.nr() < 0 || s.nr() >= shown.length || !shown[s.nr()]) return;
                begin(model, s.tid(), s.ns());
                ThreadInfo t = model.thread(s.tid());
                if (t == null) return;
                String call = SyscallDecoder.call(s.nr(), s.args(), s.captures(), stringMax) + " = "
                        + SyscallDecoder.result(s.nr(), s.args(), s.ret(), s.error(), s.returned(), s.captures());
                long end = s.returned() ? s.exitNs() : s.ns();
                emit(Json.object().put("ph", "X").put("name", SyscallTable.name(s.nr())).put("cat", "syscall")
                        .put("pid", t.tgid()).put("tid", s.tid()).put("ts", ts(model.rel(s.ns())))
                        .put("dur", micros(end - s.ns())).put("args", Json.object().put("call", call)));
            }
            case TraceEvent.Exited e -> end(model, e.tid(), e.ns());
            case TraceEvent.Killed k -> end(model, k.tid(), k.ns());
            case TraceEvent.TraceEnded e -> {
                for (Integer tid : List.copyOf(open)) end(model, tid, e.ns());
            }
            default -> { }
        }
    }

    /** The records from the model, then the end of the JSON: call once, after the trace and the Java view. */
    public void finish(TraceModel model) {
        for (ProcessInfo p : model.processes()) processName(p, model);
        for (ThreadInfo t : model.threads()) threadName(t);
        for (ThreadInfo t : model.threads()) {
            String at = t.java() == null ? null : t.java().createdAt();
            if (at == null) continue;
            // Where the Java thread was started, on its own track at its first moment.
            emit(Json.object().put("ph", "i").put("s", "t").put("name", "created at " + Escape.text(at)).put("cat", "creation")
                    .put("pid", t.tgid()).put("tid", t.tid()).put("ts", ts(t.start()))
                    .put("args", Json.object().put("stack", t.java().stack().stream().map(f -> Escape.text(f.toString())).toList())));
        }
        FutexAnalysis futex = model.futexAnalysis();
        for (FutexAnalysis.Release r : futex.releases()) {
            ThreadInfo waker = model.thread(r.waker()), waiter = model.thread(r.waiter());
            if (waker == null || waiter == null) continue;
            long id = ++flowId;
            emit(Json.object().put("ph", "s").put("id", id).put("name", "wakes").put("cat", "futex").put("pid", waker.tgid())
                    .put("tid", r.waker()).put("ts", ts(r.ns())).put("args", Json.object().put("waited_ns", r.waitedNs())));
            emit(Json.object().put("ph", "f").put("bp", "e").put("id", id).put("name", "wakes").put("cat", "futex")
                    .put("pid", waiter.tgid()).put("tid", r.waiter()).put("ts", ts(r.ns())));
        }
        for (FutexAnalysis.Join j : futex.joinMarks()) {
            ThreadInfo joiner = model.thread(j.joiner());
            if (joiner == null) continue;
            emit(Json.object().put("ph", "i").put("s", "t").put("name", "joined " + j.joined()).put("cat", "join")
                    .put("pid", joiner.tgid()).put("tid", j.joiner()).put("ts", ts(j.ns()))
                    .put("args", Json.object().put("waited_ns", j.waitedNs())));
        }
        for (HookChange c : model.hookChanges()) {
            ThreadInfo t = model.thread(c.tid());
            if (t == null) continue;
            emit(Json.object().put("ph", "i").put("s", "t").put("name", c.hook().key() + " changed").put("cat", "setting")
                    .put("pid", t.tgid()).put("tid", c.tid()).put("ts", ts(c.ns()))
                    .put("args", Json.object().put("from", Escape.text(c.from())).put("to", Escape.text(c.to()))
                            .put("by", c.actor())));
        }
        Json other = Json.object().put("clock", "CLOCK_REALTIME")
                .put("ts", "microseconds since the Unix epoch (UTC)")
                .put("trace_start", Instant.ofEpochSecond(0, wallAtZero).toString())
                .put("command", Escape.text(String.join(" ", model.command())));
        if (model.folded().any()) other.put("folded", folded(model));
        out.line("],\"otherData\":" + other + "}");
        out.flush();
    }

    /**
     * A thread's life slice opens, named for what it is and who made it (the track itself carries
     * the final name, Java's where there is one); the live-threads counter of its process counts it.
     */
    private void begin(TraceModel model, int tid, long ns) {
        ThreadInfo t = model.thread(tid);
        if (t == null || !open.add(tid)) return;
        ThreadInfo creator = t.creatorInfo();
        String what = t.isThread() ? "thread" : "process";
        String name = t.existedAtAttach() ? what + " (running at attach)"
                : creator == null ? what + " " + Escape.text(t.name()) + " (the command)"
                : what + " created by " + Escape.text(creator.name()) + " (" + creator.tid() + ")";
        emit(Json.object().put("ph", "B").put("name", name).put("cat", "lifetime")
                .put("pid", t.tgid()).put("tid", tid).put("ts", ts(model.rel(ns))));
        count(t.tgid(), 1, ns, model);
    }

    /** The life slice closes; its end (exit code, signal) joins the slice's arguments. */
    private void end(TraceModel model, int tid, long ns) {
        ThreadInfo t = model.thread(tid);
        if (t == null || !open.remove(tid)) return;
        Json args = Json.object().put("end", t.exit() == null ? "alive when the trace ended" : t.exit().how());
        emit(Json.object().put("ph", "E").put("pid", t.tgid()).put("tid", tid).put("ts", ts(model.rel(ns))).put("args", args));
        count(t.tgid(), -1, ns, model);
        // A model that folds may let the record go before the end: its track is named now (final at its end), the kept ones again at the end.
        if (model.folded().keepEnded() >= 0 && t.exit() != null) {
            threadName(t);
            ProcessInfo p = t.tid() == t.tgid() ? model.process(t.tgid()) : null;
            if (p != null) processName(p, model);
        }
    }

    private void threadName(ThreadInfo t) {
        emit(Json.object().put("ph", "M").put("name", "thread_name").put("pid", t.tgid()).put("tid", t.tid())
                .put("args", Json.object().put("name", Escape.text(t.name()) + " (" + t.tid() + ")")));
    }

    private void processName(ProcessInfo p, TraceModel model) {
        String exec = p.exec().isEmpty() ? String.join(" ", model.command()) : p.exec().getLast();
        emit(Json.object().put("ph", "M").put("name", "process_name").put("pid", p.pid()).put("tid", p.pid())
                .put("args", Json.object().put("name", Escape.text(exec) + " (" + p.pid() + ")")));
    }

    /**
     * What folded past --keep-ended: how many, and a row per group; their
     * tracks were named at their ends, but their Java creation sites, the joins they made and their
     * setting changes are not on them (the records that held them were let go); a kept thread's
     * joins of them are on the kept thread's track.
     */
    private static Json folded(TraceModel model) {
        FoldedTasks folded = model.folded();
        List<String> rows = new java.util.ArrayList<>();
        for (FoldedGroup g : folded.groups()) rows.add(FoldedRows.row(g) + ", " + FoldedRows.span(g));
        return Json.object().put("tasks", folded.all().tasks()).put("keep_ended", folded.keepEnded())
                .put("java_threads", folded.all().jvmTasks())
                .put("note", "tracks of folded tasks carry their lives and syscalls; their creation sites, the joins they made and their setting changes are not shown")
                .put("groups", rows);
    }

    /** A counter track per process: how many of its threads live, after each start and end. */
    private void count(int tgid, int delta, long ns, TraceModel model) {
        int now = live.merge(tgid, delta, Integer::sum);
        emit(Json.object().put("ph", "C").put("name", "live threads").put("cat", "lifetime").put("pid", tgid).put("tid", tgid)
                .put("ts", ts(model.rel(ns))).put("args", Json.object().put("threads", now)));
    }

    private void emit(Json event) {
        out.line((first ? "" : ",") + event);
        first = false;
    }

    /** A duration: microseconds with nanosecond decimals, as the format takes them. */
    private static double micros(long ns) {
        return ns / 1000.0;
    }

    /**
     * A moment {@code relNs} after time zero as wall-clock microseconds since the epoch, exact: a
     * double would round today's 1.8e15 microseconds to a quarter of one, and print it in exponent form.
     */
    private BigDecimal ts(long relNs) {
        return BigDecimal.valueOf(wallAtZero + relNs, 3);
    }
}
