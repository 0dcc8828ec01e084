package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        List<Mapping> all = model.mmap().mappings();
        List<Mapping> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(Mapping::length).reversed());
        List<Mapping> largest = List.copyOf(sorted.subList(0, Math.min(largestCount, sorted.size())));
        // Per process, mappings by start address: a stack is found by a floor lookup, not a scan.
        Map<Integer, TreeMap<Long, List<Mapping>>> byAddress = new HashMap<>();
        for (Mapping m : all) {
            byAddress.computeIfAbsent(m.tgid(), k -> new TreeMap<>()).computeIfAbsent(m.address(), k -> new ArrayList<>()).add(m);
        }
        List<StackLink> stacks = new ArrayList<>();
        for (ThreadInfo t : model.threads()) {
            if (t.stackLow() == 0) continue;
            // clone3 passes the lowest address; clone passes the top, one past the last byte.
            long probe = t.stackSize() > 0 ? t.stackLow() : t.stackLow() - 1;
            TreeMap<Long, List<Mapping>> index = byAddress.get(t.tgid());
            Mapping found = null;
            int looked = 0;
            for (var e = index == null ? null : index.floorEntry(probe); e != null && looked++ < 16;
                 e = index.lowerEntry(e.getKey())) {
                for (Mapping m : e.getValue()) {
                    if (m.ns() > t.start() || !m.contains(probe)) continue;
                    // Prefer the mapping that holds the whole stack: a JVM maps guard pages with
                    // MAP_FIXED inside a thread's stack, and those are not "the stack".
                    boolean whole = t.stackSize() > 0 && m.contains(t.stackLow() + t.stackSize() - 1);
                    boolean foundWhole = found != null && t.stackSize() > 0 && found.contains(t.stackLow() + t.stackSize() - 1);
                    if (found == null || (whole && !foundWhole) || (whole == foundWhole && m.ns() > found.ns())) found = m;
                }
            }
            if (found != null) stacks.add(new StackLink(t.tid(), t.stackLow(), t.stackSize(), found));
        }
        return new MmapAnalysis(largest, stacks);
    }
}
