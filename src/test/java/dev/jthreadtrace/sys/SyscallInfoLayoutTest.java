package dev.jthreadtrace.sys;

import dev.jthreadtrace.testing.CProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** struct ptrace_syscall_info as <linux/ptrace.h> lays it out on x86-64. */
class SyscallInfoLayoutTest {
    /** The layout's offsets and size against what gcc makes of the installed <linux/ptrace.h>. */
    @Test
    void sizeAndOffsetsMatchTheKernelHeader(@TempDir Path tmp) throws Exception {
        List<String> facts = CProgram.output(tmp, """
                #include <stdio.h>
                #include <stddef.h>
                #include <linux/ptrace.h>
                #define AT(f) printf("%zu\\n", offsetof(struct ptrace_syscall_info, f))
                int main(void) {
                  printf("%zu\\n", sizeof(struct ptrace_syscall_info));
                  AT(op); AT(arch); AT(entry.nr); AT(entry.args); AT(exit.rval); AT(exit.is_error); AT(seccomp.ret_data);
                  return 0;
                }
                """);
        List<Long> header = facts.stream().map(Long::parseLong).toList();
        assertEquals(header, List.of(SyscallInfoLayout.LAYOUT.byteSize(), SyscallInfoLayout.OP, SyscallInfoLayout.ARCH,
                SyscallInfoLayout.NR, SyscallInfoLayout.ARGS, SyscallInfoLayout.RVAL, SyscallInfoLayout.IS_ERROR,
                SyscallInfoLayout.RET_DATA));
    }

    @Test
    void readsEntryAndExitRecords() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SyscallInfoLayout.LAYOUT);
            info.set(JAVA_BYTE, 0, SyscallInfoLayout.OP_ENTRY);
            info.set(JAVA_INT, 4, SyscallInfoLayout.AUDIT_ARCH_X86_64);
            info.set(JAVA_LONG, 24, 435);
            for (int i = 0; i < 6; i++) info.set(JAVA_LONG, 32 + 8L * i, 100 + i);
            assertEquals(SyscallInfoLayout.OP_ENTRY, SyscallInfoLayout.op(info));
            assertEquals(SyscallInfoLayout.AUDIT_ARCH_X86_64, SyscallInfoLayout.arch(info));
            assertEquals(435, SyscallInfoLayout.nr(info));
            assertEquals(105, SyscallInfoLayout.arg(info, 5));

            info.set(JAVA_BYTE, 0, SyscallInfoLayout.OP_EXIT);
            info.set(JAVA_LONG, 24, -11);
            info.set(JAVA_BYTE, 32, (byte) 1);
            assertEquals(-11, SyscallInfoLayout.rval(info));
            assertTrue(SyscallInfoLayout.isError(info));
            info.set(JAVA_BYTE, 32, (byte) 0);
            assertFalse(SyscallInfoLayout.isError(info));
        }
    }

    /** The ptrace thread's copy reads every field as the segment accessors do, negative and high-bit values too. */
    @Test
    void theCopyReadsWhatTheSegmentHolds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SyscallInfoLayout.LAYOUT);
            SyscallInfoLayout.Copy copy = new SyscallInfoLayout.Copy();
            info.set(JAVA_BYTE, SyscallInfoLayout.OP, SyscallInfoLayout.OP_SECCOMP);
            info.set(JAVA_INT, SyscallInfoLayout.ARCH, SyscallInfoLayout.AUDIT_ARCH_X86_64);
            info.set(JAVA_LONG, SyscallInfoLayout.STACK_POINTER, 0x7ffd_1234_5678L);
            info.set(JAVA_LONG, SyscallInfoLayout.NR, 202);
            for (int i = 0; i < 6; i++) info.set(JAVA_LONG, SyscallInfoLayout.ARGS + 8L * i, i == 3 ? -1L : 0x8000_0000_0000_0000L + i);
            info.set(JAVA_INT, SyscallInfoLayout.RET_DATA, 0xfffe);
            copy.load(info);
            assertEquals(SyscallInfoLayout.op(info), copy.op());
            assertEquals(SyscallInfoLayout.arch(info), copy.arch());
            assertEquals(SyscallInfoLayout.stackPointer(info), copy.stackPointer());
            assertEquals(SyscallInfoLayout.nr(info), copy.nr());
            for (int i = 0; i < 6; i++) assertEquals(SyscallInfoLayout.arg(info, i), copy.arg(i));
            assertEquals(SyscallInfoLayout.retData(info), copy.retData());

            info.set(JAVA_BYTE, SyscallInfoLayout.OP, SyscallInfoLayout.OP_EXIT);
            info.set(JAVA_LONG, SyscallInfoLayout.RVAL, -38);
            info.set(JAVA_BYTE, SyscallInfoLayout.IS_ERROR, (byte) 1);
            copy.load(info);
            assertEquals(SyscallInfoLayout.OP_EXIT, copy.op());
            assertEquals(-38, copy.rval());
            assertTrue(copy.isError());
            info.set(JAVA_BYTE, SyscallInfoLayout.IS_ERROR, (byte) 0);
            copy.load(info);
            assertFalse(copy.isError());
        }
    }
}
