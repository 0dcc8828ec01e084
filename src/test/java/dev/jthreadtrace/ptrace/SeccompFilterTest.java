package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BPF program, run through a small interpreter of the instructions it uses. */
class SeccompFilterTest {
    @Test
    void tracesExactlyTheRecordedSyscalls() {
        boolean[] recorded = TraceSelection.defaults().recorded();
        List<SeccompFilter.Instruction> program = SeccompFilter.build(recorded).orElseThrow();
        for (int nr = 0; nr < SyscallTable.MAX_NR; nr++) {
            int expected = recorded[nr] ? SeccompFilter.SECCOMP_RET_TRACE : SeccompFilter.SECCOMP_RET_ALLOW;
            assertEquals(expected, SeccompFilter.evaluate(program, SeccompFilter.AUDIT_ARCH_X86_64, nr), SyscallTable.name(nr));
        }
    }

    @Test
    void otherArchitecturesAndX32CallsAreAllowed() {
        boolean[] recorded = new boolean[SyscallTable.MAX_NR];
        recorded[SyscallTable.CLONE] = true;
        List<SeccompFilter.Instruction> program = SeccompFilter.build(recorded).orElseThrow();
        assertEquals(SeccompFilter.SECCOMP_RET_ALLOW, SeccompFilter.evaluate(program, 0x40000003 /* i386 */, SyscallTable.CLONE));
        assertEquals(SeccompFilter.SECCOMP_RET_ALLOW,
                SeccompFilter.evaluate(program, SeccompFilter.AUDIT_ARCH_X86_64, SeccompFilter.X32_SYSCALL_BIT | SyscallTable.CLONE));
        assertEquals(SeccompFilter.SECCOMP_RET_TRACE, SeccompFilter.evaluate(program, SeccompFilter.AUDIT_ARCH_X86_64, SyscallTable.CLONE));
    }

    @Test
    void encodesEightBytesPerInstructionAndGivesUpWhenJumpsCannotReach() {
        boolean[] recorded = new boolean[SyscallTable.MAX_NR];
        recorded[SyscallTable.FUTEX] = true;
        var program = SeccompFilter.build(recorded).orElseThrow();
        byte[] bytes = SeccompFilter.encode(program);
        assertEquals(program.size() * 8, bytes.length);
        assertEquals(0x20, bytes[0]); // ld [4]
        assertEquals(4, bytes[4]);
        assertTrue(SeccompFilter.build(TraceSelection.parse("all").recorded()).isEmpty(), "-e all: every stop is needed");
    }
}
