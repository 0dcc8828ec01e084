package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;

/**
 * A calling thread's own buffers for {@link Libc}'s calls: errno's capture (so errno of one thread
 * never leaks into another's) and the word PTRACE_PEEKDATA's raw form stores at {@code data}.
 */
final class CallBuffers {
    private static final ThreadLocal<CallBuffers> MINE = ThreadLocal.withInitial(CallBuffers::new);
    /**
     * The buffers of the thread that called last. The ptrace thread makes nearly every call, two
     * to four per stop, and ThreadLocal.get cost each a hash probe and, in C1's code (the tool's
     * JVM runs no C2), a native call into the JVM (Reference.refersTo0, which only C2 inlines):
     * 106 of the ptrace thread's 1 975 samples in compiled code and the JVM on c-pingchurn
     * (perf), none now.
     * Checked against the current thread (an intrinsic), so another thread never takes them.
     */
    private static volatile CallBuffers last;

    final Thread owner = Thread.currentThread();
    final MemorySegment state;
    final MemorySegment word;

    private CallBuffers() {
        Arena arena = Arena.ofAuto();
        state = arena.allocate(Linker.Option.captureStateLayout());
        word = arena.allocate(8, 8);
    }

    static CallBuffers current() {
        CallBuffers mine = last;
        if (mine != null && mine.owner == Thread.currentThread()) return mine;
        mine = MINE.get();
        last = mine;
        return mine;
    }
}
