package dev.jthreadtrace.event;

import java.util.Map;

/**
 * What the agent in a traced JVM wrote about one Java thread: its construction (creator, name,
 * id, virtual or not, inherited thread-locals) or its {@code start()} (who started it). Times are
 * the JVM's {@code System.nanoTime()}, the same CLOCK_MONOTONIC as the tracer's event times.
 */
public sealed interface JavaRecord {
    int pid();

    long ns();

    /** The OS thread that ran the constructor or start(). */
    int osTid();

    record Constructed(int pid, long ns, int osTid, long creatorId, String creatorName, long id, String name,
                       boolean virtual, Map<String, String> inherited) implements JavaRecord {}

    /**
     * {@code inherited}: the inheritable thread-locals the thread starts with, read at start() (the
     * final map); null when the record does not carry them (a virtual thread, an older trace).
     */
    record Started(int pid, long ns, int osTid, long starterId, String starterName, long id, String name,
                   Map<String, String> inherited) implements JavaRecord {
        public Started(int pid, long ns, int osTid, long starterId, String starterName, long id, String name) {
            this(pid, ns, osTid, starterId, starterName, id, name, null);
        }
    }

    /** The started platform thread {@code id} was renamed to {@code name} (by the thread on {@code osTid}). */
    record Renamed(int pid, long ns, int osTid, long id, String name) implements JavaRecord {}

    /**
     * A platform thread alive when the agent loaded, started by the JVM itself (no start() record):
     * joined to its task by the first 15 bytes of its name, which the JVM gave the kernel.
     * {@code osTid} is 0: the agent cannot know it.
     */
    record Present(int pid, long ns, int osTid, long id, String name) implements JavaRecord {}

    /** The carrier {@code osTid} mounted virtual threads {@code count} times since its previous such record. */
    record Mounts(int pid, long ns, int osTid, long count) implements JavaRecord {}
}
