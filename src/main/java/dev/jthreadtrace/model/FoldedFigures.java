package dev.jthreadtrace.model;


/**
 * What folded tasks add up to: everything the report's rows, the SUMMARY, {@code --assert} and
 * {@code diff} read from a task, kept as sums (and maxima) once the task's own record is let go.
 * A folded group has one, each selector an assertion registered before the trace has one, and the
 * whole trace has one. Only ended tasks fold, so every figure is final when it is added.
 */
public final class FoldedFigures {
    private long tasks, processes, reparented, jvmTasks, killed, siteThreads, siteProcesses;
    /** Why re-parented, as the SUMMARY counts it, by {@link Reparenting} ordinal. */
    private final long[] reparentedBy = new long[Reparenting.values().length];
    private int tidMin = Integer.MAX_VALUE, tidMax = Integer.MIN_VALUE;
    private long firstStart = Long.MAX_VALUE, lastEnd = Long.MIN_VALUE;
    private long lifetimeSum, lifetimeMax;
    private int depthMax;
    private long futexCalls, futexWaits, futexWakes, futexWoken, futexBlockedNs, futexTimeouts;
    private long mmapCalls, mmapBytes, munmapBytes;
    private long joined;

    /**
     * Whether {@code t} is a process some traced task created (fork, vfork, clone without
     * CLONE_THREAD), exec'd or not, which {@code diff} compares at a site as it does threads: not the
     * traced command, nor a process that ran before an attach (no creator).
     */
    public static boolean createdProcess(ThreadInfo t) {
        return !t.createdAsThread() && t.creator() != null;
    }

    /**
     * One ended task: its record, its futex and mmap figures, whether a join of it was seen (the
     * futex log's), whether it ran in a JVM (its Java facts are joined only at the end), and whether
     * it was one of a Go runtime's threads ({@link GoRuntime}).
     */
    void add(ThreadInfo t, FutexCounters futex, MmapCounters mmap, boolean wasJoined, boolean inJvm, boolean goRuntime) {
        if (t.end() == null) throw new IllegalArgumentException("task " + t.tid() + " has not ended: only ended tasks fold");
        tasks++;
        if (!t.createdAsThread()) processes++;
        Reparenting why = Reparenting.of(t);
        if (why != null) {
            reparented++;
            reparentedBy[why.ordinal()]++;
        }
        if (t.exit() instanceof Exit.Killed) killed++;
        if (inJvm) jvmTasks++;
        if (createdProcess(t)) {
            // A process is the program's whatever runs in it: never the JVM's own nor a Go runtime's thread.
            siteProcesses++;
            siteThreads++;
        } else if (t.isThread() && !t.startedForAttach() && !inJvm && !goRuntime) {
            siteThreads++;
        }
        if (wasJoined) joined++;
        tidMin = Math.min(tidMin, t.tid());
        tidMax = Math.max(tidMax, t.tid());
        firstStart = Math.min(firstStart, t.start());
        lastEnd = Math.max(lastEnd, t.end());
        long lifetime = Math.max(0, t.end() - t.start());
        lifetimeSum = Sums.add(lifetimeSum, lifetime);
        lifetimeMax = Math.max(lifetimeMax, lifetime);
        depthMax = Math.max(depthMax, t.depth());
        futexCalls = Sums.add(futexCalls, futex.calls());
        futexWaits = Sums.add(futexWaits, futex.waits());
        futexWakes = Sums.add(futexWakes, futex.wakes());
        futexWoken = Sums.add(futexWoken, futex.woken());
        futexBlockedNs = Sums.add(futexBlockedNs, futex.blockedNs());
        futexTimeouts = Sums.add(futexTimeouts, futex.timeouts());
        mmapCalls = Sums.add(mmapCalls, mmap.mmapCalls());
        mmapBytes = Sums.add(mmapBytes, mmap.mmapBytes());
        munmapBytes = Sums.add(munmapBytes, mmap.munmapBytes());
    }

    /** A join of one of these tasks returned after it folded (its wait began, or read the word, before its exit). */
    void lateJoined() {
        joined++;
    }

    public long tasks() {
        return tasks;
    }

    /** Tasks created as processes (fork, vfork, clone without CLONE_THREAD), as processes.total counts them. */
    public long processes() {
        return processes;
    }

    public long reparented() {
        return reparented;
    }

    /** The re-parented tasks with this reason. */
    public long reparented(Reparenting why) {
        return reparentedBy[why.ordinal()];
    }

    /** Tasks killed by a signal. */
    public long killed() {
        return killed;
    }

    /** Tasks of JVM processes: their Java facts (names, creation sites, thread-locals) were not joined. */
    public long jvmTasks() {
        return jvmTasks;
    }

    /**
     * Tasks {@code diff} counts at its sites (diff.threads.count): the processes traced tasks created
     * ({@link #createdProcess}) and the threads, not a JVM's (whose own threads it leaves
     * out by a Java fact a folded task never had), not a Go runtime's, not started for an attach.
     */
    public long siteThreads() {
        return siteThreads;
    }

    /** The processes among {@link #siteThreads} (diff.processes.count): exact whatever folded, a process is no Java fact. */
    public long siteProcesses() {
        return siteProcesses;
    }

    /** Tasks whose exit a join waited for (futex.joins counts them). */
    public long joined() {
        return joined;
    }

    /** Lowest tid; {@link Integer#MAX_VALUE} when nothing folded. */
    public int tidMin() {
        return tidMin;
    }

    public int tidMax() {
        return tidMax;
    }

    public long firstStart() {
        return firstStart;
    }

    public long lastEnd() {
        return lastEnd;
    }

    public long lifetimeSum() {
        return lifetimeSum;
    }

    public long lifetimeMax() {
        return lifetimeMax;
    }

    public int depthMax() {
        return depthMax;
    }

    public long futexCalls() {
        return futexCalls;
    }

    public long futexWaits() {
        return futexWaits;
    }

    public long futexWakes() {
        return futexWakes;
    }

    public long futexWoken() {
        return futexWoken;
    }

    public long futexBlockedNs() {
        return futexBlockedNs;
    }

    public long futexTimeouts() {
        return futexTimeouts;
    }

    public long mmapCalls() {
        return mmapCalls;
    }

    public long mmapBytes() {
        return mmapBytes;
    }

    public long munmapBytes() {
        return munmapBytes;
    }
}
