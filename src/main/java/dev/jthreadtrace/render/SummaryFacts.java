package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.HangAnalysis;
import dev.jthreadtrace.model.Hook;
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
record SummaryFacts(long endNs, ThreadInfo root, int tasks, long processes, long threads, int peak, int virtual,
                    long reparented, String reparentedWhy, List<Wait> waits, List<String> unusual) {
    /** The longest waits it names. */
    static final int WAITS = 3;

    /** A thread and the time it spent blocked in futex waits, a wait still pending at the end included. */
    record Wait(ThreadInfo thread, long blockedNs) {}

    static SummaryFacts of(TraceModel model) {
        List<ThreadInfo> all = model.threads();
        long threads = all.stream().filter(ThreadInfo::createdAsThread).count();
        long reparented = all.stream().filter(ThreadInfo::reparented).count();
        int virtual = model.virtualThreadsByCreator().values().stream().mapToInt(Integer::intValue).sum();
        // A wait still pending at the end counts too: a hung thread's wait never returned. Only the
        // part no returned call holds: a wait interrupted by the signal that ended the trace
        // returned (ERESTARTSYS), and is in the futex log's time already (it was counted twice).
        Map<ThreadInfo, Long> pending = new IdentityHashMap<>();
        for (HangAnalysis.Blocked b : model.hang().blocked()) {
            if (b.call() != null && b.call().isFutexWait()) pending.merge(b.thread(), b.call().unreturnedNs(), Long::sum);
        }
        List<Wait> waits = all.stream().map(t -> new Wait(t, model.futex().of(t).blockedNs() + pending.getOrDefault(t, 0L)))
                .filter(w -> w.blockedNs() > 0).sorted(Comparator.comparingLong(Wait::blockedNs).reversed()).limit(WAITS).toList();
        return new SummaryFacts(model.endNs(), model.root(), all.size(), all.size() - threads, threads, model.peakLive(), virtual,
                reparented, reparentedWhy(all), waits, unusual(model, all));
    }

    /**
     * Why the kernel parents differ from the creators, each reason counted: a CLONE_THREAD thread
     * hangs from its process's parent, a CLONE_PARENT child from its creator's parent, an orphan
     * from the subreaper or init that adopted it when its parent exited.
     */
    private static String reparentedWhy(List<ThreadInfo> all) {
        long thread = 0, cloneParent = 0, orphan = 0;
        for (ThreadInfo t : all) {
            if (!t.reparented()) continue;
            if (!t.reparents().isEmpty()) orphan++;
            else if (t.createdAsThread()) thread++;
            else if ((t.cloneFlags() & CloneFlags.CLONE_PARENT) != 0) cloneParent++;
        }
        List<String> why = new ArrayList<>();
        if (thread > 0) why.add(thread + " CLONE_THREAD thread" + (thread == 1 ? "" : "s") + " (PPid is the process's parent, not the creator)");
        if (cloneParent > 0) why.add(cloneParent + " CLONE_PARENT child" + (cloneParent == 1 ? "" : "ren") + " (PPid is the creator's parent)");
        if (orphan > 0) why.add(orphan + " orphan" + (orphan == 1 ? "" : "s") + " (the parent exited: adopted by a subreaper or init)");
        return String.join("; ", why);
    }

    /** How the traced command ended: {@code exit 0}, {@code killed by SIGKILL}, or still running. */
    String ending() {
        return root == null || root.exit() == null ? "still running when the trace ended" : root.exit().how();
    }

    private static List<String> unusual(TraceModel model, List<ThreadInfo> all) {
        List<String> unusual = new ArrayList<>();
        long killed = all.stream().filter(t -> t.exit() instanceof Exit.Killed).count();
        if (killed > 0) unusual.add(plural(killed, "task") + " killed by a signal");
        // No end seen: still running when the trace ended, or the trace was cut short (a saved trace
        // without its end); the summary's first line says the same of the command.
        long running = all.stream().filter(t -> t.exit() == null).count();
        if (running > 0) unusual.add(plural(running, "task") + " still running at the end");
        int leaked = model.leaks().leaked().size();
        if (leaked > 0) unusual.add(plural(leaked, "thread") + " outlived main (OUTLIVED THEIR SCOPE)");
        String changed = changedBeforeTheyStarted(all);
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
    static String changedBeforeTheyStarted(List<ThreadInfo> all) {
        Map<String, Integer> heirs = new java.util.LinkedHashMap<>();
        long threads = 0;
        for (ThreadInfo t : all) {
            ThreadInfo creator = t.creatorInfo();
            if (creator == null) continue;
            boolean differs = false;
            for (Hook hook : Hook.inheritedHooks()) {
                // A mask the thread's library was asked to start it with is not its creator's doing.
                if (hook == Hook.SIGMASK && t.sigmaskNotTheCreators()) continue;
                if (hook != Hook.NAME && !t.inherited().value(hook).equals(creator.inherited().value(hook))) {
                    heirs.merge(hook.key() + " of " + creator.tid(), 1, Integer::sum);
                    differs = true;
                }
            }
            if (differs) threads++;
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
