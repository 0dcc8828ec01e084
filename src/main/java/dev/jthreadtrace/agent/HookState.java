package dev.jthreadtrace.agent;

/** What the hooks keep per thread, in a plain ThreadLocal (never inherited, so never in our own records). */
final class HookState {
    /** Inside a hook on this thread: whatever the hook itself does must not record again. */
    boolean inside;
    /** The OS tid of a platform thread, read once. */
    String osTid;
    /** Virtual-thread mounts on this carrier; written by it, read by whichever thread flushes. */
    long mounts;
    /** The count last written, and the carrier's tid (known after its first mount). */
    long mountsWritten;
    String carrierTid;
    /** A virtual thread's construction record held until its start() ({@link RecordWriter#hold}): the thread, the line, its stack field. */
    Thread heldThread;
    StringBuilder held;
    String heldStack;
}
