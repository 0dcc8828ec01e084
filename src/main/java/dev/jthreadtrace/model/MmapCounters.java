package dev.jthreadtrace.model;

/** One thread's mapping figures: mmap/mremap calls and bytes, munmap calls and bytes. */
public final class MmapCounters {
    static final MmapCounters NONE = new MmapCounters();

    private long mmapCalls, mmapBytes, munmapCalls, munmapBytes;

    /** {@code bytes} is a size_t: one above {@link Long#MAX_VALUE} (a saved trace's, a kernel's refusal aside) counts as that. */
    void mapped(long bytes) {
        mmapCalls++;
        mmapBytes = Sums.add(mmapBytes, bytes < 0 ? Long.MAX_VALUE : bytes);
    }

    void unmapped(long bytes) {
        munmapCalls++;
        munmapBytes = Sums.add(munmapBytes, bytes < 0 ? Long.MAX_VALUE : bytes);
    }

    public long mmapCalls() {
        return mmapCalls;
    }

    public long mmapBytes() {
        return mmapBytes;
    }

    public long munmapCalls() {
        return munmapCalls;
    }

    public long munmapBytes() {
        return munmapBytes;
    }
}
