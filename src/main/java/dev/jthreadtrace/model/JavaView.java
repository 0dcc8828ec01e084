package dev.jthreadtrace.model;

import dev.jthreadtrace.event.JavaRecord;

import java.util.List;
import java.util.Map;

/**
 * What the JVM agents reported, joined to the kernel's tasks (by {@code jvm.JavaJoin}): the Java
 * thread on each task, virtual threads counted by the OS thread that constructed them, the
 * carriers' mounts of virtual threads, and remarks for the user. Enters the model in one step, after the trace.
 */
public record JavaView(List<JavaRecord> records, Map<ThreadInfo, JavaThread> threads,
                       Map<Integer, Integer> virtualByCreator, Map<Integer, Long> mountsByCarrier,
                       List<String> notes) {
    public static final JavaView NONE = new JavaView(List.of(), Map.of(), Map.of(), Map.of(), List.of());

    public JavaView {
        records = List.copyOf(records);
        threads = java.util.Collections.unmodifiableMap(new java.util.IdentityHashMap<>(threads));
        virtualByCreator = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(virtualByCreator));
        mountsByCarrier = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(mountsByCarrier));
        notes = List.copyOf(notes);
    }
}
