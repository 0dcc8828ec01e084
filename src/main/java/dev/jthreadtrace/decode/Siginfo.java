package dev.jthreadtrace.decode;

import dev.jthreadtrace.sys.Errno;

import java.nio.ByteBuffer;

/**
 * {@code siginfo_t} as strace prints it ({@code {si_signo=SIGINT, si_code=SI_USER, si_pid=42,
 * si_uid=0}}): on signal-delivery lines (read with PTRACE_GETSIGINFO at the stop), and in
 * waitid, rt_sigtimedwait and rt_sigqueueinfo. The fields shown depend on the code and the signal,
 * as in strace's printsiginfo.c. x86-64 layout: signo, errno, code, then the union at 16.
 */
public final class Siginfo {
    /** {@code sizeof(siginfo_t)}. */
    public static final int SIZE = 128;
    private static final int SI_USER = 0, SI_QUEUE = -1, SI_TIMER = -2, SI_SIGIO = -5, SI_TKILL = -6, SI_NOINFO = 32767;
    private static final int SIGCHLD = 17, SIGILL = 4, SIGFPE = 8, SIGBUS = 7, SIGSEGV = 11, SIGTRAP = 5, SIGIO = 29, SIGSYS = 31;
    private static final int CLD_EXITED = 1;
    /** {@code <linux/audit.h>}: EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final ValueTable CODES = ValueTable.of(0, "SI_USER", 0x80, "SI_KERNEL", -1, "SI_QUEUE", -2, "SI_TIMER", -3, "SI_MESGQ",
            -4, "SI_ASYNCIO", -5, "SI_SIGIO", -6, "SI_TKILL", -7, "SI_DETHREAD", -60, "SI_ASYNCNL", 32767, "SI_NOINFO");
    static final ValueTable CHLD = ValueTable.of(1, "CLD_EXITED", 2, "CLD_KILLED", 3, "CLD_DUMPED", 4, "CLD_TRAPPED",
            5, "CLD_STOPPED", 6, "CLD_CONTINUED");
    static final ValueTable SEGV = ValueTable.of(1, "SEGV_MAPERR", 2, "SEGV_ACCERR", 3, "SEGV_BNDERR", 4, "SEGV_PKUERR",
            5, "SEGV_ACCADI", 6, "SEGV_ADIDERR", 7, "SEGV_ADIPERR", 8, "SEGV_MTEAERR", 9, "SEGV_MTESERR");
    static final ValueTable BUS = ValueTable.of(1, "BUS_ADRALN", 2, "BUS_ADRERR", 3, "BUS_OBJERR", 4, "BUS_MCEERR_AR", 5, "BUS_MCEERR_AO");
    static final ValueTable ILL = ValueTable.of(1, "ILL_ILLOPC", 2, "ILL_ILLOPN", 3, "ILL_ILLADR", 4, "ILL_ILLTRP", 5, "ILL_PRVOPC",
            6, "ILL_PRVREG", 7, "ILL_COPROC", 8, "ILL_BADSTK");
    static final ValueTable FPE = ValueTable.of(1, "FPE_INTDIV", 2, "FPE_INTOVF", 3, "FPE_FLTDIV", 4, "FPE_FLTOVF", 5, "FPE_FLTUND",
            6, "FPE_FLTRES", 7, "FPE_FLTINV", 8, "FPE_FLTSUB", 14, "FPE_FLTUNK", 15, "FPE_CONDTRAP");
    static final ValueTable TRAP = ValueTable.of(1, "TRAP_BRKPT", 2, "TRAP_TRACE", 3, "TRAP_BRANCH", 4, "TRAP_HWBKPT", 5, "TRAP_UNK",
            6, "TRAP_PERF");
    static final ValueTable POLL = ValueTable.of(1, "POLL_IN", 2, "POLL_OUT", 3, "POLL_MSG", 4, "POLL_ERR", 5, "POLL_PRI", 6, "POLL_HUP");
    static final ValueTable SYS = ValueTable.of(1, "SYS_SECCOMP", 2, "SYS_USER_DISPATCH");

    private Siginfo() {}

    /** A captured siginfo argument: the struct, NULL, or the pointer when unread. */
    public static String render(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        return bytes == null || bytes.length < SIZE ? Args.pointer(pointer) : render(bytes);
    }

    /** Its {@code si_code}, or {@link Integer#MIN_VALUE} when the struct could not be read. */
    public static int code(byte[] bytes) {
        return bytes == null || bytes.length < 12 ? Integer.MIN_VALUE : Args.le(bytes).getInt(8);
    }

    /** The struct in {@code bytes} (at least 48 bytes of it). */
    public static String render(byte[] bytes) {
        ByteBuffer b = Args.le(bytes);
        int signo = b.getInt(0), errno = b.getInt(4), code = b.getInt(8);
        if (signo == 0) return "{}";
        StringBuilder out = new StringBuilder("{si_signo=").append(Signals.name(signo)).append(", si_code=").append(code(signo, code));
        if (code != SI_NOINFO) details(out, b, signo, errno, code);
        return out.append('}').toString();
    }

    private static String code(int signo, int code) {
        String name = CODES.nameOrNull(code);
        if (name == null) {
            ValueTable bySignal = switch (signo) {
                case SIGCHLD -> CHLD;
                case SIGSEGV -> SEGV;
                case SIGBUS -> BUS;
                case SIGILL -> ILL;
                case SIGFPE -> FPE;
                case SIGTRAP -> TRAP;
                case SIGIO -> POLL;
                case SIGSYS -> SYS;
                default -> null;
            };
            if (bySignal != null) name = bySignal.nameOrNull(code);
        }
        return name != null ? name : Integer.toString(code);
    }

    private static void details(StringBuilder out, ByteBuffer b, int signo, int errno, int code) {
        if (errno != 0) out.append(", si_errno=").append(Errno.name(errno));
        if (code <= 0) {
            switch (code) {
                case SI_USER, SI_TKILL -> source(out, b);
                case SI_TIMER -> {
                    out.append(", si_timerid=").append(Args.hex(b.getInt(16) & 0xffffffffL)).append(", si_overrun=").append(b.getInt(20));
                    value(out, b);
                }
                case SI_SIGIO -> out.append(", si_band=").append(b.getLong(16)).append(", si_fd=").append(b.getInt(24));
                default -> {
                    source(out, b);
                    if (b.getLong(24) != 0) value(out, b);
                }
            }
            return;
        }
        switch (signo) {
            case SIGCHLD -> {
                source(out, b);
                int status = b.getInt(24);
                out.append(", si_status=").append(code == CLD_EXITED ? Integer.toString(status) : Signals.name(status))
                        .append(", si_utime=").append(b.getLong(32)).append(", si_stime=").append(b.getLong(40));
            }
            case SIGILL, SIGFPE, SIGBUS, SIGSEGV, SIGTRAP -> out.append(", si_addr=").append(Args.pointer(b.getLong(16)));
            case SIGIO -> {
                if (code >= 1 && code <= 6) out.append(", si_band=").append(b.getLong(16)).append(", si_fd=").append(b.getInt(24));
            }
            case SIGSYS -> out.append(", si_call_addr=").append(Args.pointer(b.getLong(16))).append(", si_syscall=")
                    .append(syscallName(b.getInt(24), b.getInt(28))).append(", si_arch=").append(arch(b.getInt(28)));
            default -> {
                if (b.getInt(16) != 0 || b.getInt(20) != 0) source(out, b);
                if (b.getLong(24) != 0) value(out, b);
            }
        }
    }

    private static void source(StringBuilder out, ByteBuffer b) {
        int uid = b.getInt(20);
        out.append(", si_pid=").append(b.getInt(16)).append(", si_uid=").append(uid == -1 ? "-1" : Integer.toUnsignedString(uid));
    }

    private static void value(StringBuilder out, ByteBuffer b) {
        out.append(", si_int=").append(b.getInt(24)).append(", si_ptr=").append(Args.pointer(b.getLong(24)));
    }

    private static String syscallName(int nr, int arch) {
        return arch == AUDIT_ARCH_X86_64 ? "__NR_" + SyscallTable.name(nr) : Integer.toString(nr);
    }

    private static String arch(int arch) {
        return arch == AUDIT_ARCH_X86_64 ? "AUDIT_ARCH_X86_64" : Args.hex(arch & 0xffffffffL);
    }
}
