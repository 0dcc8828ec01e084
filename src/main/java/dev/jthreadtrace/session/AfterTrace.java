package dev.jthreadtrace.session;

import dev.jthreadtrace.decode.Signals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * What SIGINT, SIGTERM and SIGHUP to the tool do once nothing traced is left: the command has
 * exited (or an attach let go) and the tool is taking in the last events, writing the report, the
 * JSONL final records, HTML and JUnit XML. There is nothing to pass a signal to or kill, so none
 * cuts that output short: a file left half-written (a JSONL trace {@code check} refuses, XML no
 * parser reads) would be worse than the second it takes to finish, and the exit status stays what
 * the trace decided (the command's, or the assertions'). {@code timeout -s INT} signals the tool
 * and then its whole group, and an impatient Ctrl-C comes twice: neither may lose the run. One
 * line says so for the first signal and one more for the second; later ones say nothing. SIGKILL
 * is the user's last resort (the output is then unfinished).
 *
 * <p>The JVM's own handling (shutdown hooks, then exit 128+N) never runs meanwhile: the launcher
 * holds these signals blocked for {@link StopSignals}' thread, and without it our
 * {@code sun.misc.Signal} handlers stay in place until the output is written.
 */
final class AfterTrace implements IntConsumer {
    private final AtomicInteger received = new AtomicInteger();
    private final Consumer<String> notice;
    private final boolean attached;

    /** @param attached an attach (what was traced was let go, never signalled) rather than a launched command */
    AfterTrace(Consumer<String> notice, boolean attached) {
        this.notice = notice;
        this.attached = attached;
    }

    @Override
    public void accept(int signal) {
        int count = received.incrementAndGet();
        String name = Signals.name(signal);
        if (count == 1) {
            notice.accept(name + (attached ? ": the trace has ended" : ": the traced command has exited, nothing sent")
                    + "; finishing the report and output files, which no signal cuts short (SIGKILL would)");
        } else if (count == 2) {
            notice.accept("second " + name + ": still finishing the output; the exit status stays the trace's"
                    + " (SIGKILL ends jthreadtrace at once, the output unfinished)");
        }
    }
}
