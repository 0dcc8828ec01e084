package dev.jthreadtrace.render;

import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.FutexAnalysis;
import dev.jthreadtrace.model.HangAnalysis;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Futex figures per thread, the busiest words, who woke whom, the waits still pending at the end, and joins. */
final class FutexSection extends SectionRenderer {
    FutexSection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        futex();
    }

    private void futex() {
        FutexAnalysis analysis = model.futexAnalysis();
        out.accept("");
        out.accept(palette.heading(Units.pad("FUTEX", ReportContext.LABEL_WIDTH) + "   calls   waits   wakes     blocked  timeouts  eagain"));
        List<ThreadInfo> busy = new ArrayList<>(model.threads().stream().filter(t -> model.futex().of(t).calls() > 0).toList());
        busy.sort(Comparator.comparingLong((ThreadInfo t) -> model.futex().of(t).blockedNs()).reversed());
        List<HangAnalysis.Blocked> stillWaiting = stillWaiting();
        // The table counts the calls that returned; a wait still pending at the end (the thread
        // killed, torn down or detached in it) is in the list below it, and the line must not say
        // "no futex calls" above that list (an attach cut while its only thread waited did).
        if (busy.isEmpty()) out.accept(stillWaiting.isEmpty() ? "  (no futex calls traced)"
                : "  (no futex call returned; " + (stillWaiting.size() == 1 ? "one wait was" : stillWaiting.size() + " waits were")
                + " still pending at the end, below)");
        list(busy, 30, "threads", t -> Units.pad(Units.cut(label(t), ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH)
                + Units.padLeft(Long.toString(model.futex().of(t).calls()), 8)
                + Units.padLeft(Long.toString(model.futex().of(t).waits()), 8) + Units.padLeft(Long.toString(model.futex().of(t).wakes()), 8)
                + Units.padLeft(Units.duration(model.futex().of(t).blockedNs()), 12) + Units.padLeft(Long.toString(model.futex().of(t).timeouts()), 10)
                + Units.padLeft(Long.toString(model.futex().of(t).eagain()), 8));
        // Folded tasks: a row per group, its sums (EAGAIN is not kept per group: "-"), most blocked first.
        List<FoldedGroup> folded = new ArrayList<>(model.folded().groups().stream().filter(g -> g.figures().futexCalls() > 0).toList());
        folded.sort(Comparator.comparingLong((FoldedGroup g) -> g.figures().futexBlockedNs()).reversed());
        for (FoldedGroup g : folded.subList(0, Math.min(folded.size(), 30))) {
            out.accept("  ⋯ " + FoldedRows.row(g));
            out.accept(Units.pad("", ReportContext.LABEL_WIDTH) + Units.padLeft(Long.toString(g.figures().futexCalls()), 8)
                + Units.padLeft(Long.toString(g.figures().futexWaits()), 8) + Units.padLeft(Long.toString(g.figures().futexWakes()), 8)
                + Units.padLeft(Units.duration(g.figures().futexBlockedNs()), 12) + Units.padLeft(Long.toString(g.figures().futexTimeouts()), 10)
                + Units.padLeft("-", 8));
        }
        if (folded.size() > 30) out.accept("  … " + (folded.size() - 30) + " more folded groups");
        if (!analysis.addresses().isEmpty()) {
            out.accept("busiest futex words:");
            list(analysis.addresses(), 5, "futex words", a -> "  0x" + Long.toHexString(a.uaddr()) + "  waits " + a.waits() + ", wakes "
                    + a.wakes() + (a.requeued() > 0 ? ", requeued " + a.requeued() : "") + ", blocked " + Units.duration(a.blockedNs())
                    + "; waiters " + tids(a.waiters()) + "; wakers " + tids(a.wakers()));
        }
        String unlinked = model.futex().sharedMappingsNote();
        if (unlinked != null) out.accept("  (" + unlinked + ")");
        if (!analysis.releases().isEmpty() || analysis.releasesUnattributed() > 0) {
            out.accept("who woke whom (longest waits):");
            List<FutexAnalysis.Release> rs = new ArrayList<>(analysis.releases());
            rs.sort(Comparator.comparingLong(FutexAnalysis.Release::waitedNs).reversed());
            List<FutexAnalysis.Release> shown = rs.subList(0, Math.min(rs.size(), 8));
            for (FutexAnalysis.Release r : shown) {
                out.accept("  " + label(r.waker(), r.ns()) + " woke " + label(r.waiter(), r.ns()) + " on 0x" + Long.toHexString(r.uaddr())
                        + " " + Units.at(r.ns()) + " after " + Units.duration(r.waitedNs()) + requeued(r.requeued()));
            }
            // Counted in all, kept only for the longest waits: the count says how many, the list which.
            long more = analysis.releasesMatched() - shown.size();
            if (more > 0) {
                out.accept("  … " + more + " more wake-ups" + (analysis.releasesMatched() > rs.size()
                        ? " (only the " + rs.size() + " longest waits are kept; --format jsonl has every call)" : ""));
            }
            if (analysis.releasesUnattributed() > 0) {
                out.accept("  … " + SummaryFacts.plural(analysis.releasesUnattributed(), "wake-up") + " not attributed: a requeue may have"
                        + " moved the waiter to another word, and a wake of either word could have released it");
            }
        }
        stillWaiting(stillWaiting);
        if (!analysis.joins().isEmpty()) {
            out.accept("joins (waits on a thread's CLONE_CHILD_CLEARTID word, woken by the kernel at its exit):");
            list(analysis.joins(), 30, "joins", j -> "  " + label(j.joiner(), j.ns()) + " joined " + label(j.joined(), j.ns()) + " " + Units.at(j.ns())
                    + " (waited " + Units.duration(j.waitedNs()) + ")");
        }
        long foldedJoins = model.folded().all().joined();
        if (foldedJoins > 0) out.accept("  … " + SummaryFacts.plural(foldedJoins, "join") + " of folded threads, counted in futex.joins, not listed");
    }

    /**
     * The waits no wake released: still pending when the trace ended (the thread killed, torn down
     * or detached in it, or interrupted by the signal that ended the trace), as BLOCKED lists them.
     */
    private List<HangAnalysis.Blocked> stillWaiting() {
        return model.hang().blocked().stream().filter(b -> b.call() != null && b.call().isFutexWait()).toList();
    }

    private void stillWaiting(List<HangAnalysis.Blocked> waiting) {
        if (waiting.isEmpty()) return;
        out.accept("still waiting at the end (no wake released them; see BLOCKED):");
        list(waiting, 8, "waits", b -> "  " + label(b.thread()) + " on " + words(b.call().futexWords()) + " since "
                + (b.call().beganBeforeAttach() ? "before the attach, for at least " : Units.at(b.call().sinceNs()) + ", for ")
                + Units.duration(b.call().forNs()));
    }

    /** Where a requeued waiter had waited: {@code  (requeued there from 0x… by 12 main @1.2ms)}; empty when it was not. */
    private String requeued(FutexAnalysis.Requeued r) {
        return r == null ? "" : " (requeued there from 0x" + Long.toHexString(r.from()) + " by " + label(r.by()) + " " + Units.at(r.ns()) + ")";
    }

    private static String words(long[] words) {
        List<String> hex = new ArrayList<>();
        for (long w : words) hex.add("0x" + Long.toHexString(w));
        return String.join(", ", hex);
    }

    private static String tids(Set<Integer> tids) {
        if (tids.isEmpty()) return "-";
        List<String> s = tids.stream().limit(6).map(String::valueOf).toList();
        return String.join(",", s) + (tids.size() > 6 ? ",…" : "");
    }

}
