package dev.jthreadtrace.model;

import dev.jthreadtrace.event.JavaRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What the JVM agents reported, joined to the kernel's tasks (by {@code jvm.JavaJoin}): the Java
 * thread on each task, virtual threads counted by the OS thread that constructed them, the
 * carriers' mounts of virtual threads, remarks for the user, and the full names of the VM's own
 * threads (GC Thread#0, VM Periodic Task Thread: no Java threads), which the kernel knows by 15 bytes. Enters the model in one step, after the trace.
 */
public record JavaView(List<JavaRecord> records, Map<ThreadInfo, JavaThread> threads,
                       Map<Integer, Integer> virtualByCreator, Map<Integer, Long> mountsByCarrier,
                       List<String> notes, Map<ThreadInfo, String> vmThreadNames) {
    public static final JavaView NONE = new JavaView(List.of(), Map.of(), Map.of(), Map.of(), List.of());

    /** Without names of the VM's own threads. */
    public JavaView(List<JavaRecord> records, Map<ThreadInfo, JavaThread> threads, Map<Integer, Integer> virtualByCreator,
                    Map<Integer, Long> mountsByCarrier, List<String> notes) {
        this(records, threads, virtualByCreator, mountsByCarrier, notes, Map.of());
    }

    /**
     * A creation site: one creation stack and the Java threads it made (platform threads by their
     * start(), virtual threads by their construction), with a few of their names.
     */
    public record CreationSite(List<JavaRecord.Frame> stack, int platformThreads, int virtualThreads, List<String> names) {
        public int threads() {
            return platformThreads + virtualThreads;
        }
    }

    private static final int NAMES_PER_SITE = 3;

    /** The distinct creation stacks, the one that made most threads first: where to look for a thread leak. */
    public List<CreationSite> creationSites() {
        Map<List<JavaRecord.Frame>, int[]> counts = new LinkedHashMap<>();
        Map<List<JavaRecord.Frame>, List<String>> names = new HashMap<>();
        BiConsumer<List<JavaRecord.Frame>, String> add = (stack, name) -> {
            List<String> some = names.computeIfAbsent(stack, k -> new ArrayList<>());
            if (some.size() < NAMES_PER_SITE && name != null && !name.isBlank() && !some.contains(name)) some.add(name);
        };
        for (JavaThread t : threads.values()) {
            if (t.stack().isEmpty()) continue;
            counts.computeIfAbsent(t.stack(), k -> new int[2])[0]++;
            add.accept(t.stack(), t.name());
        }
        for (JavaRecord r : records) {
            if (r instanceof JavaRecord.Constructed c && c.virtual() && !c.stack().isEmpty()) {
                counts.computeIfAbsent(c.stack(), k -> new int[2])[1]++;
                add.accept(c.stack(), c.name());
            }
        }
        List<CreationSite> sites = new ArrayList<>();
        counts.forEach((stack, n) -> sites.add(new CreationSite(stack, n[0], n[1], names.getOrDefault(stack, List.of()))));
        sites.sort(Comparator.comparingInt(CreationSite::threads).reversed());
        return sites;
    }

    public JavaView {
        records = List.copyOf(records);
        threads = Collections.unmodifiableMap(new IdentityHashMap<>(threads));
        virtualByCreator = Collections.unmodifiableMap(new LinkedHashMap<>(virtualByCreator));
        mountsByCarrier = Collections.unmodifiableMap(new LinkedHashMap<>(mountsByCarrier));
        notes = List.copyOf(notes);
        vmThreadNames = Collections.unmodifiableMap(new IdentityHashMap<>(vmThreadNames));
    }
}
