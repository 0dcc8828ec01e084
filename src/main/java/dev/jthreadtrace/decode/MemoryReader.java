package dev.jthreadtrace.decode;

/**
 * The stopped task's memory and descriptors, as a {@link Gatherer} sees them: the tracer
 * implements it ({@code process_vm_readv}, {@code PTRACE_PEEKDATA}); tests use byte arrays.
 */
public interface MemoryReader {
    /** Exactly {@code length} bytes at {@code address}, or null when any of them is unreadable. */
    byte[] read(long address, int length);

    /** The path of the task's descriptor {@code fd} when {@code -y} shows paths; otherwise, or when it is gone, null. */
    String fdPath(int fd);

    /** How many bytes of a data buffer a line shows, plus one ({@code -s} + 1): what is worth copying. */
    int bufferLimit();

    /** The task's stack pointer at this stop (rt_sigreturn's signal frame is found from it). */
    long stackPointer();
}
