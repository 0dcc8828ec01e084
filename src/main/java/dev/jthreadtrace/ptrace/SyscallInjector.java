package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static dev.jthreadtrace.ptrace.UserRegs.ORIG_RAX;
import static dev.jthreadtrace.ptrace.UserRegs.PTRACE_GETREGS;
import static dev.jthreadtrace.ptrace.UserRegs.PTRACE_POKEDATA;
import static dev.jthreadtrace.ptrace.UserRegs.PTRACE_SETREGS;
import static dev.jthreadtrace.ptrace.UserRegs.RAX;
import static dev.jthreadtrace.ptrace.UserRegs.RIP;
import static dev.jthreadtrace.ptrace.UserRegs.RSP;

/**
 * Makes a stopped tracee run syscalls of our choosing: at a syscall-entry stop, the syscall it was
 * about to make is replaced by ours (orig_rax and the argument registers), run to its exit stop,
 * then the registers are put back with rip on the {@code syscall} instruction again, so the
 * tracee's own syscall runs as if nothing happened. Used once, on the start gate, to install the
 * seccomp filter before the command's first instruction.
 */
final class SyscallInjector implements AutoCloseable {
    private static final int WALL = 0x40000000;

    private final int tid;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment saved = arena.allocate(UserRegs.SIZE, 8);
    private final MemorySegment regs = arena.allocate(UserRegs.SIZE, 8);
    private final MemorySegment status = arena.allocate(JAVA_INT);
    private final MemorySegment info = arena.allocate(SyscallInfoLayout.LAYOUT);
    private long scratchCursor;

    /** {@code tid} must be stopped at a syscall-entry stop. */
    SyscallInjector(int tid) {
        this.tid = tid;
        Libc.ptrace(PTRACE_GETREGS, tid, 0, saved.address());
        scratchCursor = saved.get(JAVA_LONG, RSP) - 512; // below the 128-byte red zone, with room
    }

    /** Writes {@code bytes} below the tracee's stack red zone (each call further down); returns their address. */
    long scratch(byte[] bytes) {
        long at = (scratchCursor - bytes.length) & ~15L;
        scratchCursor = at;
        for (int off = 0; off < bytes.length; off += 8) {
            long word = 0;
            for (int i = 0; i < 8 && off + i < bytes.length; i++) word |= (bytes[off + i] & 0xffL) << (8 * i);
            Libc.ptrace(PTRACE_POKEDATA, tid, at + off, word);
        }
        return at;
    }

    /**
     * Runs {@code nr(args)} in the tracee and returns its result (-errno on failure). The first
     * call replaces the syscall at the entry stop; later ones rewind rip to the syscall instruction.
     */
    long call(boolean first, int nr, long... args) {
        MemorySegment.copy(saved, 0, regs, 0, UserRegs.SIZE);
        if (!first) regs.set(JAVA_LONG, RIP, saved.get(JAVA_LONG, RIP) - 2); // back onto "syscall" (0f 05)
        regs.set(JAVA_LONG, first ? ORIG_RAX : RAX, nr);
        regs.set(JAVA_LONG, ORIG_RAX, nr);
        long[] slots = UserRegs.SYSCALL_ARGS;
        for (int i = 0; i < slots.length; i++) regs.set(JAVA_LONG, slots[i], i < args.length ? args[i] : 0);
        Libc.ptrace(PTRACE_SETREGS, tid, 0, regs.address());
        if (!first) awaitSyscallStop(SyscallInfoLayout.OP_ENTRY);
        awaitSyscallStop(SyscallInfoLayout.OP_EXIT);
        Libc.ptrace(Ptrace.PTRACE_GET_SYSCALL_INFO, tid, info.byteSize(), info.address());
        return SyscallInfoLayout.rval(info);
    }

    /** Resumes to the next syscall stop of the wanted kind; signals that arrive meanwhile are held back for later. */
    private void awaitSyscallStop(byte op) {
        Libc.ptrace(Ptrace.PTRACE_SYSCALL, tid, 0, 0);
        while (true) {
            if (Libc.waitpid(tid, status, WALL) != tid) throw new ErrnoException("waitpid(gate)", 10);
            WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
            if (s instanceof WaitStatus.SyscallStop) {
                Libc.ptrace(Ptrace.PTRACE_GET_SYSCALL_INFO, tid, info.byteSize(), info.address());
                if (SyscallInfoLayout.op(info) == op) return;
            }
            if (s instanceof WaitStatus.Exited || s instanceof WaitStatus.Killed) {
                throw new IllegalStateException("the start gate died while the seccomp filter was installed");
            }
            Libc.ptrace(Ptrace.PTRACE_SYSCALL, tid, 0, 0);
        }
    }

    /**
     * Puts the tracee back on its own syscall: the saved registers with rip on the syscall
     * instruction and rax holding its number, so resuming re-enters it from the start.
     */
    void restore() {
        MemorySegment.copy(saved, 0, regs, 0, UserRegs.SIZE);
        regs.set(JAVA_LONG, RIP, saved.get(JAVA_LONG, RIP) - 2);
        regs.set(JAVA_LONG, RAX, saved.get(JAVA_LONG, ORIG_RAX));
        Libc.ptrace(PTRACE_SETREGS, tid, 0, regs.address());
    }

    @Override
    public void close() {
        arena.close();
    }
}
