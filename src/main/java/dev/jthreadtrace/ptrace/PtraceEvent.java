package dev.jthreadtrace.ptrace;

/** The {@code PTRACE_EVENT_*} codes found in bits 16..23 of a wait status ({@code <linux/ptrace.h>}). */
public enum PtraceEvent {
    FORK(1), VFORK(2), CLONE(3), EXEC(4), VFORK_DONE(5), EXIT(6), SECCOMP(7), STOP(128);

    /** By code (0..255): one array lookup per event stop, where values() would copy its array every time. */
    private static final PtraceEvent[] BY_CODE = new PtraceEvent[256];

    static {
        for (PtraceEvent e : values()) BY_CODE[e.code] = e;
    }

    private final int code;

    PtraceEvent(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The event for a code, or null when the code is not one the kernel defines. */
    public static PtraceEvent of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
