package dev.jthreadtrace.session;

import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.Tracer;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.OutputClosedException;
import dev.jthreadtrace.render.OutputFailedException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The consumer's side of a trace, on the calling thread: each event goes into the model, then to
 * the live sink. A reader that went away ({@code | head}) ends the run, as strace does; a full disk
 * stops the writing, not the command; a full heap freezes the model and lets the command run on.
 */
final class EventConsumer {
    private static final int SIGPIPE = 13;

    private final Tracer tracer;
    private final LiveSink live;
    private final Runnable idle;
    private final TraceModel model = new TraceModel();
    private boolean outputClosed;
    private String outputFailure;
    private long accepted;
    private long outOfMemoryAfter = -1;
    private boolean ended;

    EventConsumer(Tracer tracer, LiveSink live, Runnable idle) {
        this.tracer = tracer;
        this.live = live;
        this.idle = idle;
    }

    boolean ended() {
        return ended;
    }

    /** Nothing came for a moment: the live sink flushes (and may find its reader gone). */
    void idle() {
        if (outputClosed || outputFailure != null) return;
        try {
            idle.run();
        } catch (OutputClosedException e) {
            outputClosed = true;
            tracer.requestStop(SIGPIPE);
        } catch (OutputFailedException e) {
            outputFailure = e.getMessage();
        }
    }

    /** One event; true once it was the last ({@link TraceEvent.TraceEnded}). */
    boolean take(TraceEvent event) {
        if (outOfMemoryAfter >= 0) {
            // The heap ran out: the model stays as it was, the command runs on to its end (its
            // events are drained and dropped), and the report covers the trace until then.
            if (event instanceof TraceEvent.TraceEnded) {
                model.accept(event);
                ended = true;
            }
            return ended;
        }
        if (event instanceof TraceEvent.Exec e) event = withRuntime(e);
        try {
            model.accept(event);
            accepted++;
        } catch (OutOfMemoryError e) {
            outOfMemoryAfter = accepted;
            outputFailure = outputFailure != null ? outputFailure : "out of memory";
            return false;
        }
        if (!outputClosed && outputFailure == null) show(event);
        ended = event instanceof TraceEvent.TraceEnded;
        return ended;
    }

    /**
     * The exec'd image is a Go program or not, read from its file here, on the consumer's thread (the ptrace
     * thread reads no file): through /proc/PID/exe while the process lives, else the path it exec'd when that
     * is absolute. A program gone and exec'd by a relative path stays unknown, compared as any other.
     */
    private static TraceEvent.Exec withRuntime(TraceEvent.Exec e) {
        Path exe = Path.of("/proc", Integer.toString(e.tid()), "exe");
        try {
            boolean go = Files.exists(exe) ? GoBinary.is(exe) : e.path() != null && e.path().startsWith("/") && GoBinary.is(Path.of(e.path()));
            return go ? e.withRuntime(TraceEvent.Exec.GO) : e;
        } catch (InvalidPathException notAPath) {
            return e; // a path whose bytes the file system's charset cannot name (C locale): not looked at
        }
    }

    private void show(TraceEvent event) {
        try {
            live.event(event, model);
        } catch (OutputClosedException e) {
            // The reader went away (| head): end the run, as strace does.
            outputClosed = true;
            tracer.requestStop(SIGPIPE);
        } catch (OutputFailedException e) {
            // A full disk must not cost the command its run: trace on, write nothing.
            outputFailure = e.getMessage();
        } catch (OutOfMemoryError e) {
            outOfMemoryAfter = accepted;
            outputFailure = "out of memory";
        }
    }

    TraceSession.Outcome outcome() {
        return new TraceSession.Outcome(model, model.interruptedBy(), outputClosed, outOfMemoryAfter >= 0 ? null : outputFailure,
                outOfMemoryAfter, tracer.seccompStatus(), tracer.stats(), tracer.launchNote());
    }
}
