package dev.jthreadtrace.decode;

/**
 * Reads, at a syscall stop, memory a decoder reaches through pointers, and returns it as
 * {@link Chunks} for the renderer. Runs on the ptrace thread: it copies, it never formats.
 */
@FunctionalInterface
public interface Gatherer {
    /**
     * @param ret the raw return value at exit ({@code -errno} on failure), 0 at entry
     * @return the chunks, or null when there is nothing to keep
     */
    byte[] gather(MemoryReader memory, long[] args, long ret);
}
