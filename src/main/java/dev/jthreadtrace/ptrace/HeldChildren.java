package dev.jthreadtrace.ptrace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule that every event of a task comes after the event that created it. A new task's first
 * stop often arrives before its creator's PTRACE_EVENT_CLONE; such a child is held (not resumed)
 * until the creator's event names it. A child whose creator's event came first is announced and
 * need not be held. A creator killed between its clone and the event stop would leave its child
 * held forever, so a child held longer than the limit is let go without a known creator.
 * Pure bookkeeping, with the clock passed in: unit-tested without a tracee.
 */
final class HeldChildren {
    private final long limitNs;
    /** Children whose creator's event came first. */
    private final Set<Integer> announced = new HashSet<>();
    /** Children held for their creator's event, with the time they were first seen. */
    private final Map<Integer, Long> held = new HashMap<>();

    HeldChildren(long limitNs) {
        this.limitNs = limitNs;
    }

    /** A new task's first stop: true if it must be held until its creator's event. */
    boolean holdAtFirstStop(int tid, long nowNs) {
        if (announced.remove(tid)) return false;
        held.put(tid, nowNs);
        return true;
    }

    /**
     * The creator's event named {@code child}. True when the child was held and must now be
     * resumed; false when its first stop has not come yet (it is remembered as announced) or
     * it was already running.
     */
    boolean creatorReported(int child, boolean firstStopSeen) {
        if (!firstStopSeen) {
            announced.add(child);
            return false;
        }
        return held.remove(child) != null;
    }

    /** Children held longer than the limit: forgotten here, to be resumed by the caller. */
    List<Integer> expired(long nowNs) {
        List<Integer> out = new ArrayList<>();
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (nowNs - e.getValue() < limitNs) continue;
            it.remove();
            out.add(e.getKey());
        }
        return out;
    }

    /** The task is gone: nothing to hold or announce any more. */
    void forget(int tid) {
        announced.remove(tid);
        held.remove(tid);
    }

    boolean anyHeld() {
        return !held.isEmpty();
    }

    /** Every held child, forgotten here (the tracer is letting all tasks go). */
    List<Integer> releaseAll() {
        List<Integer> out = new ArrayList<>(held.keySet());
        held.clear();
        announced.clear();
        return out;
    }
}
