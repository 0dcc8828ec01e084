package dev.jthreadtrace.perfetto;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jsonl.Json;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.HookChange;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.text.Escape;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The trace as Chrome's Trace Event Format, which Perfetto (ui.perfetto.dev) and chrome://tracing
 * open: one track per thread, grouped by process. Written as the events come (so memory stays
 * bounded): a slice for each thread's life (B at its start, E at its end), an X slice for each
 * shown syscall with its decoded line as an argument, a flow from each clone to the new thread;
 * at the end, from the model: process and thread names (Java names where the JVM view has them),
 * wake flows for the longest futex waits, joins, and instants where a setting changed.
 * Timestamps in microseconds since the command's exec. Names, paths and values from the target are
 * shown escaped as in text ({@code \n}, {@code \33}, {@code \xNN}): the UI would show a byte that is
 * not UTF-8 as U+FFFD, and distinct names would look the same.
 */
public final class PerfettoTrace implements LiveSink {
    private final Output out;
    private final boolean[] shown;
    private final int stringMax;
    /** Threads whose life slice is open: one B, then one E. */
    private final Set<Integer> open = new HashSet<>();
    private boolean first = true;
    private long flowId;

    public PerfettoTrace(Output out, boolean[] shown, int stringMax) {
        this.out = out;
        this.shown = shown.clone();
        this.stringMax = stringMax;
        out.line("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    }

    @Override
    public void event(TraceEvent event, TraceModel model) {
        switch (event) {
            case TraceEvent.TargetStarted s -> begin(model, s.pid(), s.ns());
            case TraceEvent.Attached a -> {
                for (TraceEvent.ExistingTask t : a.tasks()) begin(model, t.tid(), a.ns());
            }
            case TraceEvent.Spawned s -> {
                begin(model, s.child(), s.ns());
                ThreadInfo creator = model.thread(s.creator()), child = model.thread(s.child());
                if (creator == null || child == null) return;
                long id = ++flowId;
                String name = (s.flags() & CloneFlags.CLONE_THREAD) != 0 ? "creates thread" : "creates process";
                emit(Json.object().put("ph", "s").put("id", id).put("name", name).put("cat", "spawn").put("pid", creator.tgid())
                        .put("tid", s.creator()).put("ts", micros(model.rel(s.ns()))));
                emit(Json.object().put("ph", "f").put("bp", "e").put("id", id).put("name", name).put("cat", "spawn")
                        .put("pid", child.tgid()).put("tid", s.child()).put("ts", micros(model.rel(s.ns()))));
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
                        .put("pid", t.tgid()).put("tid", s.tid()).put("ts", micros(model.rel(s.ns())))
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
        for (ProcessInfo p : model.processes()) {
            String exec = p.exec().isEmpty() ? String.join(" ", model.command()) : p.exec().getLast();
            emit(Json.object().put("ph", "M").put("name", "process_name").put("pid", p.pid()).put("tid", p.pid())
                    .put("args", Json.object().put("name", Escape.text(exec) + " (" + p.pid() + ")")));
        }
        for (ThreadInfo t : model.threads()) {
            emit(Json.object().put("ph", "M").put("name", "thread_name").put("pid", t.tgid()).put("tid", t.tid())
                    .put("args", Json.object().put("name", Escape.text(t.name()) + " (" + t.tid() + ")")));
        }
        for (ThreadInfo t : model.threads()) {
            String at = t.java() == null ? null : t.java().createdAt();
            if (at == null) continue;
            // Where the Java thread was started, on its own track at its first moment.
            emit(Json.object().put("ph", "i").put("s", "t").put("name", "created at " + Escape.text(at)).put("cat", "creation")
                    .put("pid", t.tgid()).put("tid", t.tid()).put("ts", micros(t.start()))
                    .put("args", Json.object().put("stack", t.java().stack().stream().map(f -> Escape.text(f.toString())).toList())));
        }
        FutexAnalysis futex = model.futexAnalysis();
        for (FutexAnalysis.Release r : futex.releases()) {
            ThreadInfo waker = model.thread(r.waker()), waiter = model.thread(r.waiter());
            if (waker == null || waiter == null) continue;
            long id = ++flowId;
            emit(Json.object().put("ph", "s").put("id", id).put("name", "wakes").put("cat", "futex").put("pid", waker.tgid())
                    .put("tid", r.waker()).put("ts", micros(r.ns())).put("args", Json.object().put("waited_ns", r.waitedNs())));
            emit(Json.object().put("ph", "f").put("bp", "e").put("id", id).put("name", "wakes").put("cat", "futex")
                    .put("pid", waiter.tgid()).put("tid", r.waiter()).put("ts", micros(r.ns())));
        }
        for (FutexAnalysis.Join j : futex.joins()) {
            ThreadInfo joiner = model.thread(j.joiner());
            if (joiner == null) continue;
            emit(Json.object().put("ph", "i").put("s", "t").put("name", "joined " + j.joined()).put("cat", "join")
                    .put("pid", joiner.tgid()).put("tid", j.joiner()).put("ts", micros(j.ns()))
                    .put("args", Json.object().put("waited_ns", j.waitedNs())));
        }
        for (HookChange c : model.hookChanges()) {
            ThreadInfo t = model.thread(c.tid());
            if (t == null) continue;
            emit(Json.object().put("ph", "i").put("s", "t").put("name", c.hook().key() + " changed").put("cat", "setting")
                    .put("pid", t.tgid()).put("tid", c.tid()).put("ts", micros(c.ns()))
                    .put("args", Json.object().put("from", Escape.text(c.from())).put("to", Escape.text(c.to()))));
        }
        out.line("]}");
        out.flush();
    }

    private void begin(TraceModel model, int tid, long ns) {
        ThreadInfo t = model.thread(tid);
        if (t == null || !open.add(tid)) return;
        emit(Json.object().put("ph", "B").put("name", t.isThread() ? "thread" : "process").put("cat", "lifetime")
                .put("pid", t.tgid()).put("tid", tid).put("ts", micros(model.rel(ns))));
    }

    private void end(TraceModel model, int tid, long ns) {
        ThreadInfo t = model.thread(tid);
        if (t == null || !open.remove(tid)) return;
        emit(Json.object().put("ph", "E").put("pid", t.tgid()).put("tid", tid).put("ts", micros(model.rel(ns))));
    }

    private void emit(Json event) {
        out.line((first ? "" : ",") + event);
        first = false;
    }

    /** Microseconds with nanosecond decimals, as the format takes them. */
    private static double micros(long ns) {
        return ns / 1000.0;
    }
}
