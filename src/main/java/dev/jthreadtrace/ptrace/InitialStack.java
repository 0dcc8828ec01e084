package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Adds arguments after argv[0] of a process that has just exec'd, while it is stopped at its exec
 * event, before its first instruction: a copy of the kernel's initial stack frame (argc, argv,
 * envp, auxv) with the extra pointers, and the extra strings, are written below the frame the
 * kernel made, and the stack pointer is moved onto the copy. The dynamic loader and libc then read
 * argc, argv and the environment from there.
 *
 * <p>Why this is safe for every way in: an exec always gives the process a new address space of
 * its own (a vfork child or a {@code CLONE_VM} sibling stops sharing its parent's memory at its
 * exec, and a failed exec reaches no exec event at all); the kernel reserved at least 128 KiB of
 * stack below the frame, and nothing of the new program lives there yet. The copy is capped far
 * below the stack's guard gap, and its lowest word is checked to be mapped (then all of it is: the
 * stack is one mapping and nothing is mapped in the gap below it). The original strings stay where
 * they were: {@code /proc/PID/cmdline} still shows the command line as it was given. Where the
 * frame cannot be read or written, nothing is changed and the reason is reported.
 */
final class InitialStack {
    private static final int MAX_ARGC = 1 << 17, MAX_ENVC = 1 << 17, MAX_AUXV_PAIRS = 256;
    /** The kernel's own limit for one argument (MAX_ARG_STRLEN). */
    private static final int MAX_STRING = 32 * 4096;
    /** Far below the 1 MiB stack guard gap: the copy and the strings, at most. */
    private static final long MAX_COPY = 512 * 1024;
    private static final int PAGE = 4096;

    private final ExecArguments arguments;
    private final TraceeMemory memory;
    private final MemorySegment regs;

    /** @param arena the ptrace thread's, which outlives this */
    InitialStack(ExecArguments arguments, TraceeMemory memory, Arena arena) {
        this.arguments = arguments;
        this.memory = memory;
        this.regs = arena.allocate(UserRegs.SIZE, 8);
    }

    /** The kernel's frame: where it is, and its words (argc, argv..., 0, envp..., 0, auxv pairs..., AT_NULL pair). */
    record Frame(long stackPointer, long[] words, int argc, int envc) {
        long[] argv() {
            long[] out = new long[argc];
            System.arraycopy(words, 1, out, 0, argc);
            return out;
        }

        long[] envp() {
            long[] out = new long[envc];
            System.arraycopy(words, argc + 2, out, 0, envc);
            return out;
        }
    }

    /** At a process's exec event (or its execve's exit stop, for the command itself). */
    void atExec(int tid) {
        String executable = memory.procLink(tid, "exe");
        if (executable == null || !arguments.mayInsertInto(executable)) return;
        try {
            Libc.ptrace(UserRegs.PTRACE_GETREGS, tid, 0, regs.address());
        } catch (ErrnoException e) {
            return; // gone
        }
        Frame frame = readFrame(tid, regs.get(JAVA_LONG, UserRegs.RSP));
        if (frame == null) {
            arguments.notInserted(tid, "its initial stack could not be read");
            return;
        }
        List<String> argv = strings(tid, frame.argv()), environment = strings(tid, frame.envp());
        if (argv == null || environment == null) {
            arguments.notInserted(tid, "its arguments could not be read");
            return;
        }
        List<String> extra = arguments.insertAfterArgv0(new ExecImage(tid, executable, argv, environment));
        if (extra.isEmpty() || argv.isEmpty()) return;
        String problem = insert(tid, frame, extra);
        if (problem != null) arguments.notInserted(tid, problem);
    }

    /** Writes the copy with {@code extra} after argv[0] and moves the stack pointer onto it; why not, or null. */
    String insert(int tid, Frame frame, List<String> extra) {
        List<byte[]> strings = extra.stream().map(s -> (s + "\0").getBytes(StandardCharsets.UTF_8)).toList();
        int stringBytes = strings.stream().mapToInt(b -> b.length).sum();
        long frameBytes = 8L * (frame.words().length + extra.size());
        long copyBytes = (frameBytes + stringBytes + 15) & ~15L;
        if (copyBytes > MAX_COPY) return "its initial stack frame is too large to copy (" + copyBytes + " bytes)";
        long base = (frame.stackPointer() - copyBytes) & ~15L; // the ABI's 16-byte alignment at entry
        if (memory.read(tid, base, 8) == null) return "too little stack below its initial frame";
        ByteBuffer block = ByteBuffer.allocate((int) (frame.stackPointer() - base)).order(ByteOrder.LITTLE_ENDIAN);
        long[] words = frame.words();
        long stringAt = base + frameBytes;
        block.putLong(words[0] + extra.size()).putLong(words[1]);
        for (byte[] s : strings) {
            block.putLong(stringAt);
            stringAt += s.length;
        }
        for (int i = 2; i < words.length; i++) block.putLong(words[i]);
        for (byte[] s : strings) block.put(s);
        if (!memory.write(tid, base, block.array())) return "its stack could not be written";
        try {
            regs.set(JAVA_LONG, UserRegs.RSP, base);
            Libc.ptrace(UserRegs.PTRACE_SETREGS, tid, 0, regs.address());
            return null;
        } catch (ErrnoException e) {
            return "its registers could not be set";
        }
    }

    /** The frame at {@code sp}, or null when it cannot be read or is larger than any sane one. */
    Frame readFrame(int tid, long sp) {
        long[] first = words(tid, sp, 1);
        if (first == null || first[0] < 0 || first[0] > MAX_ARGC) return null;
        int argc = (int) first[0];
        List<Long> all = new ArrayList<>();
        all.add(first[0]);
        long at = sp + 8;
        // argv and its NULL
        long[] argv = words(tid, at, argc + 1);
        if (argv == null || argv[argc] != 0) return null;
        for (long w : argv) all.add(w);
        at += 8L * (argc + 1);
        // envp up to its NULL
        int envc = readUntilZero(tid, at, MAX_ENVC, 1, all);
        if (envc < 0) return null;
        at += 8L * (envc + 1);
        // auxv pairs up to AT_NULL
        if (readUntilZero(tid, at, MAX_AUXV_PAIRS, 2, all) < 0) return null;
        return new Frame(sp, all.stream().mapToLong(Long::longValue).toArray(), argc, envc);
    }

    /** Reads items of {@code width} words until one whose first word is 0 (kept); the count before it, or -1. */
    private int readUntilZero(int tid, long at, int maxItems, int width, List<Long> into) {
        for (int item = 0; item <= maxItems; ) {
            // Up to the end of the page: the stack's top may be the next page boundary.
            int inPage = (int) ((PAGE - (at & (PAGE - 1))) / 8);
            long[] chunk = words(tid, at, Math.max(width, inPage - inPage % width));
            if (chunk == null) return -1;
            for (int i = 0; i + width <= chunk.length; i += width, item++) {
                for (int j = 0; j < width; j++) into.add(chunk[i + j]);
                if (chunk[i] == 0) return item;
            }
            at += 8L * (chunk.length - chunk.length % width);
        }
        return -1;
    }

    private long[] words(int tid, long address, int count) {
        byte[] bytes = memory.read(tid, address, 8 * count);
        if (bytes == null) return null;
        long[] out = new long[count];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    private List<String> strings(int tid, long[] pointers) {
        List<String> out = new ArrayList<>(pointers.length);
        for (long p : pointers) {
            byte[] s = memory.readString(tid, p, MAX_STRING);
            if (s == null) return null;
            out.add(KernelBytes.decode(s));
        }
        return out;
    }
}
