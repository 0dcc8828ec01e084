package dev.jthreadtrace.model;

/** A successful mmap (or mremap's new range), kept for the mmap analysis. */
public record Mapping(int tid, int tgid, long ns, long address, long length, String prot, String flags, String path) {
    public boolean contains(long pointer) {
        return pointer >= address && pointer < address + length;
    }
}
