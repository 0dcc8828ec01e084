package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static dev.jthreadtrace.ptrace.UserRegs.ORIG_RAX;
import static dev.jthreadtrace.ptrace.UserRegs.PTRACE_GETREGS;
import static dev.jthreadtrace.ptrace.UserRegs.PTRACE_SETREGS;
import static dev.jthreadtrace.ptrace.UserRegs.RAX;
import static dev.jthreadtrace.ptrace.UserRegs.RIP;

/**
 * Makes the stopped start gate (a process of the tool's own) run syscalls of our choosing: at a
 * syscall-entry stop the syscall it was about to make is replaced by ours (orig_rax and the argument
 * registers) and run to its exit stop; each later call puts rip back on the {@code syscall}
 * instruction with the next number in rax. The gate's own syscall never runs: its last injected
 * call is the {@code execve} of the command, which replaces it. Only ever used on the gate, whose
 * whole memory is ours; its data goes into a mapping the gate makes for it ({@link #map}).
 */
final class SyscallInjector implements AutoCloseable {
    private static final int SYS_MMAP = 9;
    private static final long PROT_READ_WRITE = 0x3, MAP_PRIVATE_ANONYMOUS = 0x22;

    private final int tid;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment saved = arena.allocate(UserRegs.SIZE, 8);
    private final MemorySegment regs = arena.allocate(UserRegs.SIZE, 8);
    private final MemorySegment status = arena.allocate(JAVA_INT);
    private final MemorySegment info = arena.allocate(SyscallInfoLayout.LAYOUT);
    private final TraceeMemory memory = new TraceeMemory(CaptureLimits.DEFAULT);
    private boolean first = true;
    /** The signals whose delivery to the gate was passed over since {@link #forgetDroppedSignals} (bit n-1: signal n). */
    private long dropped;

    /** {@code tid} must be stopped at a syscall-entry stop. */
    SyscallInjector(int tid) {
        this.tid = tid;
        Libc.ptrace(PTRACE_GETREGS, tid, 0, saved.address());
    }

    /**
     * Runs {@code nr(args)} in the tracee and returns its result (-errno on failure). The first
     * call replaces the syscall at the entry stop; later ones rewind rip to the syscall instruction.
     */
    long call(int nr, long... args) {
        MemorySegment.copy(saved, 0, regs, 0, UserRegs.SIZE);
        if (!first) regs.set(JAVA_LONG, RIP, saved.get(JAVA_LONG, RIP) - 2); // back onto "syscall" (0f 05)
        regs.set(JAVA_LONG, RAX, nr);
        regs.set(JAVA_LONG, ORIG_RAX, nr);
        long[] slots = UserRegs.SYSCALL_ARGS;
        for (int i = 0; i < slots.length; i++) regs.set(JAVA_LONG, slots[i], i < args.length ? args[i] : 0);
        Libc.ptrace(PTRACE_SETREGS, tid, 0, regs.address());
        if (!first) awaitSyscallStop(SyscallInfoLayout.OP_ENTRY);
        first = false;
        awaitSyscallStop(SyscallInfoLayout.OP_EXIT);
        Libc.ptrace(Ptrace.PTRACE_GET_SYSCALL_INFO, tid, info.byteSize(), info.address());
        return SyscallInfoLayout.rval(info);
    }

    /** A fresh private mapping of at least {@code bytes} in the tracee (injected mmap); its address. */
    long map(long bytes) {
        long length = (bytes + 4095) & ~4095L;
        long address = call(SYS_MMAP, 0, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
        if (address < 0 && address > -4096) throw new ErrnoException("mmap in the start gate", (int) -address);
        return address;
    }

    /** Copies {@code bytes} to {@code address} in the tracee (a mapping of ours, a multiple of 8 bytes long). */
    void write(long address, byte[] bytes) {
        if (!memory.write(tid, address, bytes)) throw new ErrnoException("writing into the start gate", 14);
    }

    /** {@code length} bytes at {@code address} in the tracee (a mapping of ours), or null when they cannot be read. */
    byte[] read(long address, int length) {
        return memory.read(tid, address, length);
    }

    /**
     * Resumes to the next syscall stop of the wanted kind. Other stops on the way (the exec event,
     * a seccomp stop of our filter) are passed; a signal sent to the gate meanwhile is dropped: the
     * command does not exist yet, and the tool's own handler has the same signal (a timer's signal,
     * once the gate has the command's timers, is the command's: {@link #droppedSignals}).
     */
    private void awaitSyscallStop(byte op) {
        Libc.ptrace(Ptrace.PTRACE_SYSCALL, tid, 0, 0);
        while (true) {
            if (Libc.waitpid(tid, status, Libc.WALL) != tid) throw new ErrnoException("waitpid(gate)", 10);
            WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
            if (s instanceof WaitStatus.SyscallStop) {
                Libc.ptrace(Ptrace.PTRACE_GET_SYSCALL_INFO, tid, info.byteSize(), info.address());
                if (SyscallInfoLayout.op(info) == op) return;
            }
            if (s instanceof WaitStatus.SignalDeliveryStop d) dropped |= 1L << (d.signal() - 1);
            if (s instanceof WaitStatus.Exited || s instanceof WaitStatus.Killed) {
                throw new GateDied("the start gate died while the command was being started (" + s + ")", s);
            }
            Libc.ptrace(Ptrace.PTRACE_SYSCALL, tid, 0, 0);
        }
    }

    /** From now on {@link #droppedSignals} counts afresh. */
    void forgetDroppedSignals() {
        dropped = 0;
    }

    /** The signals passed over (never delivered to the gate) since {@link #forgetDroppedSignals}. */
    long droppedSignals() {
        return dropped;
    }

    /** The gate is gone: nothing more can be injected. */
    static final class GateDied extends RuntimeException {
        /** How it ended: exited, or killed by which signal. */
        final transient WaitStatus status;

        GateDied(String message, WaitStatus status) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public void close() {
        memory.close();
        arena.close();
    }
}
