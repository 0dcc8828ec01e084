package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Threads blocked at the end in a call the trace does not record (a {@code read} under the default
 * set): the last look before the end ({@link TraceEvent.EndLook}) read each task's
 * {@code /proc/PID/task/TID/syscall}, the call it sleeps in, which needs no recording. A thread with
 * a recorded call pending is that call's; one the look saw outside a call, running, that returned from
 * a recorded call after the look, or that ended by its own exit after it, is not blocked. Its call began before the look (when, the trace
 * cannot say: {@link PendingCall.Ending#UNRECORDED}, since the look's time).
 */
final class UnrecordedCalls {
    private UnrecordedCalls() {}

    static List<PendingCall> seenAtTheEnd(TraceModel model, PendingCalls pending, List<PendingCall> recorded) {
        TraceEvent.EndLook look = model.endLook();
        if (look == null) return List.of();
        Map<ThreadInfo, Boolean> known = new IdentityHashMap<>();
        for (PendingCall c : recorded) known.put(c.thread(), true);
        long end = model.endNs();
        List<PendingCall> out = new ArrayList<>();
        for (TraceEvent.LookedTask t : look.tasks()) {
            if (t.nr() < 0 || out.size() >= PendingCalls.MAX) continue;
            ThreadInfo thread = model.thread(t.tid());
            if (thread == null || known.containsKey(thread) || thread.start() > look.ns() || thread.calledExitItself()) continue;
            if (thread.end() != null && thread.end() < look.ns()) continue;
            if (pending.lastReturnNs(thread) >= look.ns()) continue; // it made a call since: it left the one seen
            long until = thread.end() != null ? thread.end() : Math.max(end, look.ns());
            out.add(new PendingCall(thread, t.nr(), t.args(), Captures.NONE, look.ns(), until, PendingCall.Ending.UNRECORDED, 0, 0,
                    look.ns()));
        }
        return out;
    }
}
