package dev.jthreadtrace.jvm;

import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.JavaThread;
import dev.jthreadtrace.model.JavaView;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins what the JVM agents reported to the kernel's tasks of a finished model. A platform
 * thread's task is the one the starting OS thread cloned first after {@code start()} was called;
 * a virtual thread has no task of its own and is counted under the OS thread that constructed it.
 * Reads the model only: the result enters it through {@link TraceModel#attachJava}.
 */
public final class JavaJoin {
    private JavaJoin() {}

    public static JavaView join(TraceModel model, List<JavaRecord> given, List<String> notes) {
        List<JavaRecord> records = foldVirtualStarts(given);
        Map<String, JavaRecord.Constructed> constructed = new HashMap<>();
        for (JavaRecord r : records) {
            if (r instanceof JavaRecord.Constructed c) constructed.put(c.pid() + ":" + c.id(), c);
        }
        Map<ThreadInfo, JavaThread> threads = new IdentityHashMap<>();
        Map<Integer, Integer> virtualByCreator = new LinkedHashMap<>();
        Map<Integer, Long> mountsByCarrier = new LinkedHashMap<>();
        // What each OS thread created, in creation order: one index instead of a scan of every
        // thread for every start() record (a JVM that churns threads has thousands of both).
        Map<Integer, Created> created = new HashMap<>();
        for (ThreadInfo t : model.threads()) {
            if (t.creator() != null) created.computeIfAbsent(t.creator(), k -> new Created()).tasks.add(t);
        }
        // A start() by a thread whose created tasks partly folded may be a folded one's: its kept
        // tasks no longer line up with its start records, so they are joined by unique name only.
        Set<Integer> creatorsWithFolded = new HashSet<>();
        for (FoldedGroup g : model.folded().groups()) creatorsWithFolded.add(g.key().creator());
        List<JavaRecord.Started> startsByName = new ArrayList<>();
        // A thread starts once: a second start() record of it is a start() that threw
        // (IllegalThreadStateException), which made no task and must claim none.
        Set<String> startedIds = new HashSet<>();
        for (JavaRecord r : records) {
            switch (r) {
                case JavaRecord.Started s when !startedIds.add(s.pid() + ":" + s.id()) -> { }
                case JavaRecord.Constructed c when c.virtual() -> virtualByCreator.merge(c.osTid(), 1, Integer::sum);
                case JavaRecord.Mounts m -> mountsByCarrier.merge(m.osTid(), m.count(), Long::sum);
                case JavaRecord.Started s when creatorsWithFolded.contains(s.osTid()) -> startsByName.add(s);
                case JavaRecord.Started s -> {
                    ThreadInfo task = firstUnclaimedTask(created.get(s.osTid()), s, model, threads);
                    if (task == null) continue;
                    threads.put(task, started(s, constructed));
                }
                default -> { }
            }
        }
        byOsTid(model, records, threads);
        List<String> allNotes = new ArrayList<>(notes);
        startedByName(startsByName, created, constructed, model, threads);
        foldedNotes(model, startsByName.size(), allNotes);
        Map<ThreadInfo, String> vmNames = new IdentityHashMap<>();
        byDump(model, records, threads, vmNames, allNotes);
        byKernelName(model, records, threads);
        // Threads the agent saw only at work (main, started before the agent by the launcher):
        // their Java name is known from the records they made.
        for (JavaRecord r : records) {
            ThreadInfo t = model.thread(r.osTid());
            if (t == null || threads.containsKey(t) || t.tgid() != r.pid()) continue;
            switch (r) {
                case JavaRecord.Constructed c -> threads.put(t, new JavaThread(c.creatorId(), c.creatorName(), false, 0, null, null, Map.of()));
                case JavaRecord.Started s -> threads.put(t, new JavaThread(s.starterId(), s.starterName(), false, 0, null, null, Map.of()));
                case JavaRecord.Mounts m -> { }
                case JavaRecord.Renamed n -> { }
                case JavaRecord.Present p -> { }
                case JavaRecord.Dumped d -> { }
                case JavaRecord.ScopedValues v -> { }
                case JavaRecord.ShutdownBegan x -> { }
                case JavaRecord.Uncaught u -> { }
                case JavaRecord.VirtualStarted v -> { }
                case JavaRecord.Locks l -> { }
            }
        }
        withPresentAttributes(records, threads);
        // Renames after start, in order: the thread keeps its current Java name and its earlier ones.
        Map<String, ThreadInfo> byJavaId = new HashMap<>();
        threads.forEach((task, java) -> byJavaId.put(task.tgid() + ":" + java.id(), task));
        for (JavaRecord r : records) {
            if (r instanceof JavaRecord.Renamed n) {
                ThreadInfo task = byJavaId.get(n.pid() + ":" + n.id());
                if (task != null) threads.put(task, threads.get(task).renamed(n.name()));
            } else if (r instanceof JavaRecord.ScopedValues v) {
                // A platform fork's inherited bindings join the settings it runs with (sv:Name hooks).
                ThreadInfo task = byJavaId.get(v.pid() + ":" + v.id());
                if (task != null) threads.put(task, threads.get(task).withScopedValues(v.bindings()));
            }
        }
        return new JavaView(records, threads, virtualByCreator, mountsByCarrier, allNotes, vmNames);
    }

    /**
     * A virtual thread's start() record joins its construction record: the {@code constructed}
     * record then says what it ran with (its context class loader at start). One whose construction
     * was not recorded (constructed before an attach) stays as it is.
     */
    static List<JavaRecord> foldVirtualStarts(List<JavaRecord> records) {
        if (records.stream().noneMatch(r -> r instanceof JavaRecord.VirtualStarted)) return records;
        List<JavaRecord> out = new ArrayList<>(records.size());
        Map<String, Integer> constructedAt = new HashMap<>();
        for (JavaRecord r : records) {
            if (r instanceof JavaRecord.VirtualStarted v) {
                Integer at = constructedAt.remove(v.pid() + ":" + v.id());
                if (at != null) {
                    out.set(at, ((JavaRecord.Constructed) out.get(at)).withAttributes(v.attributes()));
                    continue;
                }
            } else if (r instanceof JavaRecord.Constructed c && c.virtual()) {
                constructedAt.put(c.pid() + ":" + c.id(), out.size());
            }
            out.add(r);
        }
        return out;
    }

    /**
     * The daemon flag of the threads no start() record describes (the JVM's own, main, those that ran
     * before an attach): the agent's list of live threads and the thread dump give it, by Java id.
     * It is fixed at start(), so it is what the thread started with; a start() record's settings win.
     */
    private static void withPresentAttributes(List<JavaRecord> records, Map<ThreadInfo, JavaThread> threads) {
        Map<String, Map<String, String>> attributes = new HashMap<>();
        for (JavaRecord r : records) {
            if (r instanceof JavaRecord.Present p && !p.attributes().isEmpty()) attributes.put(p.pid() + ":" + p.id(), p.attributes());
        }
        if (attributes.isEmpty()) return;
        threads.replaceAll((task, java) -> {
            Map<String, String> present = attributes.get(task.tgid() + ":" + java.id());
            if (present == null || java.attributes().keySet().containsAll(present.keySet())) return java;
            Map<String, String> merged = new LinkedHashMap<>(present);
            merged.putAll(java.attributes());
            return java.withStart(java.stack(), merged);
        });
    }

    /**
     * Threads that ran before an attach, as the JVM's thread dump listed them: Java id, name and
     * OS tid. When the agent was loaded too, its own record of the same thread (by Java id) gives
     * the name: the agent writes it escaped, while a dump line is the name's raw bytes. One born
     * during the trace without a start() record (the JVM started it, as the Attach Listener, or it
     * started before the agent's hooks were in) was started by the OS thread that cloned it, as
     * in {@link #byKernelName}: a platform thread's task is its starter's clone.
     */
    private static void byOsTid(TraceModel model, List<JavaRecord> records, Map<ThreadInfo, JavaThread> threads) {
        Map<String, String> agentNames = new HashMap<>();
        for (JavaRecord r : records) {
            if (r instanceof JavaRecord.Present p && p.osTid() == 0) agentNames.put(p.pid() + ":" + p.id(), p.name());
        }
        for (JavaRecord r : records) {
            if (!(r instanceof JavaRecord.Present p) || p.osTid() <= 0) continue;
            ThreadInfo task = model.thread(p.osTid());
            if (task == null || task.tgid() != p.pid() || threads.containsKey(task)) continue;
            String name = agentNames.getOrDefault(p.pid() + ":" + p.id(), p.name());
            threads.put(task, new JavaThread(p.id(), name, false, 0, null, task.creator(), Map.of()));
        }
    }

    /**
     * The threads only the JVM's own thread dump names ({@link JavaRecord.Dumped}, from the agent at
     * shutdown or detach, or from the dump an attach took): a Java thread HotSpot hides (C2
     * CompilerThread0, Service Thread) gets its Java view, started by the OS thread that cloned it
     * as the JVM's own threads are; a thread of the VM itself (GC Thread#0) its full name. By OS
     * tid, and only for a task of that JVM that nothing else claimed and whose kernel name is the
     * name's first 15 bytes, which the JVM gave it: a Java thread's name that forges a header in the
     * dump cannot name another task.
     */
    private static void byDump(TraceModel model, List<JavaRecord> records, Map<ThreadInfo, JavaThread> threads,
                               Map<ThreadInfo, String> vmNames, List<String> notes) {
        for (JavaRecord r : records) {
            if (!(r instanceof JavaRecord.Dumped d)) continue;
            if (d.osTid() == 0) {
                // A count, as the agent writes it; anything else the file says (the target can write it) is no number.
                String n = d.attributes().getOrDefault(JavaRecord.Dumped.LEFT_OUT, "");
                // A module's name, as the agent writes it; anything else the file says is no module.
                String module = d.attributes().getOrDefault(JavaRecord.Dumped.MISSING_MODULE, "");
                notes.add("JVM " + d.pid() + ": " + (n.matches("[0-9]{1,9}") ? n : "some") + " thread(s) keep their kernel names: "
                        + (module.matches("[a-z][a-z0-9.]{0,63}") ? "its runtime lacks the module " + module + " (a jlink image, or"
                        + " --limit-modules), whose Thread.print would name them" : "no thread dump of it within the agent's bounds"));
                continue;
            }
            ThreadInfo task = model.thread(d.osTid());
            if (task == null || task.tgid() != d.pid() || threads.containsKey(task) || vmNames.containsKey(task)
                    || !task.nameHistory().contains(kernelName(d.name()))) {
                continue;
            }
            if (d.javaThread()) {
                threads.put(task, new JavaThread(d.id(), d.name(), false, 0, null, task.creator(), Map.of())
                        .withStart(List.of(), d.attributes()));
            } else {
                vmNames.put(task, d.name());
            }
        }
    }

    /**
     * Threads the JVM started itself have no start() record: those alive when the agent loaded
     * (Reference Handler, Signal Dispatcher...) and those constructed in Java but started natively
     * (Notification Thread, JFR's). The JVM gave the kernel the first 15 bytes of the Java name, so
     * a task of the same process with that name is the thread, when exactly one task and one Java
     * thread have it.
     */
    private static void byKernelName(TraceModel model, List<JavaRecord> records, Map<ThreadInfo, JavaThread> threads) {
        Set<String> claimed = new HashSet<>();
        threads.forEach((task, java) -> claimed.add(task.tgid() + ":" + java.id()));
        Map<String, List<JavaThread>> javaByName = new HashMap<>();
        for (JavaRecord r : records) {
            JavaThread candidate = switch (r) {
                case JavaRecord.Present p -> new JavaThread(p.id(), p.name(), false, 0, null, null, Map.of());
                case JavaRecord.Constructed c when !c.virtual() ->
                        new JavaThread(c.id(), c.name(), false, c.osTid(), c.creatorName(), null, c.inherited());
                default -> null;
            };
            if (candidate == null || claimed.contains(r.pid() + ":" + candidate.id())) continue;
            List<JavaThread> same = javaByName.computeIfAbsent(r.pid() + ":" + kernelName(candidate.name()), k -> new ArrayList<>());
            if (same.stream().noneMatch(j -> j.id() == candidate.id())) same.add(candidate);
        }
        if (javaByName.isEmpty()) return;
        Map<String, List<ThreadInfo>> tasksByName = new HashMap<>();
        for (ThreadInfo t : model.threads()) {
            if (threads.containsKey(t)) continue;
            for (String name : new LinkedHashSet<>(t.nameHistory())) {
                tasksByName.computeIfAbsent(t.tgid() + ":" + name, k -> new ArrayList<>()).add(t);
            }
        }
        javaByName.forEach((key, java) -> {
            List<ThreadInfo> tasks = tasksByName.getOrDefault(key, List.of());
            if (java.size() == 1 && tasks.size() == 1 && !threads.containsKey(tasks.getFirst())) {
                // Started by the JVM on the OS thread that cloned it: that thread is its starter.
                ThreadInfo task = tasks.getFirst();
                JavaThread j = java.getFirst();
                threads.put(task, new JavaThread(j.id(), j.name(), false, j.constructorTid(), j.constructorName(), task.creator(),
                        j.inherited()));
            }
        });
    }

    /**
     * What the JVM gives the kernel for a Java name: its first 15 bytes (the kernel keeps 16 with the
     * NUL), read as the tracer reads a comm, so a character cut at the 15th byte matches too.
     */
    static String kernelName(String javaName) {
        byte[] bytes = javaName.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 15) return javaName;
        return KernelBytes.decode(bytes, 0, 15);
    }

    /** Threads are in creation order, so the first task started after the call that no record claimed yet. */
    /**
     * What one OS thread created, in creation order, and how many of the first are claimed already:
     * the search for a start() record's task begins after them (a thread that started thousands of
     * threads one after another had each search walk every task claimed before it).
     */
    private static final class Created {
        final List<ThreadInfo> tasks = new ArrayList<>();
        int claimedPrefix;
    }

    private static ThreadInfo firstUnclaimedTask(Created createdByStarter, JavaRecord.Started s, TraceModel model,
                                                 Map<ThreadInfo, JavaThread> claimed) {
        if (createdByStarter == null) return null;
        List<ThreadInfo> tasks = createdByStarter.tasks;
        // Claims are only added while the records are joined, so a claimed prefix stays claimed.
        while (createdByStarter.claimedPrefix < tasks.size() && claimed.containsKey(tasks.get(createdByStarter.claimedPrefix))) {
            createdByStarter.claimedPrefix++;
        }
        long after = model.rel(s.ns());
        for (int i = createdByStarter.claimedPrefix; i < tasks.size(); i++) {
            ThreadInfo t = tasks.get(i);
            if (t.tgid() == s.pid() && t.start() >= after && !claimed.containsKey(t)) return t;
        }
        return null;
    }

    /** The Java thread a start() record describes, with its construction record when there is one. */
    private static JavaThread started(JavaRecord.Started s, Map<String, JavaRecord.Constructed> constructed) {
        JavaRecord.Constructed c = constructed.get(s.pid() + ":" + s.id());
        // A virtual thread that starts a platform thread does it on a carrier: the carrier's
        // clone makes the task, the virtual thread is the Java starter.
        JavaRecord.Constructed starter = constructed.get(s.pid() + ":" + s.starterId());
        JavaThread.VirtualStarter virtualStarter = starter != null && starter.virtual()
                ? new JavaThread.VirtualStarter(s.starterId(), s.starterName()) : null;
        // The name at start(), not at construction: Timer and thread factories name a
        // thread between the two (new Thread(r); t.setName(...); t.start()).
        return (c == null
                ? new JavaThread(s.id(), s.name(), false, s.osTid(), s.starterName(), s.osTid(),
                        s.inherited() != null ? s.inherited() : Map.of(), virtualStarter)
                : new JavaThread(c.id(), s.name(), false, c.osTid(), c.creatorName(), s.osTid(),
                        s.inherited() != null ? s.inherited() : c.inherited(), virtualStarter)).withStart(s.stack(), s.attributes());
    }

    /**
     * The start records of threads whose created tasks partly folded: each joins the one kept task
     * its starter created after it that bears its name (the kernel's 15 bytes of it), when no other
     * such record has that name; else it is left unjoined.
     */
    private static void startedByName(List<JavaRecord.Started> starts, Map<Integer, Created> created,
                                      Map<String, JavaRecord.Constructed> constructed, TraceModel model, Map<ThreadInfo, JavaThread> threads) {
        Map<String, Integer> sameName = new HashMap<>();
        for (JavaRecord.Started s : starts) sameName.merge(s.pid() + ":" + s.osTid() + ":" + kernelName(s.name()), 1, Integer::sum);
        for (JavaRecord.Started s : starts) {
            String name = kernelName(s.name());
            Created by = created.get(s.osTid());
            if (by == null || sameName.get(s.pid() + ":" + s.osTid() + ":" + name) != 1) continue;
            List<ThreadInfo> named = by.tasks.stream().filter(t -> t.tgid() == s.pid() && t.start() >= model.rel(s.ns())
                    && !threads.containsKey(t) && t.nameHistory().contains(name)).toList();
            if (named.size() == 1) threads.put(named.getFirst(), started(s, constructed));
        }
    }

    /**
     * What the join could not do because tasks folded past --keep-ended before the agents' records
     * came (at the end): the folded JVM threads' Java facts (counted), and the start records joined
     * by unique name only.
     */
    private static void foldedNotes(TraceModel model, int startsNotByOrder, List<String> notes) {
        long jvm = model.folded().all().jvmTasks();
        if (jvm > 0) {
            notes.add(jvm + " thread" + (jvm == 1 ? "" : "s") + " of JVMs folded past --keep-ended " + model.folded().keepEnded()
                    + " before the agents' records were joined: their Java names, creation sites and thread-locals are not shown");
        }
        if (startsNotByOrder > 0) {
            notes.add(startsNotByOrder + " Java thread start" + (startsNotByOrder == 1 ? "" : "s") + " by threads whose created threads"
                    + " partly folded joined by unique name only, not by creation order (a folded thread's start would claim the next one)");
        }
    }

    /** Convenience for a saved trace: its records, no notes. */
    public static JavaView join(TraceModel model, List<JavaRecord> records) {
        return join(model, records, Collections.emptyList());
    }
}
