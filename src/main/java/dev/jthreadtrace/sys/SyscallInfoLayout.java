package dev.jthreadtrace.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct ptrace_syscall_info} from {@code <linux/ptrace.h>}, filled by
 * PTRACE_GET_SYSCALL_INFO (Linux 5.3+):
 * <pre>
 * struct ptrace_syscall_info {
 *     __u8 op;  __u8 pad[3];  __u32 arch;
 *     __u64 instruction_pointer;  __u64 stack_pointer;
 *     union {
 *         struct { __u64 nr; __u64 args[6]; } entry;
 *         struct { __s64 rval; __u8 is_error; } exit;
 *         struct { __u64 nr; __u64 args[6]; __u32 ret_data; } seccomp;
 *     };
 * };
 * </pre>
 */
public final class SyscallInfoLayout {
    public static final byte OP_NONE = 0, OP_ENTRY = 1, OP_EXIT = 2, OP_SECCOMP = 3;
    /** AUDIT_ARCH_X86_64: the only ABI the decoder tables describe. */
    public static final int AUDIT_ARCH_X86_64 = 0xC000003E;

    private static final StructLayout ENTRY = MemoryLayout.structLayout(
            JAVA_LONG.withName("nr"), MemoryLayout.sequenceLayout(6, JAVA_LONG).withName("args")).withName("entry");
    private static final StructLayout EXIT = MemoryLayout.structLayout(
            JAVA_LONG.withName("rval"), JAVA_BYTE.withName("is_error"), MemoryLayout.paddingLayout(7)).withName("exit");
    private static final StructLayout SECCOMP = MemoryLayout.structLayout(
            JAVA_LONG.withName("nr"), MemoryLayout.sequenceLayout(6, JAVA_LONG).withName("args"),
            JAVA_INT.withName("ret_data"), MemoryLayout.paddingLayout(4)).withName("seccomp");
    private static final UnionLayout DATA = MemoryLayout.unionLayout(ENTRY, EXIT, SECCOMP).withName("data");

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("op"), MemoryLayout.paddingLayout(3), JAVA_INT.withName("arch"),
            JAVA_LONG.withName("instruction_pointer"), JAVA_LONG.withName("stack_pointer"), DATA)
            .withName("ptrace_syscall_info");

    public static final long OP = LAYOUT.byteOffset(groupElement("op"));
    public static final long STACK_POINTER = LAYOUT.byteOffset(groupElement("stack_pointer"));
    public static final long ARCH = LAYOUT.byteOffset(groupElement("arch"));
    public static final long NR = LAYOUT.byteOffset(groupElement("data"), groupElement("entry"), groupElement("nr"));
    public static final long ARGS = LAYOUT.byteOffset(groupElement("data"), groupElement("entry"), groupElement("args"));
    public static final long RVAL = LAYOUT.byteOffset(groupElement("data"), groupElement("exit"), groupElement("rval"));
    public static final long IS_ERROR = LAYOUT.byteOffset(groupElement("data"), groupElement("exit"), groupElement("is_error"));
    public static final long RET_DATA = LAYOUT.byteOffset(groupElement("data"), groupElement("seccomp"), groupElement("ret_data"));

    private SyscallInfoLayout() {}

    public static byte op(MemorySegment info) {
        return info.get(JAVA_BYTE, OP);
    }

    public static int arch(MemorySegment info) {
        return info.get(JAVA_INT, ARCH);
    }

    public static long stackPointer(MemorySegment info) {
        return info.get(JAVA_LONG, STACK_POINTER);
    }

    public static long nr(MemorySegment info) {
        return info.get(JAVA_LONG, NR);
    }

    public static long arg(MemorySegment info, int index) {
        return info.get(JAVA_LONG, ARGS + 8L * index);
    }

    public static long rval(MemorySegment info) {
        return info.get(JAVA_LONG, RVAL);
    }

    public static boolean isError(MemorySegment info) {
        return info.get(JAVA_BYTE, IS_ERROR) != 0;
    }

    public static int retData(MemorySegment info) {
        return info.get(JAVA_INT, RET_DATA);
    }

    /**
     * A copy of one filled record, read by the ptrace thread at every stop: one bulk copy into a
     * long array, then plain array reads. Reading the fields from the native segment one by one
     * costs a bounds and alignment check each, which C1 (the tool's compiler) leaves in: ~7% of the
     * ptrace thread's own time, measured. Fields are cut from the words by the layout's offsets
     * (x86-64 is little-endian).
     */
    public static final class Copy {
        private final long[] words = new long[(int) (LAYOUT.byteSize() / 8)];

        /** Copies {@code info}, filled by PTRACE_GET_SYSCALL_INFO. */
        public void load(MemorySegment info) {
            MemorySegment.copy(info, JAVA_LONG, 0, words, 0, words.length);
        }

        private long bytes(long offset, int size) {
            long word = words[(int) (offset >>> 3)] >>> (8 * (offset & 7));
            return size == 8 ? word : word & ((1L << (8 * size)) - 1);
        }

        public byte op() {
            return (byte) bytes(OP, 1);
        }

        public int arch() {
            return (int) bytes(ARCH, 4);
        }

        public long stackPointer() {
            return bytes(STACK_POINTER, 8);
        }

        public long nr() {
            return bytes(NR, 8);
        }

        public long arg(int index) {
            return bytes(ARGS + 8L * index, 8);
        }

        public long rval() {
            return bytes(RVAL, 8);
        }

        public boolean isError() {
            return bytes(IS_ERROR, 1) != 0;
        }

        public int retData() {
            return (int) bytes(RET_DATA, 4);
        }
    }
}
