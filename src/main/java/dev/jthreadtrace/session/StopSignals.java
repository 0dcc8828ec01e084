package dev.jthreadtrace.session;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * SIGINT, SIGTERM and SIGHUP to the tool go to a handler of ours ({@link Interrupts}) instead of
 * killing the JVM mid-write.
 * Uses the JDK's own signal dispatch ({@code sun.misc.Signal}, in jdk.unsupported) rather than a
 * native {@code sigaction}: the JVM already owns signal handling, and its handler thread calls us.
 */
public final class StopSignals {
    private static final String[] NAMES = {"INT", "TERM", "HUP"};
    private static final Map<String, SignalHandler> previous = new HashMap<>();

    private StopSignals() {}

    public static synchronized void install(IntConsumer stop) {
        for (String name : NAMES) {
            try {
                previous.put(name, Signal.handle(new Signal(name), s -> stop.accept(s.getNumber())));
            } catch (IllegalArgumentException e) {
                // The signal is not available to us (e.g. ignored by the parent with -Xrs); leave it.
            }
        }
    }

    public static synchronized void uninstall() {
        previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
        previous.clear();
    }
}
