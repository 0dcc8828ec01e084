package dev.jthreadtrace.render;

import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The report's first screen: the answers most readers come for, each pointing at the section that
 * has the detail — how many threads and processes, the peak, how many the kernel re-parented,
 * the longest waits, and what is unusual (killed, still running, outlived main, started with
 * settings their creator did not start with).
 */
final class SummarySection extends SectionRenderer {
    /** The longest waits it names. */
    private static final int WAITS = 3;

    SummarySection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        List<ThreadInfo> all = model.threads();
        ThreadInfo root = model.root();
        out.accept("");
        out.accept(palette.heading("SUMMARY"));
        out.accept("  " + Units.duration(model.endNs()) + (root == null ? "" : " of " + label(root) + ", " + ending(root)));
        long threads = all.stream().filter(ThreadInfo::isThread).count();
        long processes = all.size() - threads;
        long reparented = all.stream().filter(ThreadInfo::reparented).count();
        int virtual = model.virtualThreadsByCreator().values().stream().mapToInt(Integer::intValue).sum();
        out.accept("  " + plural(all.size(), "task") + ": " + plural(processes, "process") + ", " + plural(threads, "thread")
                + " (peak " + model.peakLive() + " alive at once)" + (virtual == 0 ? "" : "; " + plural(virtual, "virtual thread")));
        if (reparented > 0) {
            out.accept("  " + reparented + " re-parented by the kernel: a CLONE_THREAD thread's PPid is its process's parent,"
                    + " not its creator (THREADS BY CREATOR beside KERNEL TREE)");
        }
        longestWaits();
        List<String> unusual = unusual(all);
        out.accept("  " + (unusual.isEmpty() ? "nothing unusual: every task ended, none was killed, none outlived main"
                : "unusual: " + String.join("; ", unusual)));
    }

    private void longestWaits() {
        List<ThreadInfo> waiting = new ArrayList<>(model.threads().stream().filter(t -> model.futex().of(t).blockedNs() > 0).toList());
        if (waiting.isEmpty()) return;
        waiting.sort(Comparator.comparingLong((ThreadInfo t) -> model.futex().of(t).blockedNs()).reversed());
        List<String> named = waiting.stream().limit(WAITS)
                .map(t -> label(t) + " " + Units.duration(model.futex().of(t).blockedNs())).toList();
        out.accept("  longest blocked in futex: " + String.join(", ", named) + " (FUTEX)");
    }

    private List<String> unusual(List<ThreadInfo> all) {
        List<String> unusual = new ArrayList<>();
        long killed = all.stream().filter(t -> t.exit() instanceof Exit.Killed).count();
        if (killed > 0) unusual.add(plural(killed, "task") + " killed by a signal");
        long running = all.stream().filter(t -> t.exit() == null && t.end() != null && t.end() >= model.endNs()).count();
        if (running > 0) unusual.add(plural(running, "task") + " still running at the end");
        int leaked = model.leaks().leaked().size();
        if (leaked > 0) unusual.add(plural(leaked, "thread") + " outlived main (OUTLIVED THEIR SCOPE)");
        long changed = all.stream().filter(this::startedDifferently).count();
        if (changed > 0) unusual.add(plural(changed, "thread") + " started with settings their creator did not start with (INHERITED AT CREATION)");
        return unusual;
    }

    /** It inherited a kernel setting (mask, affinity, seccomp...) its creator had changed since its own start. */
    private boolean startedDifferently(ThreadInfo t) {
        ThreadInfo creator = t.creatorInfo();
        if (creator == null) return false;
        for (Hook hook : Hook.inheritedHooks()) {
            if (hook != Hook.NAME && !t.inherited().value(hook).equals(creator.inherited().value(hook))) return true;
        }
        return false;
    }

    private static String ending(ThreadInfo root) {
        return root.exit() == null ? "still running when the trace ended" : root.exit().how();
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : what.endsWith("s") ? "es" : "s");
    }
}
