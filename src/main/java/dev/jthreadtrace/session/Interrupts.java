package dev.jthreadtrace.session;

import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.ptrace.Tracer;
import dev.jthreadtrace.sys.Terminal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * What SIGINT, SIGTERM and SIGHUP to the tool do during a trace, as a shell does for its job: the
 * first is passed to the traced command (the process the tool started, not what that started:
 * {@code kill -TERM} of the command would reach it alone untraced), whose own handlers and shutdown
 * hooks then run, and the trace goes on until the traced processes have exited; a second one (or
 * {@code killAfter} after the first) kills the traced tree and ends the trace with what was seen.
 * Under {@code attach} every one of them detaches instead: what was attached to is never signalled.
 *
 * <p>A signal the terminal sent (Ctrl-C, a hangup) reaches the traced command too when the tool is
 * the terminal's foreground process group, which the command shares: it is not sent twice, but the
 * tracer holds it back at its delivery stop until the last look is taken, then lets it go.
 *
 * <p>Before the first signal is passed on (or the attached processes let go), {@code lastLook}
 * takes the picture of a program that may hang: what it is blocked in, from its own side (a JVM's
 * lock view), while it still is; it must return within a few seconds (the runner bounds it). When
 * the trace goes on after it, the kill (a second signal, {@code killAfter}) takes the kernel's look
 * again, just before: the report says what the tasks were in when the trace really ended.
 *
 * @param killAfter how long after the first signal the tree is killed; null: only on a second signal
 * @param notice    one line for the user when a signal arrives
 * @param lastLook  what to take from the traced programs before the signal reaches them
 */
public record Interrupts(Duration killAfter, Consumer<String> notice, Consumer<Tracer> lastLook) {
    private static final int SIGHUP = 1, SIGINT = 2;

    public static final Interrupts DEFAULT = new Interrupts(null, line -> { });

    /** Nothing to take before a signal is passed on. */
    private static final Consumer<Tracer> NO_LOOK = tracer -> { };

    public Interrupts(Duration killAfter, Consumer<String> notice) {
        this(killAfter, notice, NO_LOOK);
    }

    /**
     * Before the trace: with a last look to take, the terminal's own Ctrl-C or hangup to the traced
     * processes waits for it (a JVM would be shutting down already: {@link Tracer#holdTerminalSignals}).
     */
    void prepare(Tracer tracer) {
        if (lastLook != NO_LOOK) tracer.holdTerminalSignals(Terminal::inForeground);
    }

    /** What a signal does once nothing traced is left ({@link AfterTrace}): the output is finished, never cut short. */
    IntConsumer afterTrace(Tracer tracer) {
        return new AfterTrace(notice, tracer.attaching());
    }

    /**
     * During the trace; {@code afterTrace} takes a signal that comes when nothing traced is left
     * (the last events are still being taken in): there is nothing to pass it to or kill.
     */
    IntConsumer handlerFor(Tracer tracer, IntConsumer afterTrace) {
        AtomicInteger received = new AtomicInteger();
        return signal -> {
            if (tracer.liveProcesses().isEmpty()) {
                afterTrace.accept(signal);
                return;
            }
            if (tracer.attaching()) {
                // What we attached to is never signalled or killed: the trace ends, the processes run on.
                if (received.incrementAndGet() == 1) {
                    notice.accept(Signals.name(signal) + ": detaching; the processes run on untraced");
                    lastLook.accept(tracer);
                }
                tracer.requestDetach();
                return;
            }
            if (received.incrementAndGet() > 1) {
                tracer.releaseTerminalSignals();
                notice.accept("second " + Signals.name(signal) + ": killing the traced command; reporting what was traced so far");
                tracer.lookAtTheEnd(); // the trace ends now, not at the first signal: what the tasks are in now
                tracer.requestStop(signal);
                return;
            }
            boolean fromTerminal = (signal == SIGINT || signal == SIGHUP) && Terminal.inForeground();
            lastLook.accept(tracer);
            tracer.releaseTerminalSignals();
            boolean passed = fromTerminal || tracer.forward(signal);
            notice.accept(passed
                    ? Signals.name(signal) + (fromTerminal ? " reached the traced command from the terminal"
                    : " passed to the traced command") + "; the trace goes on until it exits"
                    + (killAfter == null ? "" : " (killed after " + killAfter.toMillis() + " ms)")
                    + "; a second one kills it"
                    : Signals.name(signal) + ": the traced command has exited; the trace goes on while the processes it left"
                    + " run" + (killAfter == null ? "" : " (killed after " + killAfter.toMillis() + " ms)")
                    + "; a second one kills them");
            if (killAfter != null) {
                Thread.ofPlatform().daemon().name("jthreadtrace-kill-after").start(() -> {
                    try {
                        Thread.sleep(killAfter);
                        if (received.get() == 1) {
                            tracer.lookAtTheEnd();
                            tracer.requestStop(signal);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        };
    }
}
