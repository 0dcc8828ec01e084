package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ProcStatus;

/** Our own effective capabilities, read once at start (not from the ptrace loop). */
final class Capabilities {
    private static final int CAP_SYS_ADMIN = 21;

    private Capabilities() {}

    /** Whether seccomp(SECCOMP_SET_MODE_FILTER) works without no_new_privs for our children. */
    static boolean hasSysAdmin() {
        // Unknown (unreadable): assume not, and set no_new_privs, which always allows the filter.
        return (ProcStatus.self().hex("CapEff", 0) & (1L << CAP_SYS_ADMIN)) != 0;
    }
}
