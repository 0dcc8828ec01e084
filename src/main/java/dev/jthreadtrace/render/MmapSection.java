package dev.jthreadtrace.render;


import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.Mapping;
import dev.jthreadtrace.model.MmapAnalysis;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Units;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Mapping figures per thread, the largest mappings, and thread stacks matched to their mappings. */
final class MmapSection extends SectionRenderer {
    MmapSection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        mmap();
    }

    private void mmap() {
        MmapAnalysis analysis = MmapAnalysis.of(model, 5);
        out.accept("");
        out.accept(palette.heading(Units.pad("MMAP", ReportContext.LABEL_WIDTH) + "   mmaps      mapped  munmaps    unmapped"));
        List<ThreadInfo> mapping = new ArrayList<>(model.threads().stream().filter(t -> model.mmap().of(t).mmapCalls() + model.mmap().of(t).munmapCalls() > 0).toList());
        mapping.sort(Comparator.comparingLong((ThreadInfo t) -> model.mmap().of(t).mmapBytes()).reversed());
        if (mapping.isEmpty()) out.accept("  (no mmap calls traced)");
        list(mapping, 30, "threads", t -> Units.pad(Units.cut(label(t), ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH)
                + Units.padLeft(Long.toString(model.mmap().of(t).mmapCalls()), 8)
                + Units.padLeft(Units.bytes(model.mmap().of(t).mmapBytes()), 12) + Units.padLeft(Long.toString(model.mmap().of(t).munmapCalls()), 9)
                + Units.padLeft(Units.bytes(model.mmap().of(t).munmapBytes()), 12));
        // Folded tasks: a row per group, its sums (munmap calls are not kept per group: "-"), most mapped first.
        List<FoldedGroup> folded = new ArrayList<>(model.folded().groups().stream()
                .filter(g -> g.figures().mmapCalls() + g.figures().munmapBytes() > 0).toList());
        folded.sort(Comparator.comparingLong((FoldedGroup g) -> g.figures().mmapBytes()).reversed());
        for (FoldedGroup g : folded.subList(0, Math.min(folded.size(), 30))) {
            out.accept("  ⋯ " + FoldedRows.row(g));
            out.accept(Units.pad("", ReportContext.LABEL_WIDTH) + Units.padLeft(Long.toString(g.figures().mmapCalls()), 8)
                + Units.padLeft(Units.bytes(g.figures().mmapBytes()), 12) + Units.padLeft("-", 9) + Units.padLeft(Units.bytes(g.figures().munmapBytes()), 12));
        }
        if (folded.size() > 30) out.accept("  … " + (folded.size() - 30) + " more folded groups");
        if (!analysis.largest().isEmpty()) {
            out.accept("largest mappings:");
            for (Mapping m : analysis.largest()) {
                out.accept("  " + Units.padLeft(Units.bytes(m.length()), 10) + "  0x" + Long.toHexString(m.address()) + "  "
                        + m.prot() + " " + m.flags() + (m.path() != null ? " " + Escape.text(m.path()) : "") + "  by " + label(m.tid(), m.ns())
                        + " " + Units.at(m.ns()));
            }
        }
        if (!analysis.stacks().isEmpty()) {
            out.accept("thread stacks (the clone stack argument, matched to the mapping that holds it):");
            list(analysis.stacks(), 30, "thread stacks", s -> "  " + Units.pad(Units.cut(label(s.thread(), s.born()), 22), 23) + "stack in 0x"
                    + Long.toHexString(s.mapping().address()) + " (" + Units.bytes(s.mapping().length()) + ") mapped by "
                    + label(s.mapping().tid(), s.mapping().ns()) + " " + Units.at(s.mapping().ns()));
        }
        if (model.folded().any()) out.accept("  (the stacks of " + SummaryFacts.plural(model.folded().all().tasks(), "folded task") + " are not listed)");
    }
}
