package dev.jthreadtrace.ptrace;

/**
 * What one {@code waitpid} status means for a ptrace'd task: a pure decoding of the int, in the
 * spirit of nix's {@code WaitStatus::from_raw}, so every branch is unit-tested without a kernel.
 *
 * <p>Layout (glibc's {@code W*} macros): low 7 bits are the terminating signal, 0 for a normal
 * exit and 0x7f for a stop; bits 8..15 are the exit code or stop signal; bits 16..23 the ptrace
 * event. A syscall stop has stop signal {@code SIGTRAP|0x80} because of {@code PTRACE_O_TRACESYSGOOD}.
 */
public sealed interface WaitStatus {
    int SIGTRAP = 5;
    int SYSCALL_TRAP = SIGTRAP | 0x80;

    /** Task exited with {@code exit(code)}. */
    record Exited(int code) implements WaitStatus {}

    /** Task was killed by a signal. */
    record Killed(int signal, boolean coreDumped) implements WaitStatus {}

    /** Syscall-entry or -exit stop; which one is told by PTRACE_GET_SYSCALL_INFO. */
    record SyscallStop() implements WaitStatus {}

    /** A {@code PTRACE_EVENT_*} stop other than {@code PTRACE_EVENT_STOP}. */
    record EventStop(PtraceEvent event) implements WaitStatus {}

    /** {@code PTRACE_EVENT_STOP} with a stopping signal: a group stop, to be answered with PTRACE_LISTEN. */
    record GroupStop(int signal) implements WaitStatus {}

    /**
     * {@code PTRACE_EVENT_STOP} without a stopping signal: the first stop of an auto-attached task,
     * the stop PTRACE_INTERRUPT asked for, or the wake-up of a listening task after SIGCONT.
     */
    record InterruptStop() implements WaitStatus {}

    /** A signal is about to be delivered; it must be re-injected when the task is resumed. */
    record SignalDeliveryStop(int signal) implements WaitStatus {}

    /** Anything else (e.g. WCONTINUED reports); never expected with the options the tracer uses. */
    record Unknown(int raw) implements WaitStatus {}

    /**
     * The statuses without a value of their own, made once: the ptrace thread decodes one per stop,
     * and the tool's compiler (C1) does not take a short-lived allocation away.
     */
    SyscallStop SYSCALL_STOP = new SyscallStop();
    InterruptStop INTERRUPT_STOP = new InterruptStop();

    /** By event code, one EventStop each (null where the kernel defines no event). */
    private static EventStop eventStop(PtraceEvent event) {
        return EventStops.BY_CODE[event.code()];
    }

    static WaitStatus fromRaw(int raw) {
        int low = raw & 0x7f;
        if (low == 0) return new Exited((raw >> 8) & 0xff);
        if (low != 0x7f) return new Killed(low, (raw & 0x80) != 0);
        if ((raw & 0xff) != 0x7f) return new Unknown(raw);
        int signal = (raw >> 8) & 0xff;
        int eventCode = (raw >>> 16) & 0xff;
        if (signal == SYSCALL_TRAP) return SYSCALL_STOP;
        if (eventCode == 0) return new SignalDeliveryStop(signal);
        PtraceEvent event = PtraceEvent.of(eventCode);
        if (event == null) return new Unknown(raw);
        if (event == PtraceEvent.STOP) {
            return isStoppingSignal(signal) ? new GroupStop(signal) : INTERRUPT_STOP;
        }
        return eventStop(event);
    }

    /** SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the signals that put a whole thread group in group-stop. */
    static boolean isStoppingSignal(int signal) {
        return signal == 19 || signal == 20 || signal == 21 || signal == 22;
    }

    /** The holder of {@link #eventStop}'s table (an interface's fields are public: this keeps it private to the file). */
    final class EventStops {
        private static final EventStop[] BY_CODE = new EventStop[256];

        static {
            for (PtraceEvent e : PtraceEvent.values()) BY_CODE[e.code()] = new EventStop(e);
        }

        private EventStops() {}
    }
}
