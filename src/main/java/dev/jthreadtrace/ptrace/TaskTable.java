package dev.jthreadtrace.ptrace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The tasks the ptrace thread follows: its private state for each ({@link Task}), the new tasks
 * held until their creator's event ({@link HeldChildren}), and the processes alive, which other
 * threads read to stop them.
 */
final class TaskTable {
    private static final long HOLD_LIMIT_NS = 1_000_000_000L;
    private static final int ENDED_KEPT = 64;

    private final Map<Integer, Task> tasks = new HashMap<>();
    private final Set<Integer> liveProcesses = ConcurrentHashMap.newKeySet();
    /**
     * The last processes that ended, a ring of fixed size: a signal a traced process sent just
     * before its end (a script's {@code trap 'kill 0' EXIT}) is read by the tool's signal thread
     * after the loop has reaped the sender. Written by the ptrace thread, read from any.
     */
    private final AtomicIntegerArray ended = new AtomicIntegerArray(ENDED_KEPT);
    private int endedNext;
    final HeldChildren held = new HeldChildren(HOLD_LIMIT_NS);
    /**
     * The task found last, under its tid then: one stop looks its task up several times (its
     * handling, its resume), and a map lookup boxes the tid (an allocation for every tid above
     * 127, which the tool's compiler, C1, leaves in). Forgotten whenever the map changes.
     */
    private int lastTid = -1;
    private Task last;

    /** The task, made on first sight (a stop may come before the event that names it). */
    Task task(int tid) {
        Task task = get(tid);
        if (task == null) {
            task = new Task(tid, tid);
            add(task);
        }
        return task;
    }

    Task get(int tid) {
        if (tid == lastTid) return last;
        Task task = tasks.get(tid);
        if (task != null) {
            lastTid = tid;
            last = task;
        }
        return task;
    }

    boolean contains(int tid) {
        return get(tid) != null;
    }

    void add(Task task) {
        lastTid = -1;
        last = null;
        tasks.put(task.tid, task);
    }

    /** The task now has the tid {@code task.tid} (a non-leader's exec took the leader's). */
    void renumbered(int formerTid, Task task) {
        lastTid = -1;
        last = null;
        tasks.remove(formerTid);
        tasks.put(task.tid, task);
    }

    /** A process is alive (launched, attached to, or just created): a stop request kills it. */
    void processStarted(int pid) {
        liveProcesses.add(pid);
    }

    /** The task is gone (exited, killed, detached); its process with it when it was the leader. */
    Task gone(int tid) {
        lastTid = -1;
        last = null;
        Task task = tasks.remove(tid);
        held.forget(tid);
        if ((task == null || task.tgid == tid) && liveProcesses.remove(tid)) {
            ended.set(endedNext, tid);
            endedNext = (endedNext + 1) % ENDED_KEPT;
        }
        return task;
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** The tasks of process {@code tgid} now. */
    List<Task> ofProcess(int tgid) {
        return tasks.values().stream().filter(t -> t.tgid == tgid).toList();
    }

    List<Integer> tids() {
        return List.copyOf(tasks.keySet());
    }

    /** Whether {@code pid} is a traced process, alive or among the last that ended. Safe from any thread. */
    boolean tracedNowOrLately(int pid) {
        if (liveProcesses.contains(pid)) return true;
        for (int i = 0; i < ENDED_KEPT; i++) if (ended.get(i) == pid) return true;
        return false;
    }

    /** The processes alive now: what a stop request must kill. Safe from any thread. */
    Set<Integer> liveProcesses() {
        return liveProcesses;
    }
}
