package dev.jthreadtrace.render;

import dev.jthreadtrace.model.CreatorChanges;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FoldedFigures;
import dev.jthreadtrace.model.FoldedTasks;
import dev.jthreadtrace.model.HangAnalysis;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.Reparenting;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The summary's answers, computed once from the model for the terminal report's SUMMARY and the
 * HTML page's summary: counts, peak, re-parented, the longest futex waits and what is unusual.
 * Names stay raw here; each renderer escapes them for its medium.
 *
 * @param root the traced command's first task (null after an attach of several)
 * @param waits the longest blocked in futex, longest first
 * @param unusual plain sentences (counts only, nothing from the target), each naming where the detail is
 */
record SummaryFacts(long endNs, ThreadInfo root, long tasks, long processes, long threads, int peak, int virtual,
                    long reparented, String reparentedWhy, List<Wait> waits, List<String> unusual, long folded) {
    /** The longest waits it names. */
    static final int WAITS = 3;

    /** A thread and the time it spent blocked in futex waits, a wait still pending at the end included; {@code thread} null for a folded one (its tid and name are what is left). */
    record Wait(ThreadInfo thread, int tid, String name, long blockedNs) {
        Wait(ThreadInfo thread, long blockedNs) {
            this(thread, thread.tid(), thread.name(), blockedNs);
        }
    }

    static SummaryFacts of(TraceModel model) {
        List<ThreadInfo> all = model.threads();
        FoldedTasks folded = model.folded();
        FoldedFigures f = folded.all();
        long tasks = all.size() + f.tasks();
        long threads = all.stream().filter(ThreadInfo::createdAsThread).count() + f.tasks() - f.processes();
        long reparented = all.stream().filter(ThreadInfo::reparented).count() + f.reparented();
        int virtual = model.virtualThreadsByCreator().values().stream().mapToInt(Integer::intValue).sum();
        // A wait still pending at the end counts too: a hung thread's wait never returned. Only the
        // part no returned call holds: a wait interrupted by the signal that ended the trace
        // returned (ERESTARTSYS), and is in the futex log's time already (it was counted twice).
        Map<ThreadInfo, Long> pending = new IdentityHashMap<>();
        for (HangAnalysis.Blocked b : model.hang().blocked()) {
            if (b.call() != null && b.call().isFutexWait()) pending.merge(b.thread(), b.call().unreturnedNs(), Long::sum);
        }
        // A folded task's wait is an earlier fold's: among equals, the kept (earlier-created) first as before.
        List<Wait> waits = java.util.stream.Stream.concat(
                        all.stream().map(t -> new Wait(t, model.futex().of(t).blockedNs() + pending.getOrDefault(t, 0L))),
                        folded.longestWaits().stream().map(w -> new Wait(null, w.tid(), w.name(), w.blockedNs())))
                .filter(w -> w.blockedNs() > 0).sorted(Comparator.comparingLong(Wait::blockedNs).reversed()).limit(WAITS).toList();
        return new SummaryFacts(model.endNs(), model.root(), tasks, tasks - threads, threads, model.peakLive(), virtual,
                reparented, reparentedWhy(all, f), waits, unusual(model, all), f.tasks());
    }

    /**
     * Why the kernel parents differ from the creators, each reason counted ({@link Reparenting}: a
     * CLONE_THREAD thread hangs from its process's parent, a CLONE_PARENT child from its creator's
     * parent, an orphan from whoever adopted it, a child a thread made from that thread's process).
     */
    private static String reparentedWhy(List<ThreadInfo> all, FoldedFigures folded) {
        long[] counts = new long[Reparenting.values().length];
        for (Reparenting why : Reparenting.values()) counts[why.ordinal()] = folded.reparented(why);
        for (ThreadInfo t : all) {
            Reparenting why = Reparenting.of(t);
            if (why != null) counts[why.ordinal()]++;
        }
        List<String> why = new ArrayList<>();
        for (Reparenting r : Reparenting.values()) if (counts[r.ordinal()] > 0) why.add(r.counted(counts[r.ordinal()]));
        return String.join("; ", why);
    }

    /** How the traced command ended: {@code exit 0}, {@code killed by SIGKILL}, or still running. */
    String ending() {
        return root == null || root.exit() == null ? "still running when the trace ended" : root.exit().how();
    }

    private static List<String> unusual(TraceModel model, List<ThreadInfo> all) {
        List<String> unusual = new ArrayList<>();
        long killed = all.stream().filter(t -> t.exit() instanceof Exit.Killed).count() + model.folded().all().killed();
        if (killed > 0) unusual.add(plural(killed, "task") + " killed by a signal");
        // No end seen: still running when the trace ended, or the trace was cut short (a saved trace
        // without its end); the summary's first line says the same of the command.
        long running = all.stream().filter(t -> t.exit() == null).count();
        if (running > 0) unusual.add(plural(running, "task") + " still running at the end");
        int leaked = model.leaks().leaked().size();
        if (leaked > 0) unusual.add(plural(leaked, "thread") + " outlived main (OUTLIVED THEIR SCOPE)");
        String changed = changedBeforeTheyStarted(all, model.folded());
        if (changed != null) unusual.add(changed);
        return unusual;
    }

    /** How many settings of a creator to name before "...". */
    private static final int CHANGES_NAMED = 3;

    /**
     * The threads that inherited a kernel setting (mask, affinity, seccomp...) their creator had
     * changed since its own start, said as which setting of which creator, most heirs first: a
     * JVM's main thread blocks signals before it starts the VM's threads, and that reads as one
     * fact (sigmask of 20273 ×15), not as fifteen odd threads. Null when none did.
     */
    static String changedBeforeTheyStarted(List<ThreadInfo> all, FoldedTasks folded) {
        Map<String, Integer> heirs = new java.util.LinkedHashMap<>();
        long threads = folded.heirTasks();
        folded.heirs().forEach((h, n) -> heirs.merge(h.hook().key() + " of " + h.creator(), n, Integer::sum));
        for (ThreadInfo t : all) {
            List<Hook> changed = CreatorChanges.inheritedChanged(t);
            for (Hook hook : changed) heirs.merge(hook.key() + " of " + t.creatorInfo().tid(), 1, Integer::sum);
            if (!changed.isEmpty()) threads++;
        }
        if (threads == 0) return null;
        List<String> named = heirs.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(CHANGES_NAMED).map(e -> e.getKey() + " ×" + e.getValue()).toList();
        return plural(threads, "thread") + " inherited settings a creator changed after its own start: "
                + String.join(", ", named) + (heirs.size() > CHANGES_NAMED ? ", ..." : "") + " (INHERITED AT CREATION)";
    }

    static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : what.endsWith("s") ? "es" : "s");
    }
}
