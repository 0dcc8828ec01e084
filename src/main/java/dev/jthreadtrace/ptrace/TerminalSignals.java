package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Libc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C or a hangup at the terminal reaches the traced command and the tool at the same moment,
 * and a JVM begins its shutdown before the tool can ask it who waits for whom (its lock view, the
 * last look of a hung program). So, once enabled, the terminal's SIGINT or SIGHUP to a traced
 * process (si_code SI_KERNEL) is held back at its delivery stop while the tool is in the terminal's
 * foreground group too (it got the same signal, and its handler releases the held ones after the
 * look); released, each goes to its process again by kill(2). Untraced the command would have had
 * it a moment earlier, from the kernel rather than from a process. Safe from any thread.
 */
public final class TerminalSignals {
    private static final int SIGHUP = 1, SIGINT = 2, SI_KERNEL = 0x80;

    private volatile BooleanSupplier toolInForeground;
    /** Held signals by process; once released, nothing more is held. */
    private final Map<Integer, Integer> held = new LinkedHashMap<>();
    private boolean released;

    /** From now on, hold the terminal's signals while {@code toolInForeground} says the tool got them too. */
    void enable(BooleanSupplier toolInForeground) {
        this.toolInForeground = toolInForeground;
    }

    /**
     * At a delivery stop: whether to suppress this signal now (it is then held for {@code tgid}).
     * {@code siCode} is the siginfo's, {@link Integer#MIN_VALUE} when it could not be read.
     */
    synchronized boolean hold(int tgid, int signal, int siCode) {
        BooleanSupplier foreground = toolInForeground;
        if (foreground == null || released || (signal != SIGINT && signal != SIGHUP) || siCode != SI_KERNEL) return false;
        if (!foreground.getAsBoolean()) return false;
        held.putIfAbsent(tgid, signal);
        return true;
    }

    /** Sends every held signal to its process, if it is still traced (else its pid may be another's); holds no more. */
    void release(Set<Integer> live) {
        Map<Integer, Integer> sending;
        synchronized (this) {
            released = true;
            sending = Map.copyOf(held);
            held.clear();
        }
        sending.forEach((pid, signal) -> {
            if (live.contains(pid)) Libc.kill(pid, signal);
        });
    }
}
