package dev.jthreadtrace.render;

import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TidHolders;
import dev.jthreadtrace.model.TraceModel;

import java.util.function.Consumer;

/**
 * What every report section renders with: the finished model, the palette, the width, where the
 * lines go, and the spawn forest (built once for all sections).
 */
record ReportContext(TraceModel model, Palette palette, int width, Consumer<String> out, SpawnForest forest, TidHolders holders) {
    /** Width of the thread label column in the timeline, futex and mmap tables. */
    static final int LABEL_WIDTH = 26;
    /** Rows a list shows before it says how many more there are. */
    static final int MAX_ROWS = 200;

    /** One part of the report. */
    interface Section {
        void render();
    }

    /**
     * {@code 1202 inner-1}: the name escaped, as every string from the target. A task of another PID
     * namespace also shows the id it has there, {@code 20312 [ns 7] worker-1}, which is what the
     * program, its logs and its JVM's thread dumps call it.
     */
    String label(ThreadInfo t) {
        return t.tid() + nsTid(t) + " " + Escape.text(t.name());
    }

    /**
     * The creator of {@code t} as it was when it created {@code t}: its tid then (a thread that
     * exec'd later took its leader's) and its name then, when a later rename or exec changed it.
     */
    String creatorAtBirth(ThreadInfo t) {
        ThreadInfo c = t.creatorInfo();
        if (c == null) return t.creator() == null ? "-" : label(t.creator());
        int tid = c.formerTid() != 0 && c.tookLeaderTidAt() > t.start() ? c.formerTid() : c.tid();
        String then = t.creatorNameAtBirth();
        return then.equals(c.hooks().name()) && tid == c.tid() ? label(c) : tid + nsTid(c) + " " + Escape.text(then);
    }

    String label(int tid) {
        // A tid no kept record has, once tasks folded, is most likely a folded task's (its name was let go with it).
        if (model.thread(tid) == null && model.folded().any()) return tid + " (folded)";
        return tid + nsTid(model.thread(tid)) + " " + Escape.text(model.nameOf(tid));
    }

    /**
     * Tid {@code tid} as it was at {@code ns}, for a record that keeps only the tid and its time: the
     * task that held it then (not one that took it later: another thread's exec takes its leader's),
     * named as then when an exec came later ({@link TidHolders}).
     */
    String label(int tid, long ns) {
        ThreadInfo t = holders.at(tid, ns);
        if (t == null) return label(tid);
        return tid + (tid == t.tid() ? nsTid(t) : "") + " " + Escape.text(holders.nameAt(t, ns));
    }

    /** {@code " [ns 7]"} for a task whose id in its own PID namespace differs from the kernel's; else nothing. */
    static String nsTid(ThreadInfo t) {
        return t == null || t.nsTid() == 0 || t.nsTid() == t.tid() ? "" : " [ns " + t.nsTid() + "]";
    }
}
