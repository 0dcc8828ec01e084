package dev.jthreadtrace.decode;

import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * A traced program's own {@code ptrace} calls, decoded as strace's {@code SYS_FUNC(ptrace)}
 * (src/process.c) prints them: the request's name, the pid, then {@code addr} and {@code data}
 * as each request reads them ({@code PTRACE_SEIZE}'s and {@code PTRACE_SETOPTIONS}' options as
 * {@code PTRACE_O_} flags, a resuming request's signal, the word a {@code PTRACE_PEEK*} stored,
 * a siginfo, a signal set, a register set's iovec). Under jthreadtrace every traced task already
 * has its tracer, so its {@code PTRACE_TRACEME}, and its {@code PTRACE_ATTACH} or
 * {@code PTRACE_SEIZE} of another traced task, fail with EPERM ({@link #mayBeRefusedAsTraced}).
 *
 * <p>Left as the pointer strace would decode further: a {@code PTRACE_PEEKUSER} offset (strace
 * names the {@code struct user} member), {@code PTRACE_PEEKSIGINFO}'s arguments and siginfo array,
 * and the seccomp-filter, seccomp-metadata and syscall-info structures.
 */
public final class PtraceCalls {
    static final int PTRACE_TRACEME = 0, PTRACE_PEEKTEXT = 1, PTRACE_PEEKDATA = 2, PTRACE_PEEKUSER = 3, PTRACE_CONT = 7,
            PTRACE_KILL = 8, PTRACE_SINGLESTEP = 9, PTRACE_ATTACH = 0x10, PTRACE_DETACH = 0x11, PTRACE_OLDSETOPTIONS = 0x15,
            PTRACE_SYSCALL = 0x18, PTRACE_SYSEMU = 0x1f, PTRACE_SYSEMU_SINGLESTEP = 0x20, PTRACE_SINGLEBLOCK = 0x21,
            PTRACE_SETOPTIONS = 0x4200, PTRACE_GETEVENTMSG = 0x4201, PTRACE_GETSIGINFO = 0x4202, PTRACE_SETSIGINFO = 0x4203,
            PTRACE_GETREGSET = 0x4204, PTRACE_SETREGSET = 0x4205, PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207,
            PTRACE_LISTEN = 0x4208, PTRACE_GETSIGMASK = 0x420a, PTRACE_SETSIGMASK = 0x420b, PTRACE_SECCOMP_GET_FILTER = 0x420c,
            PTRACE_SECCOMP_GET_METADATA = 0x420d, PTRACE_GET_SYSCALL_INFO = 0x420e;

    /** strace's {@code ptrace_cmds} for x86-64. */
    static final ValueTable REQUESTS = ValueTable.of(0, "PTRACE_TRACEME", 1, "PTRACE_PEEKTEXT", 2, "PTRACE_PEEKDATA",
            3, "PTRACE_PEEKUSER", 4, "PTRACE_POKETEXT", 5, "PTRACE_POKEDATA", 6, "PTRACE_POKEUSER", 7, "PTRACE_CONT",
            8, "PTRACE_KILL", 9, "PTRACE_SINGLESTEP", 0xc, "PTRACE_GETREGS", 0xd, "PTRACE_SETREGS", 0xe, "PTRACE_GETFPREGS",
            0xf, "PTRACE_SETFPREGS", 0x10, "PTRACE_ATTACH", 0x11, "PTRACE_DETACH", 0x12, "PTRACE_GETFPXREGS",
            0x13, "PTRACE_SETFPXREGS", 0x15, "PTRACE_OLDSETOPTIONS", 0x18, "PTRACE_SYSCALL", 0x19, "PTRACE_GET_THREAD_AREA",
            0x1a, "PTRACE_SET_THREAD_AREA", 0x1e, "PTRACE_ARCH_PRCTL", 0x1f, "PTRACE_SYSEMU", 0x20, "PTRACE_SYSEMU_SINGLESTEP",
            0x21, "PTRACE_SINGLEBLOCK", 0x4200, "PTRACE_SETOPTIONS", 0x4201, "PTRACE_GETEVENTMSG", 0x4202, "PTRACE_GETSIGINFO",
            0x4203, "PTRACE_SETSIGINFO", 0x4204, "PTRACE_GETREGSET", 0x4205, "PTRACE_SETREGSET", 0x4206, "PTRACE_SEIZE",
            0x4207, "PTRACE_INTERRUPT", 0x4208, "PTRACE_LISTEN", 0x4209, "PTRACE_PEEKSIGINFO", 0x420a, "PTRACE_GETSIGMASK",
            0x420b, "PTRACE_SETSIGMASK", 0x420c, "PTRACE_SECCOMP_GET_FILTER", 0x420d, "PTRACE_SECCOMP_GET_METADATA",
            0x420e, "PTRACE_GET_SYSCALL_INFO", 0x420f, "PTRACE_GET_RSEQ_CONFIGURATION",
            0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG", 0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG");
    /** strace's {@code ptrace_setoptions_flags}. */
    static final FlagTable OPTIONS = FlagTable.of(1, "PTRACE_O_TRACESYSGOOD", 2, "PTRACE_O_TRACEFORK", 4, "PTRACE_O_TRACEVFORK",
            8, "PTRACE_O_TRACECLONE", 0x10, "PTRACE_O_TRACEEXEC", 0x20, "PTRACE_O_TRACEVFORKDONE", 0x40, "PTRACE_O_TRACEEXIT",
            0x80, "PTRACE_O_TRACESECCOMP", 0x100000, "PTRACE_O_EXITKILL", 0x200000, "PTRACE_O_SUSPEND_SECCOMP");
    /** The register sets of x86-64 (strace's {@code nt_descriptor_types}, the ones this architecture has). */
    static final ValueTable REGSETS = ValueTable.of(1, "NT_PRSTATUS", 2, "NT_FPREGSET", 3, "NT_PRPSINFO", 4, "NT_PRXREG",
            5, "NT_PLATFORM", 6, "NT_AUXV", 0x200, "NT_386_TLS", 0x201, "NT_386_IOPERM", 0x202, "NT_X86_XSTATE",
            0x204, "NT_X86_SHSTK", 0x46494c45L, "NT_FILE", 0x46e62b7fL, "NT_PRXFPREG", 0x53494749L, "NT_SIGINFO");
    private static final int WORD = 8, IOVEC = 16, NT_PRSTATUS = 1;
    /** {@code struct user_regs_struct} of x86-64, in order: what NT_PRSTATUS holds (216 bytes). */
    private static final List<String> REGISTERS = List.of("r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es",
            "fs", "gs");
    private static final int USER_REGS_SIZE = 27 * WORD;

    private PtraceCalls() {}

    /**
     * The requests the kernel refuses with EPERM when the task they would trace has a tracer
     * already: {@code PTRACE_TRACEME} (the caller, kernel/ptrace.c {@code ptrace_traceme}) and
     * {@code PTRACE_ATTACH}/{@code PTRACE_SEIZE} (the pid, {@code ptrace_attach}).
     */
    public static boolean mayBeRefusedAsTraced(long request) {
        return request == PTRACE_TRACEME || request == PTRACE_ATTACH || request == PTRACE_SEIZE;
    }

    /** {@code PTRACE_SEIZE}, or the number as strace shows an unknown request. */
    public static String requestName(long request) {
        return REQUESTS.render(request, "PTRACE_");
    }

    /** {@code PTRACE_ATTACH} or {@code PTRACE_SEIZE}: the request names another task (its pid), not the caller. */
    public static boolean namesAnotherTask(long request) {
        return request == PTRACE_ATTACH || request == PTRACE_SEIZE;
    }

    /** The memory a request's {@code data} points at: at entry what the kernel reads, at exit what it wrote. */
    static List<Capture> captures(long[] a) {
        return switch (request(a[0])) {
            case PTRACE_PEEKTEXT, PTRACE_PEEKDATA, PTRACE_PEEKUSER, PTRACE_GETEVENTMSG -> List.of(new Capture.Bytes(3, WORD, AT_EXIT));
            case PTRACE_GETSIGINFO -> List.of(new Capture.Bytes(3, Siginfo.SIZE, AT_EXIT));
            case PTRACE_SETSIGINFO -> List.of(new Capture.Bytes(3, Siginfo.SIZE, AT_ENTRY));
            case PTRACE_GETSIGMASK -> List.of(new Capture.Bytes(3, Signals.SIGSET_SIZE, AT_EXIT));
            case PTRACE_SETSIGMASK -> List.of(new Capture.Bytes(3, Signals.SIGSET_SIZE, AT_ENTRY));
            case PTRACE_GETREGSET -> List.of(new Capture.Gather(3, AT_EXIT, PtraceCalls::gatherRegset));
            case PTRACE_SETREGSET -> List.of(new Capture.Gather(3, AT_ENTRY, PtraceCalls::gatherRegset));
            default -> List.of();
        };
    }

    /** {@code PTRACE_TRACEME}; {@code PTRACE_ATTACH, 1234}; {@code PTRACE_SEIZE, 1234, NULL, PTRACE_O_TRACESYSGOOD}. */
    static String render(long[] a, Captures c, int stringMax) {
        long request = a[0];
        String name = requestName(request);
        if (request == PTRACE_TRACEME) return name; // pid, addr and data are ignored
        StringBuilder out = new StringBuilder(name).append(", ").append(Args.intArg(a[1]));
        if (request == PTRACE_ATTACH || request == PTRACE_INTERRUPT || request == PTRACE_KILL || request == PTRACE_LISTEN) {
            return out.toString(); // addr and data are ignored
        }
        out.append(", ").append(switch (request(request)) {
            case PTRACE_GETREGSET, PTRACE_SETREGSET -> REGSETS.render(a[2] & 0xffffffffL, "NT_");
            case PTRACE_GETSIGMASK, PTRACE_SETSIGMASK, PTRACE_SECCOMP_GET_FILTER, PTRACE_SECCOMP_GET_METADATA,
                 PTRACE_GET_SYSCALL_INFO -> Args.ulong(a[2]);
            default -> Args.pointer(a[2]);
        });
        return out.append(", ").append(data(a, c)).toString();
    }

    private static String data(long[] a, Captures c) {
        long data = a[3];
        return switch (request(a[0])) {
            case PTRACE_CONT, PTRACE_DETACH, PTRACE_SYSCALL, PTRACE_SINGLESTEP, PTRACE_SINGLEBLOCK, PTRACE_SYSEMU,
                 PTRACE_SYSEMU_SINGLESTEP -> Signals.name((int) data);
            case PTRACE_SEIZE, PTRACE_SETOPTIONS, PTRACE_OLDSETOPTIONS -> OPTIONS.render(data, "0", "PTRACE_O_");
            case PTRACE_PEEKTEXT, PTRACE_PEEKDATA, PTRACE_PEEKUSER -> word(data, c.bytes(3), true);
            case PTRACE_GETEVENTMSG -> word(data, c.bytes(3), false);
            case PTRACE_GETSIGINFO, PTRACE_SETSIGINFO -> Siginfo.render(data, c.bytes(3));
            case PTRACE_GETSIGMASK, PTRACE_SETSIGMASK -> PollCalls.sigmask(data, c.bytes(3), a[2]);
            case PTRACE_GETREGSET, PTRACE_SETREGSET -> regset(data, c.bytes(3));
            default -> Args.pointer(data);
        };
    }

    /** The request as a switch reads it; -1 (no request) for a value wider than an int. */
    private static int request(long value) {
        return (int) value == value ? (int) value : -1;
    }

    /** The word a request stored: {@code [0x7f...]} (a PEEK: strace's printnum_ptr) or {@code [1234]} (GETEVENTMSG). */
    private static String word(long pointer, byte[] bytes, boolean asPointer) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        long value = Args.le(bytes).getLong(0);
        return "[" + (asPointer ? Args.pointer(value) : Long.toUnsignedString(value)) + "]";
    }

    /**
     * A register set's iovec, and for NT_PRSTATUS of its full size the registers it points at (at
     * exit those the kernel wrote; a failed GETREGSET wrote none).
     */
    private static byte[] gatherRegset(MemoryReader memory, long[] a, long ret) {
        if (a[3] == 0 || ret < 0) return null;
        byte[] iovec = memory.read(a[3], IOVEC);
        if (iovec == null || iovec.length < IOVEC) return null;
        var b = Args.le(iovec);
        Chunks.Writer out = new Chunks.Writer().add(iovec);
        if ((a[2] & 0xffffffffL) == NT_PRSTATUS && b.getLong(8) == USER_REGS_SIZE) {
            byte[] regs = memory.read(b.getLong(0), USER_REGS_SIZE);
            if (regs != null && regs.length == USER_REGS_SIZE) out.add(regs);
        }
        return out.bytes();
    }

    /** strace's {@code {iov_base={r15=0x7ffd..., ..., gs=0}, iov_len=216}}; {@code iov_base=0x...} for any other set. */
    private static String regset(long pointer, byte[] gathered) {
        if (pointer == 0) return "NULL";
        Chunks.Reader in = new Chunks.Reader(gathered);
        byte[] iovec = in.next();
        if (iovec == null) return Args.pointer(pointer);
        var b = Args.le(iovec);
        byte[] regs = in.next();
        StringBuilder out = new StringBuilder("{iov_base=");
        if (regs == null) {
            out.append(Args.pointer(b.getLong(0)));
        } else {
            var r = Args.le(regs);
            out.append('{');
            for (int i = 0; i < REGISTERS.size(); i++) {
                out.append(i > 0 ? ", " : "").append(REGISTERS.get(i)).append('=').append(Args.hex(r.getLong(i * WORD)));
            }
            out.append('}');
        }
        return out.append(", iov_len=").append(Long.toUnsignedString(b.getLong(8))).append('}').toString();
    }
}
