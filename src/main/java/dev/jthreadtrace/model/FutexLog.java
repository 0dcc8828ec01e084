package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every finished futex call of the trace and each thread's figures; the analysis (who woke whom,
 * joins) is made from it once the trace is over.
 */
public final class FutexLog {
    /** The syscalls that feed it: recorded whenever a report section or an assertion needs the log. */
    public static final List<String> SYSCALLS = List.of("futex", "futex_waitv");

    private final List<FutexCall> calls = new ArrayList<>();
    private final Map<ThreadInfo, FutexCounters> byThread = new IdentityHashMap<>();

    void record(ThreadInfo t, TraceEvent.Syscall s, long entryNs, long exitNs) {
        if (!s.returned()) return;
        long op = s.args()[1];
        FutexCall call = new FutexCall(t.tid(), t.tgid(), s.args()[0], FutexOps.command(op), FutexOps.isWait(op),
                FutexOps.isWake(op), entryNs, exitNs, s.ret(), s.error());
        calls.add(call);
        byThread.computeIfAbsent(t, k -> new FutexCounters()).add(call);
    }

    public List<FutexCall> calls() {
        return Collections.unmodifiableList(calls);
    }

    /** A thread's figures (all zero for a thread that made no futex call). */
    public FutexCounters of(ThreadInfo t) {
        return byThread.getOrDefault(t, FutexCounters.NONE);
    }
}
