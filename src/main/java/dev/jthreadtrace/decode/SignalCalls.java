package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * The registry rows of the signal calls ({@code %signal} but rt_sigprocmask, which the settings
 * rows have) and their renderers: handlers with their masks and flags, the alternate stack,
 * sending, waiting for and queueing signals ({@link Siginfo}), and rt_sigreturn's restored mask
 * (read from the signal frame the stack pointer points at).
 */
final class SignalCalls {
    /** strace's sigact_flags order; SA_NOMASK and SA_ONESHOT are SA_NODEFER's and SA_RESETHAND's other names. */
    static final FlagTable SA_FLAGS = FlagTable.of(0x04000000, "SA_RESTORER", 0x08000000, "SA_ONSTACK", 0x10000000, "SA_RESTART",
            0x20000000, "SA_INTERRUPT", 0x40000000, "SA_NODEFER", 0x80000000L, "SA_RESETHAND", 4, "SA_SIGINFO", 1, "SA_NOCLDSTOP",
            2, "SA_NOCLDWAIT");
    static final FlagTable SS_FLAGS = FlagTable.of(1, "SS_ONSTACK", 2, "SS_DISABLE", 0x80000000L, "SS_AUTODISARM");
    static final FlagTable SFD_FLAGS = FlagTable.of(02000000, "SFD_CLOEXEC", 04000, "SFD_NONBLOCK");
    private static final int SIGACTION_SIZE = 32, STACK_T_SIZE = 24, SA_RESTORER = 0x04000000;
    /** Where rt_sigreturn's frame keeps the mask to restore: uc_sigmask of the rt_sigframe at sp - 8. */
    private static final int SIGFRAME_MASK = 304 - 8;

    private SignalCalls() {}

    /**
     * rt_sigreturn, a row of the tool's own ({@link Syscalls}: the model applies the mask it puts
     * back): the mask read from the signal frame at its entry, shown as strace shows it.
     */
    static SyscallSpec sigreturn() {
        return Row.of("rt_sigreturn").needed().effect(ModelEffect.SIGRETURN).capture(new Capture.Gather(0, AT_ENTRY, (memory, args, ret) ->
                        memory.stackPointer() == 0 ? null : memory.read(memory.stackPointer() + SIGFRAME_MASK, Signals.SIGSET_SIZE)))
                .render((a, c, s) -> c.bytes(0) == null ? "" : "{mask=" + Signals.renderSet(Args.le(c.bytes(0)).getLong(0)) + "}");
    }

    static List<SyscallSpec> rows() {
        return List.of(
                Row.of("rt_sigaction").capture(new Capture.Bytes(1, SIGACTION_SIZE, AT_ENTRY), new Capture.Bytes(2, SIGACTION_SIZE, AT_EXIT))
                        .render((a, c, s) -> signal(a[0]) + ", " + sigaction(a[1], c.bytes(1)) + ", " + sigaction(a[2], c.bytes(2))
                                + ", " + Args.ulong(a[3])),
                Row.of("sigaltstack").capture(new Capture.Bytes(0, STACK_T_SIZE, AT_ENTRY), new Capture.Bytes(1, STACK_T_SIZE, AT_EXIT))
                        .render((a, c, s) -> stack(a[0], c.bytes(0)) + ", " + stack(a[1], c.bytes(1))),
                Row.of("kill").render((a, c, s) -> Args.intArg(a[0]) + ", " + signal(a[1])),
                Row.of("tkill").render((a, c, s) -> Args.intArg(a[0]) + ", " + signal(a[1])),
                Row.of("tgkill").render((a, c, s) -> Args.intArg(a[0]) + ", " + Args.intArg(a[1]) + ", " + signal(a[2])),
                Row.of("rt_sigqueueinfo").capture(new Capture.Bytes(2, Siginfo.SIZE, AT_ENTRY))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + signal(a[1]) + ", " + Siginfo.render(a[2], c.bytes(2))),
                Row.of("rt_tgsigqueueinfo").capture(new Capture.Bytes(3, Siginfo.SIZE, AT_ENTRY))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + Args.intArg(a[1]) + ", " + signal(a[2]) + ", "
                                + Siginfo.render(a[3], c.bytes(3))),
                Row.of("rt_sigtimedwait").capture(new Capture.Bytes(0, Signals.SIGSET_SIZE, AT_ENTRY),
                                new Capture.Bytes(1, Siginfo.SIZE, AT_EXIT), new Capture.Bytes(2, Times.TIMESPEC, AT_ENTRY))
                        .result((a, r, c) -> r > 0 ? r + " (" + Signals.name((int) r) + ")" : Long.toString(r))
                        .render((a, c, s) -> PollCalls.sigmask(a[0], c.bytes(0), a[3]) + ", " + Siginfo.render(a[1], c.bytes(1)) + ", "
                                + Times.timespec(a[2], c.bytes(2)) + ", " + Args.ulong(a[3])),
                Row.of("rt_sigpending").capture(new Capture.Bytes(0, Signals.SIGSET_SIZE, AT_EXIT))
                        .render((a, c, s) -> PollCalls.sigmask(a[0], c.bytes(0), a[1]) + ", " + Args.ulong(a[1])),
                Row.of("rt_sigsuspend").capture(new Capture.Bytes(0, Signals.SIGSET_SIZE, AT_ENTRY))
                        .render((a, c, s) -> PollCalls.sigmask(a[0], c.bytes(0), a[1]) + ", " + Args.ulong(a[1])),
                Row.of("pause").render((a, c, s) -> ""),
                Row.of("signalfd4").returns(ReturnStyle.FD).capture(new Capture.ShownFdPath(0),
                                new Capture.Bytes(1, Signals.SIGSET_SIZE, AT_ENTRY), new Capture.ReturnedFdPath())
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + PollCalls.sigmask(a[1], c.bytes(1), a[2]) + ", "
                                + Args.ulong(a[2]) + ", " + SFD_FLAGS.render(a[3] & 0xffffffffL, "0", "SFD_")));
    }

    /** {@code SIGUSR1}, {@code 0}, or the number of something that is not a signal. */
    static String signal(long sig) {
        return Signals.name((int) sig);
    }

    /** {@code {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}}. */
    private static String sigaction(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        long handler = b.getLong(0), flags = b.getLong(8), restorer = b.getLong(16), mask = b.getLong(24);
        String h = handler == 0 ? "SIG_DFL" : handler == 1 ? "SIG_IGN" : handler == -1 ? "SIG_ERR" : Args.pointer(handler);
        return "{sa_handler=" + h + ", sa_mask=" + Signals.renderSet(mask) + ", sa_flags=" + SA_FLAGS.render(flags & 0xffffffffL, "0", "SA_")
                + ((flags & SA_RESTORER) != 0 ? ", sa_restorer=" + Args.pointer(restorer) : "") + "}";
    }

    /** {@code {ss_sp=0x55d0c2a8, ss_flags=0, ss_size=65536}}. */
    private static String stack(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{ss_sp=" + Args.pointer(b.getLong(0)) + ", ss_flags=" + SS_FLAGS.render(b.getInt(8) & 0xffffffffL, "0", "SS_")
                + ", ss_size=" + Long.toUnsignedString(b.getLong(16)) + "}";
    }
}
