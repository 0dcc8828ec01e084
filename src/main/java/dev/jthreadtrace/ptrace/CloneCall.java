package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.ProcStatus;

import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Which spawning syscall a task is in at its spawn event, with which clone flags. {@code flagsKnown}
 * false: clone3's clone_args could not be read (a process that made itself non-dumpable, traced
 * without CAP_SYS_PTRACE), so {@code flags} holds only what the kernel shows of them ({@link #asTheKernelShows}).
 */
record CloneCall(int nr, long flags, boolean flagsKnown) {
    /** What CLONE_THREAD implies: the kernel refuses it without CLONE_SIGHAND, and that without CLONE_VM. */
    static final long THREAD_IMPLIES = CloneFlags.CLONE_THREAD | CloneFlags.CLONE_SIGHAND | CloneFlags.CLONE_VM;

    CloneCall(int nr, long flags) {
        this(nr, flags, true);
    }

    /** fork and vfork: the flags the kernel gives them (their exit signal, SIGCHLD, is not a flag here). */
    static CloneCall fork(int nr) {
        return new CloneCall(nr, nr == SyscallTable.VFORK ? CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK : 0);
    }

    /** The clone or clone3 the task is inside: the register, or the first field of clone_args (unknown when unread). */
    static CloneCall of(int nr, Task task) {
        if (nr == SyscallTable.CLONE3 && !argsRead(task)) return new CloneCall(nr, 0, false);
        return new CloneCall(nr, flags(nr, task));
    }

    /** The flags of the clone/clone3 the task is inside: the register, or the first field of clone_args (0 when unread). */
    static long flags(int nr, Task task) {
        if (nr == SyscallTable.CLONE) return task.args[0];
        if (nr == SyscallTable.CLONE3) {
            return argsRead(task) ? ByteBuffer.wrap(task.captures.bytes(0)).order(ByteOrder.LITTLE_ENDIAN).getLong(0) : 0;
        }
        return 0;
    }

    private static boolean argsRead(Task task) {
        byte[] cloneArgs = task.captures.bytes(0);
        return cloneArgs != null && cloneArgs.length >= 8;
    }

    /**
     * The clone or clone3 a task is inside at its clone event, read from its registers: orig_rax,
     * and rdi, the flags (clone) or the struct whose first field they are (clone3, still readable:
     * the caller waits in the syscall). {@code regs}: room for the registers.
     */
    static CloneCall inFlight(Task creator, MemorySegment regs, TraceeMemory memory) {
        try {
            Libc.ptrace(UserRegs.PTRACE_GETREGS, creator.tid, 0, regs.address());
        } catch (ErrnoException e) {
            return new CloneCall(-1, 0);
        }
        int nr = (int) regs.get(JAVA_LONG, UserRegs.ORIG_RAX);
        long rdi = regs.get(JAVA_LONG, UserRegs.RDI);
        if (nr == SyscallTable.CLONE) return new CloneCall(nr, rdi);
        byte[] first = nr == SyscallTable.CLONE3 ? memory.read(creator.tid, rdi, 8) : null;
        if (nr == SyscallTable.CLONE3 && first == null) return new CloneCall(nr, 0, false);
        return new CloneCall(nr, first == null ? 0 : ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    /**
     * Flags that could not be read, replaced by what the kernel says of the new task: its Tgid in
     * /proc/CHILD/status (a thread has its creator's; CLONE_THREAD implies {@link #THREAD_IMPLIES}),
     * its PPid (a process whose parent is not its creator's process was made with CLONE_PARENT),
     * and the event (PTRACE_EVENT_VFORK is CLONE_VFORK). Read only on this path, which is rare:
     * the ptrace thread does not touch /proc for a spawn whose flags it read. When the status is
     * gone too, a PTRACE_EVENT_CLONE (exit signal not SIGCHLD, as for every thread) is taken as a thread.
     */
    CloneCall asTheKernelShows(int child, int creatorTgid, PtraceEvent event) {
        ProcStatus status = ProcStatus.of(child);
        long tgid = status == null ? -1 : status.number("Tgid", -1);
        boolean thread = tgid > 0 ? tgid == creatorTgid : event == PtraceEvent.CLONE;
        long shown = thread ? THREAD_IMPLIES : 0;
        if (!thread && status != null && status.number("PPid", creatorTgid) != creatorTgid) shown |= CloneFlags.CLONE_PARENT;
        if (event == PtraceEvent.VFORK) shown |= CloneFlags.CLONE_VFORK;
        return new CloneCall(nr, shown, false);
    }
}
