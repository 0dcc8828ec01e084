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
 *   jeq NR_1, trace              ; one per recorded syscall
 *   ...
 * allow: ret SECCOMP_RET_ALLOW
 * trace: ret SECCOMP_RET_TRACE
 * </pre>
 */
public final class SeccompFilter {
    static final int SECCOMP_RET_ALLOW = 0x7fff0000, SECCOMP_RET_TRACE = 0x7ff00000;
    static final int AUDIT_ARCH_X86_64 = 0xC000003E, X32_SYSCALL_BIT = 0x40000000;
    private static final short LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, RET_K = 0x06;
    /** Conditional jumps are 8-bit: past this many syscalls the program cannot reach its end in one hop. */
    static final int MAX_TRACED = 250;

    /** One BPF instruction, {@code struct sock_filter}. */
    record Instruction(short code, int jt, int jf, int k) {}

    private SeccompFilter() {}

    /** The program for these syscalls, or empty when there are too many for one filter (then trace everything). */
    static Optional<List<Instruction>> build(boolean[] traced) {
        List<Integer> numbers = new ArrayList<>();
        for (int nr = 0; nr < traced.length; nr++) if (traced[nr]) numbers.add(nr);
        if (numbers.size() > MAX_TRACED) return Optional.empty();
        int n = numbers.size();
        // Indices: 0 ld arch, 1 jeq arch, 2 ld nr, 3 jge x32, 4..4+n-1 jeq nr, 4+n allow, 5+n trace.
        int allow = 4 + n, trace = 5 + n;
        List<Instruction> program = new ArrayList<>();
        program.add(new Instruction(LD_W_ABS, 0, 0, 4));
        program.add(new Instruction(JEQ_K, 0, allow - 2, AUDIT_ARCH_X86_64));
        program.add(new Instruction(LD_W_ABS, 0, 0, 0));
        program.add(new Instruction(JGE_K, allow - 4, 0, X32_SYSCALL_BIT));
        for (int i = 0; i < n; i++) {
            int at = 4 + i;
            program.add(new Instruction(JEQ_K, trace - at - 1, 0, numbers.get(i)));
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
        int acc = 0;
        for (int pc = 0; pc < program.size(); pc++) {
            Instruction i = program.get(pc);
            switch (i.code()) {
                case LD_W_ABS -> acc = i.k() == 4 ? arch : nr;
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
