package dev.jthreadtrace.model;

/** One thread's mapping figures: mmap/mremap calls and bytes, munmap calls and bytes. */
public final class MmapCounters {
    static final MmapCounters NONE = new MmapCounters();

    private long mmapCalls, mmapBytes, munmapCalls, munmapBytes;

    void mapped(long bytes) {
        mmapCalls++;
        mmapBytes += bytes;
    }

    void unmapped(long bytes) {
        munmapCalls++;
        munmapBytes += bytes;
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
