package dev.jthreadtrace.session;

import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.Tracer;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.OutputClosedException;
import dev.jthreadtrace.render.OutputFailedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    private final TraceModel model;
    private final PrivilegedExecs privileged = new PrivilegedExecs();
    private final RefusedPtraces refusedPtraces = new RefusedPtraces();
    private boolean outputClosed;
    private String outputFailure;
    private long accepted;
    private long outOfMemoryAfter = -1;
    private boolean ended;

    EventConsumer(Tracer tracer, FoldPlan fold, LiveSink live, Runnable idle) {
        this.tracer = tracer;
        this.model = fold.newModel();
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
        if (event instanceof TraceEvent.Exec e) {
            // One look at /proc/PID/exe serves both readers of the exec'd file.
            boolean stillRuns = stillRuns(Path.of("/proc", Integer.toString(e.tid()), "exe"), e.image());
            privileged.look(e, stillRuns);
            event = withRuntime(e, stillRuns);
        }
        if (event instanceof TraceEvent.Attached a) event = withRuntimes(a);
        if (event instanceof TraceEvent.Syscall s) refusedPtraces.look(s, model);
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
     * thread reads no file, only names it at the exec stop: {@code image}): through /proc/PID/exe while the
     * process still runs that image (in its own mount namespace), else the file named at the exec stop (a
     * relative path resolved in the caller's working directory), else the path exec'd when it is absolute.
     */
    static TraceEvent.Exec withRuntime(TraceEvent.Exec e) {
        return withRuntime(e, stillRuns(Path.of("/proc", Integer.toString(e.tid()), "exe"), e.image()));
    }

    /** The same, {@code stillRuns}: whether /proc/PID/exe still names the exec'd image. */
    private static TraceEvent.Exec withRuntime(TraceEvent.Exec e, boolean stillRuns) {
        Path exe = Path.of("/proc", Integer.toString(e.tid()), "exe");
        String file = e.image() != null ? e.image() : e.path() != null && e.path().startsWith("/") ? e.path() : null;
        try {
            boolean go = stillRuns ? GoBinary.is(exe) : file != null && GoBinary.is(Path.of(file));
            return go ? e.withRuntime(TraceEvent.Exec.GO) : e;
        } catch (InvalidPathException notAPath) {
            return e; // a path whose bytes the file system's charset cannot name (C locale): not looked at
        }
    }

    /** Whether {@code exe} (a /proc/PID/exe) names {@code image}, or any image when that is unknown. */
    private static boolean stillRuns(Path exe, String image) {
        try {
            return image == null ? Files.exists(exe) : Files.readSymbolicLink(exe).toString().equals(image);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The processes an attach found were exec'd before it: whether each runs a Go program is read from
     * /proc/PID/exe of its leader now, as for an exec.
     */
    private static TraceEvent.Attached withRuntimes(TraceEvent.Attached a) {
        List<TraceEvent.ExistingTask> tasks = new ArrayList<>(a.tasks().size());
        for (TraceEvent.ExistingTask t : a.tasks()) {
            boolean go = t.tid() == t.tgid() && GoBinary.is(Path.of("/proc", Integer.toString(t.tid()), "exe"));
            tasks.add(go ? t.withRuntime(TraceEvent.Exec.GO) : t);
        }
        return a.withTasks(tasks);
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
                outOfMemoryAfter, tracer.seccompStatus(), tracer.stats(), tracer.launchNote(),
                notes());
    }

    /** What the tracing withheld from the command: set-user-ID programs' privileges, its own ptrace. */
    private List<String> notes() {
        List<String> notes = new ArrayList<>(privileged.notes(tracer.seccompStatus().noNewPrivs()));
        notes.addAll(refusedPtraces.notes());
        return notes;
    }
}
