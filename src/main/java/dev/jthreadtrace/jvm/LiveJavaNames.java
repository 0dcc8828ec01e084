package dev.jthreadtrace.jvm;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.ThreadNames;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Java names for the live lines, while the trace runs: reads the agents' record files as they grow
 * (on the consumer thread, never the ptrace thread) and joins them to the kernel's events as
 * {@link JavaJoin} does at the end, online. A platform thread's start record is written before its
 * {@code clone}, so it is read when that clone's event arrives and the new thread's lines carry
 * its Java name from the first one; renames are read within {@link AgentDirectoryFeed#REFRESH_NS}.
 * Knows only live threads: a name is dropped after the thread's exit line. A saved trace replayed
 * gets the same names from its records ({@link #replaying}). A JVM in a PID namespace of its own
 * names itself and its threads by that namespace's ids: its records are turned into the kernel's as
 * they are read ({@link LiveNamespaceIds}).
 *
 * <p>Observe events before the sink that prints them: {@code LiveSink} order matters.
 */
public final class LiveJavaNames implements LiveSink, ThreadNames {
    /** Start records not yet matched to a clone, per starter: a few at most, unless a start failed. */
    private static final int MAX_PENDING = 64;

    private final JavaRecordFeed feed;
    /** The kernel's ids of the records of a JVM in a PID namespace of its own. */
    private final LiveNamespaceIds namespaces = new LiveNamespaceIds();
    private final Map<Integer, ArrayDeque<JavaRecord.Started>> pendingByStarter = new HashMap<>();
    private final Map<Integer, String> names = new HashMap<>();
    /** pid:javaId to tid, for renames, and back, to forget both at exit. */
    private final Map<String, Integer> tidByJavaId = new HashMap<>();
    private final Map<Integer, String> javaIdByTid = new HashMap<>();
    private final List<Integer> exitedLastEvent = new ArrayList<>();
    /**
     * Java names longer than the kernel's 15 bytes of threads the JVM starts itself (no start()
     * record), by pid and kernel name; {@link #AMBIGUOUS} when two share it. Bounded.
     */
    private final Map<String, String> longNameByKernelName = new HashMap<>();
    private final Map<String, String> kernelNameByJavaId = new HashMap<>();
    private static final String AMBIGUOUS = "";
    private static final int MAX_LONG_NAMES = 1024;
    /** Names kept for threads the agents report (the traced program can write records of threads that never were). */
    private static final int MAX_NAMES = 65_536;

    LiveJavaNames(Path directory) {
        this(() -> directory);
    }

    /** {@code directory}: the agents' directory, or null while there is none (no JVM started yet). */
    LiveJavaNames(Supplier<Path> directory) {
        this(new AgentDirectoryFeed(directory));
    }

    private LiveJavaNames(JavaRecordFeed feed) {
        this.feed = feed;
    }

    /**
     * Java names for the lines of a saved trace replayed ({@code report}): its Java records are taken
     * as the replay reaches their time, as the live run read them while the trace ran.
     */
    public static LiveJavaNames replaying(List<JavaRecord> records) {
        return new LiveJavaNames(new JavaRecordFeed.Saved(records));
    }

    @Override
    public String of(TraceModel model, int tid) {
        String java = names.get(tid);
        if (java != null) return java;
        String kernel = model.nameOf(tid);
        // No JVM named a thread longer than the kernel keeps (a program that is no JVM): no key to build per line.
        if (longNameByKernelName.isEmpty()) return kernel;
        var task = model.thread(tid);
        String full = task == null ? null : longNameByKernelName.get(task.tgid() + ":" + kernel);
        if (full == null || full.equals(AMBIGUOUS)) return kernel;
        names.put(tid, full);
        return full;
    }

    @Override
    public void event(TraceEvent event, TraceModel model) {
        for (int tid : exitedLastEvent) forget(tid);
        exitedLastEvent.clear();
        Consumer<JavaRecord> take = r -> take(namespaces.toKernel(r, model));
        switch (event) {
            case TraceEvent.Spawned s when (s.flags() & CloneFlags.CLONE_THREAD) != 0 -> {
                namespaces.born(s.child(), model);
                // The new thread's start() record was written before its clone: read it now.
                feed.read(s.ns(), true, take);
                claim(s, model);
            }
            case TraceEvent.Spawned s -> {
                namespaces.born(s.child(), model);
                feed.read(s.ns(), false, take);
            }
            case TraceEvent.Attached a -> {
                for (TraceEvent.ExistingTask t : a.tasks()) namespaces.born(t.tid(), model);
                feed.read(a.ns(), false, take);
            }
            case TraceEvent.Exited e -> exitedLastEvent.add(e.tid());
            case TraceEvent.Killed k -> exitedLastEvent.add(k.tid());
            default -> feed.read(nsOf(event), false, take);
        }
    }

    /** When the event happened, on the tracer's clock (the saved feed gives the records up to then). */
    private static long nsOf(TraceEvent event) {
        return switch (event) {
            case TraceEvent.Syscall s -> s.ns();
            case TraceEvent.SyscallEntered s -> s.ns();
            case TraceEvent.TargetStarted s -> s.ns();
            case TraceEvent.Attached a -> a.ns();
            case TraceEvent.Detached d -> d.ns();
            case TraceEvent.EndLook l -> l.ns();
            case TraceEvent.Spawned s -> s.ns();
            case TraceEvent.UntracedChild u -> u.ns();
            case TraceEvent.Exec e -> e.ns();
            case TraceEvent.CommWritten c -> c.ns();
            case TraceEvent.CommSeen c -> c.ns();
            case TraceEvent.MaskSeen m -> m.ns();
            case TraceEvent.Exited e -> e.ns();
            case TraceEvent.ParentSeen p -> p.ns();
            case TraceEvent.Killed k -> k.ns();
            case TraceEvent.SignalDelivered s -> s.ns();
            case TraceEvent.GroupStopped g -> g.ns();
            case TraceEvent.TraceEnded e -> e.ns();
        };
    }

    /**
     * The new thread is the one its starter's first unmatched start() made. A start() after this
     * clone stays pending for a later clone: when the starter's clone of a thread with no start()
     * (the JVM's own, such as the Notification Thread) is read late, the starter may have called
     * start() for its next thread already, and that record is the next clone's.
     */
    private void claim(TraceEvent.Spawned s, TraceModel model) {
        ArrayDeque<JavaRecord.Started> pending = pendingByStarter.get(s.creator());
        if (pending == null) return;
        var creator = model.thread(s.creator());
        while (!pending.isEmpty() && pending.peek().ns() <= s.ns()) {
            JavaRecord.Started started = pending.poll();
            if (creator == null || creator.tgid() != started.pid()) continue;
            if (names.size() >= MAX_NAMES) break;
            names.put(s.child(), started.name());
            String key = started.pid() + ":" + started.id();
            tidByJavaId.put(key, s.child());
            javaIdByTid.put(s.child(), key);
            break;
        }
        if (pending.isEmpty()) pendingByStarter.remove(s.creator());
    }

    private void forget(int tid) {
        namespaces.gone(tid);
        names.remove(tid);
        String key = javaIdByTid.remove(tid);
        if (key != null) tidByJavaId.remove(key);
        pendingByStarter.remove(tid);
    }

    private void take(JavaRecord r) {
        switch (r) {
            case JavaRecord.Present p -> startedByTheJvm(p.pid(), p.id(), p.name());
            case JavaRecord.Started s when s.inherited() != null -> {
                String kernel = kernelNameByJavaId.remove(s.pid() + ":" + s.id());
                if (kernel != null) longNameByKernelName.remove(kernel);
                // A platform thread's start() (virtual threads have no clone to match)
                if (!pendingByStarter.containsKey(s.osTid()) && pendingByStarter.size() >= MAX_NAMES) return;
                ArrayDeque<JavaRecord.Started> pending = pendingByStarter.computeIfAbsent(s.osTid(), k -> new ArrayDeque<>());
                if (pending.size() == MAX_PENDING) pending.poll();
                pending.add(s);
                seenAtWork(s.osTid(), s.starterName());
            }
            case JavaRecord.Constructed c -> {
                seenAtWork(c.osTid(), c.creatorName());
                // Until its start() record comes, it may be one the JVM starts itself (Notification Thread).
                if (!c.virtual()) startedByTheJvm(c.pid(), c.id(), c.name());
            }
            case JavaRecord.Renamed n -> {
                Integer tid = tidByJavaId.get(n.pid() + ":" + n.id());
                if (tid != null) names.put(tid, n.name());
            }
            default -> { }
        }
    }

    /** A Java name the kernel will know by its first 15 bytes, for a thread that may have no start() record. */
    private void startedByTheJvm(int pid, long id, String name) {
        String kernel = JavaJoin.kernelName(name);
        // Both bounded: forged records of one long name under ever new ids add no name but an id each.
        if (kernel.equals(name) || longNameByKernelName.size() >= MAX_LONG_NAMES || kernelNameByJavaId.size() >= MAX_NAMES) return;
        String key = pid + ":" + kernel;
        String before = longNameByKernelName.putIfAbsent(key, name);
        if (before != null && !before.equals(name)) longNameByKernelName.put(key, AMBIGUOUS);
        kernelNameByJavaId.put(pid + ":" + id, key);
    }

    /**
     * A thread the agent saw only at work (main, or one started before the agent loaded) is named
     * by the records it makes; a thread already named by its start keeps that name.
     */
    private void seenAtWork(int tid, String name) {
        // 0: a thread of a namespace of its own that no live task has (yet): no line to name.
        if (tid > 0 && !name.isBlank() && names.size() < MAX_NAMES) names.putIfAbsent(tid, name);
    }

    /** Closes the files it reads. */
    void close() {
        feed.close();
    }
}
