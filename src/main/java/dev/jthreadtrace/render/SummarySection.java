package dev.jthreadtrace.render;

import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

/**
 * The report's first screen: the answers most readers come for, each pointing at the section that
 * has the detail — how many threads and processes, the peak, how many the kernel re-parented,
 * the longest waits, and what is unusual (killed, still running, outlived main, started with
 * settings a creator changed after its own start).
 */
final class SummarySection extends SectionRenderer {
    SummarySection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        SummaryFacts f = SummaryFacts.of(model);
        out.accept("");
        out.accept(palette.heading("SUMMARY"));
        out.accept("  " + Units.duration(f.endNs()) + (f.root() == null ? "" : " of " + label(f.root()) + ", " + f.ending()));
        out.accept("  " + plural(f.tasks(), "task") + ": " + plural(f.processes(), "process") + ", " + plural(f.threads(), "thread")
                + " (peak " + f.peak() + " alive at once)" + (f.virtual() == 0 ? "" : "; " + plural(f.virtual(), "virtual thread")));
        if (f.reparented() > 0) {
            out.accept("  " + f.reparented() + " re-parented by the kernel: " + f.reparentedWhy() + " (THREADS BY CREATOR beside KERNEL TREE)");
        }
        if (!f.waits().isEmpty()) {
            out.accept("  longest blocked in futex: " + String.join(", ", f.waits().stream()
                    .map(w -> (w.thread() != null ? label(w.thread()) : w.tid() + " " + Escape.text(w.name())) + " "
                            + Units.duration(w.blockedNs())).toList()) + " (FUTEX)");
        }
        if (f.folded() > 0) {
            out.accept("  " + plural(f.folded(), "ended task") + " folded past --keep-ended " + model.folded().keepEnded()
                    + ": counted above, shown as groups of one creator and name, their own records let go");
        }
        out.accept("  " + (f.unusual().isEmpty() ? "nothing unusual: every task ended, none was killed, none outlived main"
                : "unusual: " + String.join("; ", f.unusual())));
        for (String note : ReportNotes.of(model)) out.accept("  note: " + note);
    }

    private static String plural(long n, String what) {
        return SummaryFacts.plural(n, what);
    }
}
