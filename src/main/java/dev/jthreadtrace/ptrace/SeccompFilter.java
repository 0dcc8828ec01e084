package dev.jthreadtrace.ptrace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The classic-BPF program that makes the kernel stop a tracee only at the syscalls being recorded
 * ({@code SECCOMP_RET_TRACE}, seen as PTRACE_EVENT_SECCOMP) and lets every other syscall run
 * without a stop. Built from the same syscall numbers as the decoder's table; pure, so tested
 * without a kernel.
 * <pre>
 *   ld  [4]                      ; seccomp_data.arch
 *   jeq AUDIT_ARCH_X86_64, 0, allow
 *   ld  [0]                      ; seccomp_data.nr
 *   jge __X32_SYSCALL_BIT, allow ; x32 ABI calls are not ours
 *   jeq NR_1, trace              ; one per recorded syscall, and io_uring_setup and io_uring_enter
 *   ...                          ;   (a process with a ring may rename a thread with no stop: RingNames)
 *   ...
 *   jeq NR_openat, 0, next       ; openat and open for writing (a thread's /proc comm file may be
 *   ld  [32]                     ;   written: pthread_setname_np on another thread), unless
 *   and 3                        ;   recorded whole already; creat and openat2 (whose flags are
 *   jeq 0, allow, trace          ;   in memory) are always among the NR_i (O_RDONLY is 0)
 * next: jeq NR_open, 0, query
 *   ld  [24]
 *   and 3
 *   jeq 0, allow, trace
 * query: jeq NR_ptrace, 0, mask ; only when nothing prints or counts calls: the requests that may
 *   ld  [16]                     ;   be refused because the tool traces (TRACEME, ATTACH, SEIZE),
 *   jeq 0, trace, 0              ;   read for the note on that refusal; every other request (a
 *   jeq 0x10, trace, 0           ;   debugger of a process outside the trace) runs without a stop
 *   jeq 0x4206, trace, allow
 * mask: jeq NR_rt_sigprocmask, 0, allow ; only when a reading of the mask changes nothing the
 *   ld  [24]                     ;   trace reads (nothing prints or counts calls): a call with
 *   jeq 0, 0, trace              ;   no new set (both words of the pointer 0) runs without a stop
 *   ld  [28]
 *   jeq 0, allow, trace
 * allow: ret SECCOMP_RET_ALLOW
 * trace: ret SECCOMP_RET_TRACE
 * </pre>
 */
public final class SeccompFilter {
    static final int SECCOMP_RET_ALLOW = 0x7fff0000, SECCOMP_RET_TRACE = 0x7ff00000;
    static final int AUDIT_ARCH_X86_64 = 0xC000003E, X32_SYSCALL_BIT = 0x40000000;
    private static final short LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, RET_K = 0x06, AND_K = 0x54;
    /** Conditional jumps are 8-bit: past this many syscalls the program cannot reach its end in one hop. */
    static final int MAX_TRACED = 240;
    /** x86-64 numbers and where the flags argument's low word sits in struct seccomp_data (args at 16). */
    private static final int NR_OPEN = 2, NR_OPENAT = 257, NR_CREAT = 85, NR_OPENAT2 = 437, OPEN_FLAGS = 16 + 8,
            OPENAT_FLAGS = 16 + 2 * 8, NR_RT_SIGPROCMASK = 14, SET_LOW = 16 + 8, SET_HIGH = SET_LOW + 4, NR_PTRACE = 101,
            PTRACE_REQUEST = 16;
    /** PTRACE_TRACEME, PTRACE_ATTACH, PTRACE_SEIZE: the requests the kernel refuses a task the tool traces (decode.PtraceCalls). */
    private static final int[] REFUSABLE_PTRACE_REQUESTS = {0, 0x10, 0x4206};
    private static final int O_ACCMODE = 3;

    /** One BPF instruction, {@code struct sock_filter}. */
    record Instruction(short code, int jt, int jf, int k) {}

    private SeccompFilter() {}

    /** The program for these syscalls (see {@link #build(boolean[], boolean)}), every call of them stopping. */
    static Optional<List<Instruction>> build(boolean[] traced) {
        return build(traced, false);
    }

    /**
     * The program for these syscalls, plus the opens that may write a thread's name (see above), or
     * empty when there are too many for one filter (then trace everything). {@code quietMaskReads}:
     * nothing prints or counts calls, so an rt_sigprocmask with no new set, which changes no mask
     * whatever it returns (kernel/signal.c reads and changes the mask only through a non-NULL
     * set), is of no use to the trace and runs without a stop; so does a ptrace request the
     * kernel cannot refuse because the tool traces (the only use of a ptrace call then).
     */
    static Optional<List<Instruction>> build(boolean[] traced, boolean quietMaskReads) {
        boolean quietMask = quietMaskReads && traced[NR_RT_SIGPROCMASK];
        boolean quietPtrace = quietMaskReads && traced[NR_PTRACE];
        List<Integer> numbers = new ArrayList<>();
        for (int nr = 0; nr < traced.length; nr++) {
            boolean always = nr == NR_CREAT || nr == NR_OPENAT2 || RingNames.filtered().contains(nr);
            if ((traced[nr] || always) && !(quietMask && nr == NR_RT_SIGPROCMASK) && !(quietPtrace && nr == NR_PTRACE)) numbers.add(nr);
        }
        // The ptrace section's 5 instructions must leave every jump within reach: else ptrace stops whole.
        if (quietPtrace && numbers.size() + 5 > MAX_TRACED) {
            quietPtrace = false;
            numbers.add(NR_PTRACE);
            numbers.sort(null);
        }
        if (numbers.size() > MAX_TRACED) return Optional.empty();
        List<int[]> writeOpens = new ArrayList<>(); // {nr, offset of its flags}
        if (!traced[NR_OPENAT]) writeOpens.add(new int[] {NR_OPENAT, OPENAT_FLAGS});
        if (!traced[NR_OPEN]) writeOpens.add(new int[] {NR_OPEN, OPEN_FLAGS});
        int n = numbers.size();
        // Indices: 0 ld arch, 1 jeq arch, 2 ld nr, 3 jge x32, 4..4+n-1 jeq nr, then 4 per write-open, 5 for the ptrace
        // requests, 5 for the mask reads, allow, trace.
        int allow = 4 + n + 4 * writeOpens.size() + (quietPtrace ? 5 : 0) + (quietMask ? 5 : 0), trace = allow + 1;
        List<Instruction> program = new ArrayList<>();
        program.add(new Instruction(LD_W_ABS, 0, 0, 4));
        program.add(new Instruction(JEQ_K, 0, allow - 2, AUDIT_ARCH_X86_64));
        program.add(new Instruction(LD_W_ABS, 0, 0, 0));
        program.add(new Instruction(JGE_K, allow - 4, 0, X32_SYSCALL_BIT));
        for (int i = 0; i < n; i++) {
            int at = 4 + i;
            program.add(new Instruction(JEQ_K, trace - at - 1, 0, numbers.get(i)));
        }
        for (int[] open : writeOpens) {
            int at = program.size();
            boolean last = open == writeOpens.getLast() && !quietMask && !quietPtrace;
            program.add(new Instruction(JEQ_K, 0, last ? allow - at - 1 : 3, open[0]));
            program.add(new Instruction(LD_W_ABS, 0, 0, open[1]));
            program.add(new Instruction(AND_K, 0, 0, O_ACCMODE));
            program.add(new Instruction(JEQ_K, allow - at - 4, trace - at - 4, 0));
        }
        if (quietPtrace) {
            int at = program.size();
            program.add(new Instruction(JEQ_K, 0, quietMask ? REFUSABLE_PTRACE_REQUESTS.length + 1 : allow - at - 1, NR_PTRACE));
            program.add(new Instruction(LD_W_ABS, 0, 0, PTRACE_REQUEST));
            for (int i = 0; i < REFUSABLE_PTRACE_REQUESTS.length; i++) {
                int here = program.size();
                boolean lastRequest = i == REFUSABLE_PTRACE_REQUESTS.length - 1;
                program.add(new Instruction(JEQ_K, trace - here - 1, lastRequest ? allow - here - 1 : 0, REFUSABLE_PTRACE_REQUESTS[i]));
            }
        }
        if (quietMask) {
            int at = program.size();
            program.add(new Instruction(JEQ_K, 0, allow - at - 1, NR_RT_SIGPROCMASK));
            program.add(new Instruction(LD_W_ABS, 0, 0, SET_LOW));
            program.add(new Instruction(JEQ_K, 0, trace - at - 3, 0));
            program.add(new Instruction(LD_W_ABS, 0, 0, SET_HIGH));
            program.add(new Instruction(JEQ_K, allow - at - 5, trace - at - 5, 0));
        }
        program.add(new Instruction(RET_K, 0, 0, SECCOMP_RET_ALLOW));
        program.add(new Instruction(RET_K, 0, 0, SECCOMP_RET_TRACE));
        return Optional.of(program);
    }

    /** The program as the kernel reads it: 8 bytes per instruction, little-endian. */
    static byte[] encode(List<Instruction> program) {
        ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : program) b.putShort(i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        return b.array();
    }

    /** What the kernel would decide for one syscall: an interpreter of this program, for tests. */
    static int evaluate(List<Instruction> program, int arch, int nr) {
        return evaluate(program, arch, nr, new long[6]);
    }

    /** The same with the syscall's arguments (their low words are what the program can load). */
    static int evaluate(List<Instruction> program, int arch, int nr, long[] args) {
        int acc = 0;
        for (int pc = 0; pc < program.size(); pc++) {
            Instruction i = program.get(pc);
            switch (i.code()) {
                case LD_W_ABS -> acc = switch (i.k()) {
                    case 0 -> nr;
                    case 4 -> arch;
                    default -> (int) (args[(i.k() - 16) / 8] >>> 8 * ((i.k() - 16) % 8));
                };
                case AND_K -> acc &= i.k();
                case JEQ_K -> pc += acc == i.k() ? i.jt() : i.jf();
                case JGE_K -> pc += Integer.compareUnsigned(acc, i.k()) >= 0 ? i.jt() : i.jf();
                case RET_K -> {
                    return i.k();
                }
                default -> throw new IllegalStateException("unknown BPF code " + i.code());
            }
        }
        throw new IllegalStateException("fell off the end of the program");
    }
}
