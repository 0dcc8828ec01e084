package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.MemoryFlags;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Every successful mapping of the trace and each thread's mapping figures. */
public final class MmapLog {
    /** The syscalls that feed it: recorded whenever a report section or an assertion needs the log. */
    public static final List<String> SYSCALLS = List.of("mmap", "munmap", "mremap");

    private final List<Mapping> mappings = new ArrayList<>();
    private final Map<ThreadInfo, MmapCounters> byThread = new IdentityHashMap<>();

    void mmap(ThreadInfo t, TraceEvent.Syscall s, long ns) {
        if (!succeeded(s)) return;
        long[] a = s.args();
        counters(t).mapped(a[1]);
        mappings.add(new Mapping(t.tid(), t.tgid(), ns, s.ret(), a[1], MemoryFlags.prot(a[2]), MemoryFlags.mapFlags(a[3]),
                s.captures().string(4)));
    }

    void munmap(ThreadInfo t, TraceEvent.Syscall s) {
        if (succeeded(s)) counters(t).unmapped(s.args()[1]);
    }

    void mremap(ThreadInfo t, TraceEvent.Syscall s, long ns) {
        if (!succeeded(s)) return;
        long[] a = s.args();
        counters(t).mapped(Math.max(0, a[2] - a[1]));
        mappings.add(new Mapping(t.tid(), t.tgid(), ns, s.ret(), a[2], "", "mremap", null));
    }

    private static boolean succeeded(TraceEvent.Syscall s) {
        return s.returned() && !s.error();
    }

    private MmapCounters counters(ThreadInfo t) {
        return byThread.computeIfAbsent(t, k -> new MmapCounters());
    }

    public List<Mapping> mappings() {
        return Collections.unmodifiableList(mappings);
    }

    /** A thread's figures (all zero for a thread that mapped nothing). */
    public MmapCounters of(ThreadInfo t) {
        return byThread.getOrDefault(t, MmapCounters.NONE);
    }
}
