package dev.jthreadtrace.model;

import java.util.List;

/** The largest mappings, and each thread's stack matched to its mapping: read from the {@link MmapLog}. */
public final class MmapAnalysis {
    private final List<Mapping> largest;
    private final List<MmapLog.StackLink> stacks;

    private MmapAnalysis(List<Mapping> largest, List<MmapLog.StackLink> stacks) {
        this.largest = largest;
        this.stacks = stacks;
    }

    public List<Mapping> largest() {
        return largest;
    }

    public List<MmapLog.StackLink> stacks() {
        return stacks;
    }

    public static MmapAnalysis of(TraceModel model, int largestCount) {
        return new MmapAnalysis(model.mmap().largest(Math.min(largestCount, MmapLog.LARGEST)), model.mmap().stacks(model.threads()));
    }
}
