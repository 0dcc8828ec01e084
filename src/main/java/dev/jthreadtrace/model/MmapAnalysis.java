package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Per-thread mapping totals, the largest mappings, and each thread's stack matched to its mapping. */
public final class MmapAnalysis {
    /** {@code thread} runs on {@code mapping}, which {@code mapping.tid()} mapped. */
    public record StackLink(int thread, long stackLow, long stackSize, Mapping mapping) {}

    private final List<Mapping> largest;
    private final List<StackLink> stacks;

    private MmapAnalysis(List<Mapping> largest, List<StackLink> stacks) {
        this.largest = largest;
        this.stacks = stacks;
    }

    public List<Mapping> largest() {
        return largest;
    }

    public List<StackLink> stacks() {
        return stacks;
    }

    public static MmapAnalysis of(TraceModel model, int largestCount) {
        List<Mapping> sorted = new ArrayList<>(model.mappings());
        sorted.sort(Comparator.comparingLong(Mapping::length).reversed());
        List<Mapping> largest = List.copyOf(sorted.subList(0, Math.min(largestCount, sorted.size())));
        List<StackLink> stacks = new ArrayList<>();
        for (ThreadInfo t : model.threads()) {
            if (t.stackLow == 0) continue;
            // clone3 passes the lowest address; clone passes the top, one past the last byte.
            long probe = t.stackSize > 0 ? t.stackLow : t.stackLow - 1;
            Mapping found = null;
            for (int i = model.mappings().size() - 1; i >= 0; i--) {
                Mapping m = model.mappings().get(i);
                if (m.tgid() == t.tgid && m.ns() <= t.start && m.contains(probe)) {
                    found = m;
                    break;
                }
            }
            if (found != null) stacks.add(new StackLink(t.tid, t.stackLow, t.stackSize, found));
        }
        return new MmapAnalysis(largest, stacks);
    }
}
