package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Adds arguments to a traced task's {@code execve} while it is stopped at the syscall's entry:
 * writes a new argv array (the task's own string pointers with ours inserted after argv[0]) and
 * our strings below the task's stack pointer, past the 128-byte red zone, where nothing of the
 * task's lives, and points the argv register at it. On success the old image and that memory go
 * away; when the exec fails (execvp tries each PATH directory in turn) the register is put back at
 * the syscall's exit, so the task carries on exactly as it would have.
 *
 * <p>Looking at the file system here (resolving the executable through {@code /proc/TID/cwd}) is
 * the one exception to "no I/O on the ptrace thread": the decision must be made while the task is
 * stopped, and execs are rare.
 */
final class ExecRewriter {
    private static final int AT_FDCWD = -100;
    private static final int MAX_ARGS = 1 << 16;
    /** The kernel's own limit for one argument (MAX_ARG_STRLEN). */
    private static final int MAX_ARG_BYTES = 32 * 4096;
    /** Below the red zone with room to spare: the kernel reads the block before it builds the new stack. */
    private static final long BELOW_STACK_POINTER = 256;

    private final ExecArguments arguments;
    private final MemorySegment regs;

    /** @param arena the ptrace thread's, which outlives this */
    ExecRewriter(ExecArguments arguments, Arena arena) {
        this.arguments = arguments;
        this.regs = arena.allocate(UserRegs.SIZE, 8);
    }

    /**
     * At an {@code execve}/{@code execveat} entry stop: rewrites argv when {@link ExecArguments}
     * asks for it. Returns the argv register's former value, to restore if the exec fails, or 0
     * when nothing was changed (a task that cannot be rewritten is left as it is).
     */
    long rewrite(int tid, int nr, long[] args, String filename, long stackPointer, TraceeMemory memory) {
        if (filename == null) return 0;
        int argvArg = nr == SyscallTable.EXECVE ? 1 : 2;
        Path executable = executable(tid, nr, args, filename);
        if (executable == null || !arguments.mayInsertInto(executable)) return 0;
        long[] pointers = pointerArray(tid, args[argvArg], memory);
        if (pointers == null || pointers.length == 0) return 0;
        List<String> argv = new ArrayList<>(pointers.length);
        for (long pointer : pointers) {
            byte[] s = memory.readString(tid, pointer, MAX_ARG_BYTES);
            if (s == null) return 0;
            argv.add(new String(s, StandardCharsets.UTF_8));
        }
        List<String> extra = arguments.insertAfterArgv0(executable, List.copyOf(argv));
        if (extra.isEmpty()) return 0;
        try {
            long newArgv = writeBlock(tid, pointers, extra, stackPointer);
            Libc.ptrace(UserRegs.PTRACE_GETREGS, tid, 0, regs.address());
            long slot = UserRegs.SYSCALL_ARGS[argvArg];
            long former = regs.get(JAVA_LONG, slot);
            regs.set(JAVA_LONG, slot, newArgv);
            Libc.ptrace(UserRegs.PTRACE_SETREGS, tid, 0, regs.address());
            return former;
        } catch (ErrnoException e) {
            return 0; // the stack below is not mapped (or the task is gone): the exec runs as asked
        }
    }

    /** The exec failed: the task gets its own argv register back. */
    void restore(int tid, int nr, long former) {
        long slot = UserRegs.SYSCALL_ARGS[nr == SyscallTable.EXECVE ? 1 : 2];
        try {
            Libc.ptrace(UserRegs.PTRACE_GETREGS, tid, 0, regs.address());
            regs.set(JAVA_LONG, slot, former);
            Libc.ptrace(UserRegs.PTRACE_SETREGS, tid, 0, regs.address());
        } catch (ErrnoException e) {
            // the task is gone
        }
    }

    /** The file to be run, as the kernel will find it: relative to the task's directory or dirfd. */
    private static Path executable(int tid, int nr, long[] args, String filename) {
        try {
            Path path;
            if (filename.startsWith("/")) path = Path.of(filename);
            else if (nr == SyscallTable.EXECVE || (int) args[0] == AT_FDCWD) path = Path.of("/proc/" + tid + "/cwd", filename);
            else if (!filename.isEmpty()) path = Path.of("/proc/" + tid + "/fd/" + (int) args[0], filename);
            else return null; // AT_EMPTY_PATH: an fd, not a launcher by name
            return path.toRealPath();
        } catch (IOException | InvalidPathException | SecurityException e) {
            return null; // the exec will fail by itself, or we cannot see the file: leave it alone
        }
    }

    /** The task's argv pointers, without the terminating NULL; null when unreadable or too long. */
    private static long[] pointerArray(int tid, long address, TraceeMemory memory) {
        List<Long> pointers = new ArrayList<>();
        for (int i = 0; i < MAX_ARGS; i++) {
            byte[] word = memory.read(tid, address + 8L * i, 8);
            if (word == null) return null;
            long pointer = ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (pointer == 0) return pointers.stream().mapToLong(Long::longValue).toArray();
            pointers.add(pointer);
        }
        return null;
    }

    /**
     * Writes [argv[0], extra..., argv[1...], NULL] and the extra strings below the stack pointer;
     * returns the new array's address.
     */
    private static long writeBlock(int tid, long[] pointers, List<String> extra, long stackPointer) {
        List<byte[]> strings = extra.stream().map(s -> (s + "\0").getBytes(StandardCharsets.UTF_8)).toList();
        int arrayBytes = 8 * (pointers.length + extra.size() + 1);
        int stringBytes = strings.stream().mapToInt(b -> b.length).sum();
        long base = (stackPointer - BELOW_STACK_POINTER - arrayBytes - stringBytes) & ~15L;
        ByteBuffer block = ByteBuffer.allocate((arrayBytes + stringBytes + 7) & ~7).order(ByteOrder.LITTLE_ENDIAN);
        long stringAt = base + arrayBytes;
        block.putLong(pointers[0]);
        for (byte[] s : strings) {
            block.putLong(stringAt);
            stringAt += s.length;
        }
        for (int i = 1; i < pointers.length; i++) block.putLong(pointers[i]);
        block.putLong(0);
        for (byte[] s : strings) block.put(s);
        block.rewind();
        for (long at = base; block.remaining() >= 8; at += 8) Libc.ptrace(UserRegs.PTRACE_POKEDATA, tid, at, block.getLong());
        return base;
    }
}
