package dev.jthreadtrace.ptrace;

/**
 * Offsets in {@code struct user_regs_struct} ({@code <sys/user.h>}, x86-64), the block that
 * PTRACE_GETREGS and PTRACE_SETREGS copy, and the requests themselves.
 */
final class UserRegs {
    static final int PTRACE_POKEDATA = 5, PTRACE_GETREGS = 12, PTRACE_SETREGS = 13;
    static final long R10 = 56, R9 = 64, R8 = 72, RAX = 80, RDX = 96, RSI = 104, RDI = 112, ORIG_RAX = 120,
            RIP = 128, RSP = 152, SIZE = 27 * 8;
    /** The argument registers of a syscall, in order. */
    static final long[] SYSCALL_ARGS = {RDI, RSI, RDX, R10, R8, R9};

    private UserRegs() {}
}
