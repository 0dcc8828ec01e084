package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.ExitPolicy;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.ProcStatus;
import dev.jthreadtrace.sys.Probe;
import dev.jthreadtrace.sys.SignalMask;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The tracer: one platform thread launches the target ({@link TargetLauncher}) or seizes running
 * processes ({@link ProcessAttacher}), then runs the stop loop ({@link StopLoop}) until no tracee
 * is left; ptrace requests are only valid from that thread. It does no formatting and no I/O: each
 * stop becomes at most one {@link TraceEvent} ({@link StopHandler}) on a bounded queue
 * ({@link Events}). This class is what other threads see: start, stop, forward a signal, detach.
 *
 * <p>If the loop itself fails (a bug), every launched tracee is killed (attached ones are let go)
 * and the trace ends with a {@link TraceEvent.TraceEnded} that carries the failure: a value for
 * the caller to report, never a stack trace on the user's terminal.
 */
public final class Tracer {
    private static final int SIGKILL = 9, SIGSTOP = 19, SIGSYS = 31;
    private static final long SEIZE_OPTIONS = Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACECLONE | Ptrace.O_TRACEFORK
            | Ptrace.O_TRACEVFORK | Ptrace.O_TRACEEXEC | Ptrace.O_EXITKILL;
    /**
     * Attached processes were running before us and must outlive us: no EXITKILL (if the tool dies,
     * the kernel detaches them and they run on).
     */
    private static final long ATTACH_OPTIONS = SEIZE_OPTIONS & ~Ptrace.O_EXITKILL;
    static final String FAULT_PROPERTY = StopLoop.FAULT_PROPERTY;

    private final TraceTarget target;
    private final boolean[] recorded;
    /** What the captures copy beyond themselves: fd paths for -y, data buffers up to -s. */
    private final CaptureLimits limits;
    /** By syscall number, the calls whose entry makes an event (the text lines show them): empty otherwise. */
    private final boolean[] announced;
    /** Which recorded calls are followed to their exit stop. */
    private final ExitPolicy exits;
    private final ExecArguments execArguments;
    private final Events events;
    private final TaskTable tasks = new TaskTable();
    private final ResumeBatch batch = new ResumeBatch();
    private final TerminalSignals terminal = new TerminalSignals();
    private final RingNames rings;
    private final CompletableFuture<Integer> launched = new CompletableFuture<>();
    private volatile SeccompStatus seccomp = SeccompStatus.OFF;
    private volatile String launchNote;
    private volatile int stopSignal;
    /** The trace is being ended ({@link #requestStop}): the loop resumes no task from now on, it kills each. */
    private volatile boolean ending;
    /** Attach mode: let every task go as soon as the loop sees the doorbell. */
    private volatile boolean detachRequested;
    private volatile Doorbell doorbell;
    private Thread thread;
    /** Set by the ptrace thread before the launch completes; read by signal handlers too. */
    private volatile int rootPid;
    private StopLoop loop;

    private Tracer(TraceTarget target, boolean[] recorded, boolean[] announced, CaptureLimits limits, ExitPolicy exits,
                   ExecArguments execArguments, BlockingQueue<TraceEvent> queue) {
        this.target = target;
        this.exits = exits;
        this.recorded = recorded.clone();
        this.announced = announced.clone();
        this.limits = limits;
        this.execArguments = execArguments;
        this.events = new Events(queue);
        this.rings = new RingNames(tasks, events);
    }

    /**
     * Starts the ptrace thread, which launches the command and traces it; returns once the
     * command has been exec'd, stopped before its first instruction. Events, ending with
     * {@link TraceEvent.TraceEnded}, arrive on {@code queue}.
     *
     * @param recorded   indexed by syscall number: which syscalls produce events
     * @param execArguments what to add to the command line of programs the tracees exec
     * @param useSeccomp install a seccomp-bpf filter so only recorded syscalls stop the tracee
     */
    public static Tracer start(Launch launch, boolean[] recorded, ExecArguments execArguments, boolean useSeccomp,
                               BlockingQueue<TraceEvent> queue) throws TraceFailure {
        return start(launch, recorded, CaptureLimits.DEFAULT, execArguments, useSeccomp, queue);
    }

    /** @param limits whether fd paths are read (-y) and how much of a data buffer is copied (-s) */
    public static Tracer start(Launch launch, boolean[] recorded, CaptureLimits limits, ExecArguments execArguments,
                               boolean useSeccomp, BlockingQueue<TraceEvent> queue) throws TraceFailure {
        return start(launch, recorded, new boolean[0], limits, ExitPolicy.EVERY, execArguments, useSeccomp, queue);
    }

    /**
     * The same, announcing the entry of the calls {@code announced} (by syscall number) with a
     * {@link TraceEvent.SyscallEntered}: text lines print a call when it begins, as strace does;
     * {@code exits} says which recorded calls are followed to their exit stop.
     */
    public static Tracer start(Launch launch, boolean[] recorded, boolean[] announced, CaptureLimits limits, ExitPolicy exits,
                               ExecArguments execArguments, boolean useSeccomp, BlockingQueue<TraceEvent> queue) throws TraceFailure {
        return start(launch, recorded, announced, limits, exits, execArguments, useSeccomp, queue, () -> { });
    }

    /**
     * The same; {@code handedOver} runs on the ptrace thread once the command holds the descriptors
     * it inherits, exec'd and not yet at its first instruction (the tool lets go of its own copies
     * there: {@code run}); it must not throw.
     */
    public static Tracer start(Launch launch, boolean[] recorded, boolean[] announced, CaptureLimits limits, ExitPolicy exits,
                               ExecArguments execArguments, boolean useSeccomp, BlockingQueue<TraceEvent> queue,
                               Runnable handedOver) throws TraceFailure {
        // Without CAP_SYS_ADMIN the kernel accepts a filter only from a task with no_new_privs set.
        boolean needNoNewPrivs = useSeccomp && !Capabilities.hasSysAdmin();
        return begin(new Tracer(new TraceTarget.Launching(launch, useSeccomp, needNoNewPrivs, handedOver), recorded, announced,
                limits, exits, execArguments, queue));
    }

    /**
     * Starts the ptrace thread, which seizes every thread of the running processes {@code pids}
     * and traces them and what they create until {@link #requestDetach} or until they are gone.
     * No seccomp filter (see {@link TraceTarget.Attaching}): every syscall stops the target.
     * {@code announced}: by syscall number, the calls whose entry makes an event.
     */
    public static Tracer attach(List<Integer> pids, boolean[] recorded, boolean[] announced, CaptureLimits limits,
                                ExitPolicy exits, ExecArguments execArguments,
                                BlockingQueue<TraceEvent> queue) throws TraceFailure {
        return begin(new Tracer(new TraceTarget.Attaching(pids), recorded, announced, limits, exits, execArguments, queue));
    }

    private static Tracer begin(Tracer tracer) throws TraceFailure {
        // Every pid the tracer reads in /proc must be the one it traces: refuse a /proc of another PID namespace.
        if (TracingFacts.procSelfPid(Path.of("/proc")) != Libc.getpid()) {
            throw new TraceFailure(RefusalDiagnosis.procProblem(TracingFacts.current(Libc.getpid())), null);
        }
        // Under a seccomp filter (a container's profile), ptrace is tried first in a child of its own: a
        // filter that kills the caller of ptrace would end the tool itself by SIGSYS, without a word.
        // Only then: a start without a filter pays nothing.
        if (ProcStatus.self().number("Seccomp", 0) == 2 && killedBySigsys(Probe.ptraceInChild())) {
            throw new TraceFailure(RefusalDiagnosis.ptraceKills(TracingFacts.current(Libc.getpid())), null);
        }
        tracer.thread = Thread.ofPlatform().name("jthreadtrace-ptrace").unstarted(tracer::run);
        tracer.thread.start();
        try {
            tracer.launched.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TraceFailure f) throw f;
            throw new TraceFailure("could not start tracing: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TraceFailure("interrupted while starting the target", e);
        }
        return tracer;
    }

    private static boolean killedBySigsys(int status) {
        return status != -1 && WaitStatus.fromRaw(status) instanceof WaitStatus.Killed(int signal, boolean core) && signal == SIGSYS;
    }

    /** Whether the seccomp filter is in, and why not when it is not. */
    public SeccompStatus seccompStatus() {
        return seccomp;
    }

    /**
     * A note for the user on the start, or null: what of the launcher's state the start gate could not
     * give the command; at an attach, what could not be told of the processes (kcmp refused).
     */
    public String launchNote() {
        return launchNote;
    }

    /**
     * What the ptrace thread did: stops handled, events emitted, and the time from a stop's
     * waitpid return to the tracee's resume (the tracer's own cost per stop). Read after {@link #join}.
     */
    public record Stats(long stops, long events, long busyNs) {
        public double busyMicrosPerStop() {
            return stops == 0 ? 0 : busyNs / 1000.0 / stops;
        }
    }

    public Stats stats() {
        return loop == null ? new Stats(0, events.made(), 0) : new Stats(loop.stops(), events.made(), loop.busyNs());
    }

    /** The pid of the traced command. */
    public int rootPid() {
        return rootPid;
    }

    /**
     * Ends the trace early: every traced process is killed (as PTRACE_O_EXITKILL would on our exit)
     * and the loop then sees them die and finishes normally. Safe from any thread.
     *
     * <p>No traced code runs after this decision: killed one process after another, a shell saw
     * its child die of SIGKILL and ran on for a moment (dash printed "Killed", a wrapper's
     * {@code || cleanup} could run) before its own SIGKILL came. So every thread of every traced
     * process is first sent SIGSTOP, which no mask blocks and which puts a tracee in a
     * signal-delivery stop before it next returns to its own code; only then does each process get
     * its SIGKILL. From the decision on the loop resumes nothing: each stop it sees is killed
     * ({@link StopLoop}), a process forked in the meantime at its first stop.
     */
    public void requestStop(int signal) {
        if (attaching()) {
            // Never kill what we attached to: let it go instead.
            requestDetach();
            return;
        }
        // Nothing left to kill: the trace ends as it would have (a signal after the command's exit
        // must not turn its status into 128+N).
        if (tasks.liveProcesses().isEmpty()) return;
        if (stopSignal == 0) stopSignal = signal;
        ending = true;
        Set<Integer> live = Set.copyOf(tasks.liveProcesses());
        for (int pid : live) for (int tid : EndLooker.tids(pid)) SignalMask.tgkill(pid, tid, SIGSTOP);
        for (int pid : live) Libc.kill(pid, SIGKILL);
    }

    /**
     * Passes a signal to the traced command, the process the tool started, and to nothing else: as
     * {@code kill -TERM PID} of the command would untraced, its own handlers decide what happens
     * (a shell script's background jobs and the daemons it left are not signalled; a terminal's
     * Ctrl-C reaches its whole process group by itself). Safe from any thread.
     *
     * @return false when the command has ended (what it left behind still runs) or this is an attach
     */
    public boolean forward(int signal) {
        if (attaching()) return false;
        int pid = rootPid;
        // Only while the tracer still has it: after its exit and reaping the pid may be another process's.
        return pid > 0 && tasks.liveProcesses().contains(pid) && Libc.kill(pid, signal);
    }

    /**
     * From now on the terminal's Ctrl-C or hangup to a traced process waits until
     * {@link #releaseTerminalSignals} while {@code toolInForeground} says the tool got it too
     * ({@link TerminalSignals}): a hung JVM is still hung when the tool asks for its lock view.
     */
    public void holdTerminalSignals(BooleanSupplier toolInForeground) {
        if (!attaching()) terminal.enable(toolInForeground);
    }

    /** Sends the held terminal signals to their processes; none is held after. Safe from any thread. */
    public void releaseTerminalSignals() {
        terminal.release(liveProcesses());
    }

    /**
     * Whether {@code pid} is a process traced now or among the last that ended: a signal it sent
     * the tool (its {@code kill(0, SIG)} reaches its whole process group, the tool's) is not the
     * user's. Safe from any thread.
     */
    public boolean sentByTraced(int pid) {
        return pid > 0 && tasks.tracedNowOrLately(pid);
    }

    /** The processes traced now (launched or attached, not yet gone). Safe from any thread. */
    public Set<Integer> liveProcesses() {
        return Set.copyOf(tasks.liveProcesses());
    }

    /**
     * A look at what the traced tasks are blocked in, put on the event queue
     * ({@link TraceEvent.EndLook}): lock owners read now, not at the waits. Call before a signal is
     * passed on, the tree killed or the tasks let go, while a hung program still hangs; again at each
     * of these when the trace goes on after the first (a kill after a first SIGINT): the model keeps
     * the latest, taken closest to the real end. None when nothing traced is left (a look at no
     * task would hide the one before). Safe from any thread (it reads /proc and memory, no ptrace
     * request).
     */
    public void lookAtTheEnd() {
        Set<Integer> live = liveProcesses();
        if (live.isEmpty()) return;
        // The names io_uring may have set since the last stop that looked, before the tasks are let go or killed.
        rings.lookAtTheEnd(System.nanoTime(), seen -> events.offer(seen, 2000));
        TraceEvent.EndLook look = EndLooker.look(live);
        if (!look.tasks().isEmpty()) events.offer(look, 2000);
    }

    /** Whether this tracer attached to running processes (which it must never kill). */
    public boolean attaching() {
        return target instanceof TraceTarget.Attaching;
    }

    /**
     * Attach mode: detach from every task (the processes run on untraced) and end the trace. Safe
     * from any thread: rings the doorbell that wakes the ptrace thread from waitpid.
     */
    public void requestDetach() {
        detachRequested = true;
        ringDoorbell();
    }

    private void ringDoorbell() {
        Doorbell bell = doorbell;
        if (bell != null) bell.ring();
    }

    /** The consumer stopped reading: stop blocking on the queue, then end the trace. */
    public void consumerGone(int signal) {
        events.consumerGone();
        requestStop(signal);
    }

    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    // ---- the ptrace thread ------------------------------------------------------------------------

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            StopHandler stops = new StopHandler(recorded, announced, limits, exits, execArguments, tasks, batch, events, terminal,
                    rings, arena);
            MemorySegment status = arena.allocate(JAVA_INT);
            boolean tracing = switch (target) {
                case TraceTarget.Launching l -> launch(l, stops, status);
                case TraceTarget.Attaching a -> attach(a, stops, status);
            };
            if (!tracing) return;
            String lost = loop.run(status);
            events.emit(new TraceEvent.TraceEnded(System.nanoTime(), stopSignal, lost));
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    /** Launches the command behind the gate; false (the caller told) when it could not. */
    private boolean launch(TraceTarget.Launching l, StopHandler stops, MemorySegment status) {
        TargetLauncher.Launched started;
        try {
            started = TargetLauncher.launch(l.launch(), rings.seizedWith(SEIZE_OPTIONS | (l.seccomp() ? Ptrace.O_TRACESECCOMP : 0)),
                    l.seccomp() ? recorded : null, !exits.everyExit(), l.needNoNewPrivs(), stops.info(), status);
        } catch (TraceFailure e) {
            launched.completeExceptionally(e);
            return false;
        }
        l.handedOver().run();
        rootPid = started.pid();
        Libc.kill(rootPid, 0); // links the call now: requestStop must work even with a full heap
        tasks.add(new Task(rootPid, rootPid));
        tasks.processStarted(rootPid);
        seccomp = started.seccomp();
        launchNote = started.started().note();
        stops.seccompActive(started.seccomp().active());
        loop = new StopLoop(tasks, batch, stops, null, () -> ending);
        stops.commandStarted(rootPid, started.started());
        launched.complete(rootPid);
        return true;
    }

    /** Seizes the processes and announces what existed; false (the caller told) when it could not. */
    private boolean attach(TraceTarget.Attaching a, StopHandler stops, MemorySegment status) {
        try {
            doorbell = Doorbell.start();
        } catch (RuntimeException e) {
            launched.completeExceptionally(new TraceFailure("cannot start /bin/sh for the tracer's doorbell: " + e.getMessage(), e));
            return false;
        }
        ProcessAttacher.Attached attached;
        try {
            attached = ProcessAttacher.attach(a.pids(), rings.seizedWith(ATTACH_OPTIONS));
        } catch (TraceFailure e) {
            // Whatever was seized is detached by the kernel when this thread ends.
            doorbell.silence(status);
            launched.completeExceptionally(e);
            return false;
        }
        rootPid = a.pids().getFirst();
        launchNote = attached.note();
        Libc.kill(rootPid, 0);
        Map<Integer, CommDescriptors> tables = new HashMap<>(); // a process's threads share theirs
        for (TraceEvent.ExistingTask t : attached.tasks()) {
            Task task = new Task(t.tid(), t.tgid());
            task.nsTid = t.nsTid();
            task.commFds = tables.computeIfAbsent(t.tgid(), stops::commFilesOpenIn);
            tasks.add(task);
            if (t.tid() == t.tgid()) tasks.processStarted(t.tid());
        }
        seccomp = SeccompStatus.ATTACH;
        stops.started();
        loop = new StopLoop(tasks, batch, stops,
                new StopLoop.Attachment(doorbell, new Detacher(tasks, stops.eventMessage(), stops), () -> detachRequested), () -> false);
        events.emit(new TraceEvent.Attached(System.nanoTime(), rootPid, Libc.getpid(), attached.path(), attached.argv(),
                attached.tasks()));
        launched.complete(rootPid);
        return true;
    }

    /**
     * A bug in the loop. Attached processes are never killed: this thread ends, and the kernel
     * detaches every task it traced (they run on, untraced). Launched ones are: never leave a
     * stopped tracee behind; the kernel reaps them (we are their tracer), and the trace ends with
     * the failure as a value; the caller prints one line.
     */
    private void failed(Throwable e) {
        if (attaching()) {
            ringDoorbell();
            if (!launched.isDone()) launched.completeExceptionally(e);
            else events.emit(new TraceEvent.TraceEnded(System.nanoTime(), 0, describe(e)));
            return;
        }
        try {
            requestStop(0);
        } catch (Throwable again) {
            // EXITKILL still ends every tracee when the tool exits
        }
        if (!launched.isDone()) {
            launched.completeExceptionally(e);
        } else {
            StopLoop.drainAfterFailure();
            events.emit(new TraceEvent.TraceEnded(System.nanoTime(), stopSignal, describe(e)));
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
