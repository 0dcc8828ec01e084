package dev.jthreadtrace.session;

import dev.jthreadtrace.sys.SignalMask;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * SIGINT, SIGTERM and SIGHUP to the tool go to a handler of ours ({@link Interrupts}) instead of
 * killing the JVM mid-write.
 *
 * <p>From the tool's first moment: the launcher execs the tool's JVM with these signals blocked
 * and {@code -Xrs} (so the JVM never unblocks them: it would, and until its own handler is in place
 * a signal killed it at the default disposition, silently, 130). A thread of ours takes them with
 * {@code sigtimedwait} ({@link #installEarly}); before the trace's handler is installed they are
 * kept: {@link #beforeTrace} says whether one came before anything was started (the runner then
 * ends with one line, 128+N), and {@link #install} hands the rest, in order, to the trace's handler.
 * Once the trace is over the handler is {@link AfterTrace} (the output is finished, not cut short)
 * until the caller {@link #uninstall}s it, its output written.
 *
 * <p>Without the launcher (tests, {@code java -jar}, an env without --block-signal) the JDK's own
 * dispatch does the same from the moment our code runs ({@code sun.misc.Signal}, in
 * jdk.unsupported: the JVM owns signal handling, and its handler thread calls us).
 */
public final class StopSignals {
    private static final String[] NAMES = {"INT", "TERM", "HUP"};
    /** The signals the launcher holds blocked (hex mask; absent without the launcher). */
    private static final String HELD = "jthreadtrace.launcher.held";
    private static final Map<String, SignalHandler> previous = new HashMap<>();
    private static final List<SignalMask.Taken> early = new ArrayList<>();
    private static IntConsumer current;
    /** Whether a sender (a pid, 0: the kernel or not known) is a traced process: its signal is not the user's. */
    private static IntPredicate traced = sender -> false;
    private static long held;
    private static volatile int waiterTid;
    private static volatile boolean closing;
    private static Thread waiter;

    private StopSignals() {}

    /** At the tool's start (run, attach, demo): a signal from now on is kept for the trace. */
    public static synchronized void installEarly() {
        held = heldByLauncher();
        if (held == 0) {
            handleAll();
            return;
        }
        long mask = held;
        waiter = Thread.ofPlatform().daemon().name("jthreadtrace-signals").start(() -> {
            waiterTid = SignalMask.tid();
            while (!closing) {
                SignalMask.Taken taken = SignalMask.await(mask);
                if (!closing) arrived(taken);
            }
        });
    }

    /**
     * Before the tool exits: the waiting thread leaves its system call (the JVM's exit waits up to
     * 300 ms for a thread in native code: measured, every run took that much longer).
     */
    public static void close() {
        Thread thread;
        synchronized (StopSignals.class) {
            thread = waiter;
            waiter = null;
        }
        if (thread == null) return;
        closing = true;
        try {
            for (int i = 0; i < 100 && waiterTid == 0 && thread.isAlive(); i++) Thread.sleep(1);
            if (waiterTid != 0) SignalMask.wake(waiterTid, Long.numberOfTrailingZeros(held) + 1);
            thread.join(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first signal that arrived before the trace's handler was installed, or 0. */
    public static int beforeTrace() {
        // One still pending (the waiting thread may not be running yet) is taken here.
        if (held != 0) SignalMask.takePending(held).forEach(StopSignals::arrived);
        synchronized (StopSignals.class) {
            return early.isEmpty() ? 0 : early.getFirst().signal();
        }
    }

    /**
     * The trace's handler; a signal that arrived before it is handed on now, in order, on a thread
     * of its own. A signal a traced process sent ({@code fromTraced} of its sender: a command's
     * {@code kill(0, SIGINT)} or {@code trap 'kill 0' EXIT} signals its process group, which holds
     * the tool) is the command's business: it reached the command's group itself, as untraced, and
     * the handler never sees it (it is no user's first or second signal, and not the terminal's).
     */
    public static void install(IntConsumer stop, IntPredicate fromTraced) {
        List<SignalMask.Taken> pending;
        synchronized (StopSignals.class) {
            if (held == 0) handleAll();
            current = stop;
            traced = fromTraced;
            pending = early.stream().filter(t -> t.sender() == 0 || !fromTraced.test(t.sender())).toList();
            early.clear();
        }
        if (!pending.isEmpty()) {
            Thread.ofPlatform().daemon().name("jthreadtrace-early-signal").start(() -> pending.forEach(t -> stop.accept(t.signal())));
        }
    }

    /**
     * After the trace and its output: without the launcher the JVM's handlers are back (tests run
     * many traces in one JVM); with it a signal changes nothing now, the tool exiting with the
     * status already chosen (ending it 128+N here, as before, could still cut a file's last bytes
     * that the caller had not flushed).
     */
    public static void uninstall() {
        // A signal that came while the output was written but that the waiting thread has not taken
        // yet (a loaded machine schedules it late) is still the current handler's: it is told now.
        if (held != 0) SignalMask.takePending(held).forEach(StopSignals::arrived);
        swapOut();
    }

    private static synchronized void swapOut() {
        previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
        previous.clear();
        early.clear();
        current = held == 0 ? null : signal -> { };
        traced = sender -> false;
    }

    private static long heldByLauncher() {
        try {
            return Long.parseUnsignedLong(System.getProperty(HELD, "0"), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void handleAll() {
        for (String name : NAMES) {
            if (previous.containsKey(name)) continue;
            try {
                // (The JDK's dispatch does not say who sent it.)
                previous.put(name, Signal.handle(new Signal(name), s -> arrived(new SignalMask.Taken(s.getNumber(), 0))));
            } catch (IllegalArgumentException e) {
                // The signal is not available to us (e.g. ignored by the parent with -Xrs); leave it.
            }
        }
    }

    private static void arrived(SignalMask.Taken taken) {
        IntConsumer to;
        IntPredicate fromTraced;
        synchronized (StopSignals.class) {
            to = current;
            fromTraced = traced;
            if (to == null) {
                early.add(taken);
                return;
            }
        }
        if (taken.sender() != 0 && fromTraced.test(taken.sender())) return;
        to.accept(taken.signal());
    }
}
