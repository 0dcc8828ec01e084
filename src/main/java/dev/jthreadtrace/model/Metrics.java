package dev.jthreadtrace.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole-trace numbers: the JSONL summary record and what {@code --assert} compares. Times in
 * nanoseconds, sizes in bytes; {@code exit.code} is the shell's view (128+N for a signal), -1 when
 * the trace was cut short before the command ended.
 */
public final class Metrics {
    private Metrics() {}

    public static Map<String, Long> of(TraceModel model) {
        Map<String, Long> m = new LinkedHashMap<>();
        long threads = 0, processes = 0, depth = 0, futexCalls = 0, waits = 0, wakes = 0, blocked = 0, timeouts = 0,
                mmapCalls = 0, mmapBytes = 0, munmapBytes = 0;
        for (ThreadInfo t : model.threads()) {
            threads++;
            if (!t.isThread()) processes++;
            depth = Math.max(depth, model.depth(t));
            futexCalls += t.futexCalls;
            waits += t.futexWaits;
            wakes += t.futexWakes;
            blocked += t.futexBlockedNs;
            timeouts += t.futexTimeouts;
            mmapCalls += t.mmapCalls;
            mmapBytes += t.mmapBytes;
            munmapBytes += t.munmapBytes;
        }
        m.put("threads.total", threads);
        m.put("threads.peak", (long) model.peakLive());
        m.put("processes.total", processes);
        m.put("spawn.depth", depth);
        m.put("futex.calls", futexCalls);
        m.put("futex.waits", waits);
        m.put("futex.wakes", wakes);
        m.put("futex.wait.time", blocked);
        m.put("futex.timeouts", timeouts);
        m.put("futex.joins", (long) FutexAnalysis.of(model).joins().size());
        m.put("mmap.calls", mmapCalls);
        m.put("mmap.bytes", mmapBytes);
        m.put("munmap.bytes", munmapBytes);
        m.put("hooks.changes", (long) model.hookChanges().size());
        m.put("duration", model.endNs());
        Exit exit = model.targetExit();
        m.put("exit.code", exit == null ? -1L : exit.shellStatus());
        return m;
    }
}
