package dev.jthreadtrace.render;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.JavaView;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.List;

/**
 * The distinct Java creation stacks with how many threads each made, most first: one site that
 * made thousands of threads is where a thread leak is. Printed only when the JVM view has stacks.
 */
final class SitesSection extends SectionRenderer {
    private static final int SITES_SHOWN = 20;

    SitesSection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        List<JavaView.CreationSite> sites = model.javaView().creationSites();
        long folded = model.folded().all().jvmTasks();
        if (sites.isEmpty() && folded == 0) return;
        out.accept("");
        out.accept(palette.heading("CREATION SITES (Java threads by the stack that created them; --java-stack sets the depth)"));
        for (JavaView.CreationSite site : sites.subList(0, Math.min(SITES_SHOWN, sites.size()))) {
            String count = site.threads() + " thread" + (site.threads() == 1 ? "" : "s")
                    + (site.virtualThreads() > 0 ? " (" + site.virtualThreads() + " virtual)" : "");
            String names = site.names().isEmpty() ? "" : "  " + String.join(", ", site.names().stream().map(Escape::text).toList())
                    + (site.threads() > site.names().size() ? ", ..." : "");
            List<JavaRecord.Frame> stack = site.stack();
            out.accept(Units.padLeft(count, 22) + "  " + Escape.text(stack.getFirst().toString()) + names);
            for (JavaRecord.Frame f : stack.subList(1, stack.size())) out.accept(" ".repeat(24) + "<- " + Escape.text(f.toString()));
        }
        if (sites.size() > SITES_SHOWN) out.accept("  ... " + (sites.size() - SITES_SHOWN) + " more sites (--format jsonl has every stack)");
        // Their start records came with the agents' at the end, after their tasks folded: no site to count them under.
        if (folded > 0) out.accept("  (" + SummaryFacts.plural(folded, "thread") + " of JVMs folded past --keep-ended " + model.folded().keepEnded()
                + ": not counted under any site)");
    }
}
