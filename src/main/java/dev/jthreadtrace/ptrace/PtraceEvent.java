package dev.jthreadtrace.ptrace;

/** The {@code PTRACE_EVENT_*} codes found in bits 16..23 of a wait status ({@code <linux/ptrace.h>}). */
public enum PtraceEvent {
    FORK(1), VFORK(2), CLONE(3), EXEC(4), VFORK_DONE(5), EXIT(6), SECCOMP(7), STOP(128);

    private final int code;

    PtraceEvent(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The event for a code, or null when the code is not one the kernel defines. */
    public static PtraceEvent of(int code) {
        for (PtraceEvent e : values()) if (e.code == code) return e;
        return null;
    }
}
