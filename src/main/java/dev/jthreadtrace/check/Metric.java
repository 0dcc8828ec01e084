package dev.jthreadtrace.check;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The metrics {@code --assert} can test, as data: name, what kind of value, which selector keys
 * it takes. Kinds decide the units a bound may carry (time: ns/us/ms/s, size: B/KiB/MiB/GiB) and
 * which operators apply (text: only == and !=).
 */
public enum Metric {
    THREADS_TOTAL("threads.total", Kind.COUNT, "threads seen, processes' main threads included"),
    THREADS_PEAK("threads.peak", Kind.COUNT, "most threads alive at once"),
    THREADS_COUNT("threads.count", Kind.COUNT, "threads whose name matches {name=\"glob\"}", "name"),
    PROCESSES_TOTAL("processes.total", Kind.COUNT, "processes (the command, and every fork/vfork/clone without CLONE_THREAD)"),
    SPAWN_DEPTH("spawn.depth", Kind.COUNT, "longest creator chain (root = 0)"),
    FUTEX_CALLS("futex.calls", Kind.COUNT, "futex calls, all or of {name=\"glob\"} threads", "name"),
    FUTEX_WAITS("futex.waits", Kind.COUNT, "futex waits", "name"),
    FUTEX_WAKES("futex.wakes", Kind.COUNT, "futex wakes", "name"),
    FUTEX_WAIT_TIME("futex.wait.time", Kind.TIME, "time blocked in futex waits", "name"),
    FUTEX_TIMEOUTS("futex.timeouts", Kind.COUNT, "futex waits that timed out", "name"),
    FUTEX_JOINS("futex.joins", Kind.COUNT, "joins seen (waits on a thread's exit)"),
    MMAP_CALLS("mmap.calls", Kind.COUNT, "mmap/mremap calls", "name"),
    MMAP_BYTES("mmap.bytes", Kind.SIZE, "bytes mapped by mmap/mremap", "name"),
    MUNMAP_BYTES("munmap.bytes", Kind.SIZE, "bytes unmapped", "name"),
    HOOKS_CHANGES("hooks.changes", Kind.COUNT, "changes of inheritable settings"),
    DURATION("duration", Kind.TIME, "time from the command's exec to the end of the trace"),
    EXIT_CODE("exit.code", Kind.COUNT, "the command's exit status (128+N when killed by signal N)"),
    SPAWNED_BY("spawned_by", Kind.TEXT, "name of the creator of every thread matching {child=\"glob\"}", "child"),
    INHERITS("inherits", Kind.TEXT, "value of hook H that every thread matching {name=\"glob\", hook=\"H\"} "
            + "started with (hooks: name, sigmask, affinity, seccomp, no_new_privs, traced)", "name", "hook");

    public enum Kind { COUNT, TIME, SIZE, TEXT }

    private final String key;
    private final Kind kind;
    private final String description;
    private final Set<String> selectorKeys;

    Metric(String key, Kind kind, String description, String... selectorKeys) {
        this.key = key;
        this.kind = kind;
        this.description = description;
        this.selectorKeys = Set.of(selectorKeys);
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    public Set<String> selectorKeys() {
        return selectorKeys;
    }

    public static Metric byKey(String key) {
        for (Metric m : values()) if (m.key.equals(key)) return m;
        return null;
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Metric::key).toList();
    }
}
