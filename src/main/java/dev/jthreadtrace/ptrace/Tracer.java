package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Capture;
import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The ptrace loop. One platform thread launches the target ({@link TargetLauncher}), then runs
 * {@code waitpid(-1, __WALL)} until no tracee is left; ptrace requests are only valid from that
 * thread. It does no formatting and no I/O: each stop becomes at most one {@link TraceEvent}
 * (plain values plus the memory the decoders asked for) put on a bounded queue. Stops are
 * collected in batches and resumed together ({@link ResumeBatch}); a new task is held until its
 * creator's event ({@link HeldChildren}).
 *
 * <p>If the loop itself fails (a bug), every tracee is killed and the trace ends with a
 * {@link TraceEvent.TraceEnded} that carries the failure: a value for the caller to report, never
 * a stack trace on the user's terminal.
 */
public final class Tracer {
    private static final int WNOHANG = 1, WALL = 0x40000000;
    private static final int SIGKILL = 9;
    private static final long SEIZE_OPTIONS = Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACECLONE | Ptrace.O_TRACEFORK
            | Ptrace.O_TRACEVFORK | Ptrace.O_TRACEEXEC | Ptrace.O_EXITKILL;
    /**
     * Attached processes were running before us and must outlive us: no EXITKILL (if the tool dies,
     * the kernel detaches them and they run on).
     */
    private static final long ATTACH_OPTIONS = SEIZE_OPTIONS & ~Ptrace.O_EXITKILL;
    private static final long HOLD_LIMIT_NS = 1_000_000_000L;
    /** How long a detach waits for every task to reach a stop before the thread leaves (the kernel detaches the rest). */
    private static final long DETACH_LIMIT_NS = 5_000_000_000L;
    /**
     * Fault injection for tests only: {@code -Djthreadtrace.fault.loop-after-stops=N} makes the loop
     * thread fail at its N-th stop, to prove such a failure ends in one line and exit 125.
     */
    static final String FAULT_PROPERTY = "jthreadtrace.fault.loop-after-stops";

    /** What to launch ({@code run}); null when attaching. */
    private final Launch launch;
    /** The processes to attach to ({@code attach}); null when the tracer launches {@link #launch}. */
    private final List<Integer> attachPids;
    private final boolean[] recorded;
    /** What the captures copy beyond themselves: fd paths for -y, data buffers up to -s. */
    private final CaptureLimits limits;
    private final ExecArguments execArguments;
    private final boolean useSeccomp;
    private final boolean needNoNewPrivs;
    private final long faultAfterStops;
    /** True once the filter is in the gate: tasks then run with PTRACE_CONT and stop only at traced syscalls. */
    private boolean seccompActive;
    private volatile String seccompStatus = "off";
    private final BlockingQueue<TraceEvent> queue;

    private final CompletableFuture<Integer> launched = new CompletableFuture<>();
    /** Thread groups alive now: what a stop request must kill. Read by other threads. */
    private final Set<Integer> liveProcesses = ConcurrentHashMap.newKeySet();
    private volatile int stopSignal;
    private volatile boolean consumerGone;
    /** Attach mode: let every task go as soon as the loop sees the doorbell. */
    private volatile boolean detachRequested;
    private volatile GateLauncher.Gate doorbell;
    private final java.util.concurrent.atomic.AtomicBoolean doorbellRung = new java.util.concurrent.atomic.AtomicBoolean();
    private Thread thread;

    // ptrace-thread state
    private final Map<Integer, Task> tasks = new HashMap<>();
    private final HeldChildren held = new HeldChildren(HOLD_LIMIT_NS);
    private final ResumeBatch batch = new ResumeBatch();
    private final ResumeBatch.Resumer resumer = this::resumeNow;
    private int rootPid;
    private boolean targetStarted;
    private boolean detaching;
    private long detachDeadline;
    private int detachedTasks;
    private boolean doorbellReaped;
    private TraceeMemory memory;
    private InitialStack execRewriter;
    // Counters for --stats: plain fields, written by the ptrace thread, read after it has ended.
    private long stops, busyNs, events, lostEvents;
    private MemorySegment info;
    /** The last record {@link #syscallInfo} read, copied out of {@link #info}. */
    private final SyscallInfoLayout.Copy infoNow = new SyscallInfoLayout.Copy();
    private MemorySegment eventMessage;
    /** For PTRACE_GETREGS on the ptrace thread. */
    private MemorySegment regs;
    /** For PTRACE_GETSIGINFO at a signal-delivery stop. */
    private MemorySegment siginfo;

    private Tracer(Launch launch, List<Integer> attachPids, boolean[] recorded, CaptureLimits limits,
                   ExecArguments execArguments, boolean useSeccomp, boolean needNoNewPrivs, BlockingQueue<TraceEvent> queue) {
        this.launch = launch;
        this.attachPids = attachPids == null ? null : List.copyOf(attachPids);
        this.recorded = recorded.clone();
        this.limits = limits;
        this.execArguments = execArguments;
        this.useSeccomp = useSeccomp;
        this.needNoNewPrivs = needNoNewPrivs;
        this.queue = queue;
        this.faultAfterStops = Long.getLong(FAULT_PROPERTY, -1);
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
        // Without CAP_SYS_ADMIN the kernel accepts a filter only from a task with no_new_privs set.
        boolean needNoNewPrivs = useSeccomp && !Capabilities.hasSysAdmin();
        return begin(new Tracer(launch, null, recorded, limits, execArguments, useSeccomp, needNoNewPrivs, queue));
    }

    /**
     * Starts the ptrace thread, which seizes every thread of the running processes {@code pids}
     * and traces them and what they create until {@link #requestDetach} or until they are gone.
     * No seccomp filter: it could not be removed, and after the detach its SECCOMP_RET_TRACE rules
     * would fail the traced syscalls with ENOSYS. Every syscall stops the target instead.
     */
    public static Tracer attach(List<Integer> pids, boolean[] recorded, CaptureLimits limits, ExecArguments execArguments,
                                BlockingQueue<TraceEvent> queue) throws TraceFailure {
        return begin(new Tracer(null, pids, recorded, limits, execArguments, false, false, queue));
    }

    private static Tracer begin(Tracer tracer) throws TraceFailure {
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

    /** "on", "on (no_new_privs set)", "off", or why the filter could not be installed. */
    public String seccompStatus() {
        return seccompStatus;
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
        return new Stats(stops, events, busyNs);
    }

    /** The pid of the traced command. */
    public int rootPid() {
        return rootPid;
    }

    /**
     * Ends the trace early: every traced process is killed (as PTRACE_O_EXITKILL would on our exit)
     * and the loop then sees them die and finishes normally. Safe from any thread.
     */
    public void requestStop(int signal) {
        if (attaching()) {
            // Never kill what we attached to: let it go instead.
            requestDetach();
            return;
        }
        if (stopSignal == 0) stopSignal = signal;
        for (int pid : liveProcesses) Libc.kill(pid, SIGKILL);
    }

    /**
     * Passes a signal to every traced process (as a shell passes Ctrl-C to its job): the command's
     * own handlers decide what happens. Safe from any thread.
     */
    public void forward(int signal) {
        if (attaching()) return;
        for (int pid : liveProcesses) Libc.kill(pid, signal);
    }

    /** Whether this tracer attached to running processes (which it must never kill). */
    public boolean attaching() {
        return attachPids != null;
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
        GateLauncher.Gate bell = doorbell;
        if (bell != null && doorbellRung.compareAndSet(false, true)) GateLauncher.abandon(bell);
    }

    /** The consumer stopped reading: stop blocking on the queue, then end the trace. */
    public void consumerGone(int signal) {
        consumerGone = true;
        queue.clear();
        requestStop(signal);
    }

    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    // ---- the ptrace thread ------------------------------------------------------------------------

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            info = arena.allocate(SyscallInfoLayout.LAYOUT);
            eventMessage = arena.allocate(8);
            regs = arena.allocate(UserRegs.SIZE, 8);
            memory = new TraceeMemory(limits);
            siginfo = arena.allocate(dev.jthreadtrace.decode.Siginfo.SIZE, 8);
            // Without arguments to add (--jvm off or env) the execs are not looked at at all.
            execRewriter = execArguments == ExecArguments.NONE ? null : new InitialStack(execArguments, memory, arena);
            if (attachPids != null) {
                attachAndLoop(arena);
                return;
            }
            TargetLauncher.Launched target;
            try {
                target = TargetLauncher.launch(launch, SEIZE_OPTIONS | (useSeccomp ? Ptrace.O_TRACESECCOMP : 0),
                        useSeccomp ? recorded : null, needNoNewPrivs, info, eventMessage);
            } catch (TraceFailure e) {
                launched.completeExceptionally(e);
                return;
            }
            rootPid = target.pid();
            Libc.kill(rootPid, 0); // links the call now: requestStop must work even with a full heap
            tasks.put(rootPid, new Task(rootPid, rootPid));
            liveProcesses.add(rootPid);
            seccompActive = target.seccomp().active();
            seccompStatus = target.seccomp().description();
            commandStarted(target.started());
            launched.complete(rootPid);
            loop(arena.allocate(JAVA_INT));
        } catch (RuntimeException | Error e) {
            if (attachPids != null) {
                // Attached processes are never killed: this thread ends, and the kernel detaches every
                // task it traced (they run on, untraced).
                ringDoorbell();
                if (!launched.isDone()) launched.completeExceptionally(e);
                else emit(new TraceEvent.TraceEnded(System.nanoTime(), 0, describe(e)));
                return;
            }
            // A bug in the loop: never leave a stopped tracee behind. Kill what we trace, let the
            // kernel reap it (we are its tracer: the children die with their SIGKILL), and end the
            // trace with the failure as a value; the caller prints one line.
            try {
                requestStop(0);
            } catch (Throwable again) {
                // EXITKILL still ends every tracee when the tool exits
            }
            if (!launched.isDone()) {
                launched.completeExceptionally(e);
            } else {
                drainAfterFailure();
                emit(new TraceEvent.TraceEnded(System.nanoTime(), stopSignal, describe(e)));
            }
        }
    }

    /** Attach mode: seize the processes, announce what existed, trace until detached or gone. */
    private void attachAndLoop(Arena arena) {
        ProcessAttacher.Attached attached;
        try {
            doorbell = GateLauncher.spawnDoorbell();
        } catch (RuntimeException e) {
            launched.completeExceptionally(new TraceFailure("cannot start /bin/sh for the tracer's doorbell: " + e.getMessage(), e));
            return;
        }
        try {
            attached = ProcessAttacher.attach(attachPids, ATTACH_OPTIONS);
        } catch (TraceFailure e) {
            // Whatever was seized is detached by the kernel when this thread ends.
            ringDoorbell();
            Libc.waitpid(doorbell.pid(), arena.allocate(JAVA_INT), WALL);
            launched.completeExceptionally(e);
            return;
        }
        rootPid = attachPids.getFirst();
        Libc.kill(rootPid, 0);
        for (TraceEvent.ExistingTask t : attached.tasks()) {
            tasks.put(t.tid(), new Task(t.tid(), t.tgid()));
            if (t.tid() == t.tgid()) liveProcesses.add(t.tid());
        }
        seccompStatus = "off (attach)";
        targetStarted = true;
        emit(new TraceEvent.Attached(System.nanoTime(), rootPid, Libc.getpid(), attached.path(), attached.argv(),
                attached.tasks()));
        launched.complete(rootPid);
        loop(arena.allocate(JAVA_INT));
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    /** After a failure: reap the killed tracees (bounded), so none is left a zombie or in a ptrace-stop. */
    private void drainAfterFailure() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                int tid = Libc.waitpid(-1, status, WALL | WNOHANG);
                if (tid < 0) return; // ECHILD: all gone
                if (tid == 0) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                WaitStatus s = WaitStatus.fromRaw(status.get(JAVA_INT, 0));
                if (!(s instanceof WaitStatus.Exited) && !(s instanceof WaitStatus.Killed)) Ptrace.resume(tid, 0);
            }
        } catch (RuntimeException | Error ignored) {
            // Best effort: EXITKILL still ends every tracee when the tool exits.
        }
    }

    private void loop(MemorySegment status) {
        while (true) {
            int tid = held.anyHeld() || detaching ? waitWhileHolding(status) : Libc.waitpid(-1, status, WALL);
            if (tid < 0) break; // ECHILD: every tracee is gone
            long busyFrom = System.nanoTime();
            if (tid > 0) handleCounted(tid, status.get(JAVA_INT, 0));
            while ((tid = Libc.waitpid(-1, status, WALL | WNOHANG)) > 0) handleCounted(tid, status.get(JAVA_INT, 0));
            batch.resumeAll(resumer);
            busyNs += System.nanoTime() - busyFrom;
            if (attachPids != null && attachedDone(status)) break;
        }
        emit(new TraceEvent.TraceEnded(System.nanoTime(), stopSignal,
                lostEvents == 0 ? null : "out of memory: " + lostEvents + " stops dropped"));
    }

    private void handleCounted(int tid, int rawStatus) {
        if (++stops == faultAfterStops) throw new IllegalStateException("fault injected at stop " + stops + " (" + FAULT_PROPERTY + ")");
        try {
            handle(tid, rawStatus);
        } catch (OutOfMemoryError e) {
            // The heap is full (the model grew): drop this stop's event, never the tracee. A stopped
            // task is let go at once; the trace ends with a note of how many events were lost.
            lostEvents++;
            if (!(WaitStatus.fromRaw(rawStatus) instanceof WaitStatus.Exited) && !(WaitStatus.fromRaw(rawStatus) instanceof WaitStatus.Killed)) {
                Ptrace.resume(tid, 0);
            }
        }
    }

    /**
     * Attach mode, after each batch: start the detach once it is asked for; true when no task is
     * left (all detached or exited, or the detach took too long), the doorbell then reaped.
     */
    private boolean attachedDone(MemorySegment status) {
        if (detachRequested && !detaching) beginDetach();
        boolean timedOut = detaching && System.nanoTime() > detachDeadline;
        if (!tasks.isEmpty() && !timedOut) return false;
        if (detaching) emit(new TraceEvent.Detached(System.nanoTime(), detachedTasks));
        ringDoorbell();
        if (!doorbellReaped) Libc.waitpid(doorbell.pid(), status, WALL);
        return true;
    }

    /** Interrupts every task; each is detached at its next stop (held children at once: they are stopped). */
    private void beginDetach() {
        detaching = true;
        detachDeadline = System.nanoTime() + DETACH_LIMIT_NS;
        for (int child : held.releaseAll()) detachTask(child, 0);
        for (int tid : List.copyOf(tasks.keySet())) {
            if (!Ptrace.interrupt(tid)) taskGone(tid);
        }
    }

    /** While detaching: any stop lets the task go, a pending signal re-injected, a group-stop kept. */
    private void handleDetaching(int tid, WaitStatus status) {
        switch (status) {
            case WaitStatus.SignalDeliveryStop delivery -> detachTask(tid, delivery.signal());
            case WaitStatus.EventStop event -> {
                if (event.event() == PtraceEvent.CLONE || event.event() == PtraceEvent.FORK || event.event() == PtraceEvent.VFORK) {
                    // The child is attached already and stops once: detach it then.
                    int child = (int) Ptrace.eventMessage(tid, eventMessage);
                    if (child > 0) tasks.putIfAbsent(child, new Task(child, child));
                }
                detachTask(tid, 0);
            }
            case WaitStatus.SyscallStop s -> {
                detachTask(tid, 0);
            }
            default -> detachTask(tid, 0);
        }
    }

    private void detachTask(int tid, int signal) {
        Task task = tasks.remove(tid);
        if (task == null || task.tgid == tid) liveProcesses.remove(tid);
        if (Ptrace.detach(tid, signal)) detachedTasks++;
    }

    /**
     * waitpid while some new task is held for its creator's event. That event normally follows
     * within microseconds; if the creator died before reporting it, nothing would ever release the
     * child and a blocking waitpid would wait for it forever. So poll, and let expired children go.
     * While detaching, poll too: 0 when the detach's time is up, for the loop to give up waiting.
     */
    private int waitWhileHolding(MemorySegment status) {
        while (true) {
            int tid = Libc.waitpid(-1, status, WALL | WNOHANG);
            if (tid != 0) return tid;
            if (detaching) {
                if (System.nanoTime() > detachDeadline) return 0;
            } else {
                for (int child : held.expired(System.nanoTime())) resumeNow(child, 0);
                if (!held.anyHeld()) return Libc.waitpid(-1, status, WALL);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private void handle(int tid, int rawStatus) {
        long now = System.nanoTime();
        if (doorbell != null && tid == doorbell.pid()) {
            doorbellReaped = true; // rung by requestDetach, or its shell died
            return;
        }
        WaitStatus status = WaitStatus.fromRaw(rawStatus);
        if (detaching && !(status instanceof WaitStatus.Exited) && !(status instanceof WaitStatus.Killed)) {
            handleDetaching(tid, status);
            return;
        }
        switch (status) {
            case WaitStatus.Exited exited -> {
                taskGone(tid);
                if (targetStarted) emit(new TraceEvent.Exited(now, tid, exited.code()));
            }
            case WaitStatus.Killed killed -> {
                taskGone(tid);
                if (targetStarted) emit(new TraceEvent.Killed(now, tid, killed.signal(), killed.coreDumped()));
            }
            case WaitStatus.SyscallStop s -> {
                Task task = task(tid);
                if (syscallInfo(tid)) onSyscallStop(task, now);
                batch.add(tid, 0);
            }
            case WaitStatus.EventStop event -> {
                Task task = task(tid);
                switch (event.event()) {
                    case CLONE, FORK, VFORK -> onSpawn(task, event.event(), now);
                    case EXEC -> onExec(task, now);
                    case SECCOMP -> {
                        // A traced syscall's entry, reported by our filter: the same data as an entry stop.
                        if (syscallInfo(tid) && infoNow.op() == SyscallInfoLayout.OP_SECCOMP) {
                            onEntry(task, (int) infoNow.nr(), now);
                        }
                    }
                    default -> { }
                }
                batch.add(task.tid, 0);
            }
            case WaitStatus.InterruptStop s -> {
                if (!tasks.containsKey(tid)) {
                    // A new task's first stop: held until its creator's event names it, unless that came first.
                    tasks.put(tid, new Task(tid, tid));
                    if (held.holdAtFirstStop(tid, now)) return;
                }
                batch.add(tid, 0);
            }
            case WaitStatus.GroupStop stop -> {
                if (targetStarted) emit(new TraceEvent.GroupStopped(now, tid, stop.signal()));
                Ptrace.listen(tid);
            }
            case WaitStatus.SignalDeliveryStop delivery -> {
                task(tid);
                if (targetStarted) emit(new TraceEvent.SignalDelivered(now, tid, delivery.signal(), siginfo(tid)));
                batch.add(tid, delivery.signal());
            }
            case WaitStatus.Unknown u -> batch.add(tid, 0);
        }
    }

    private Task task(int tid) {
        return tasks.computeIfAbsent(tid, t -> new Task(t, t));
    }

    private void taskGone(int tid) {
        Task task = tasks.remove(tid);
        held.forget(tid);
        if (task == null || task.tgid == tid) liveProcesses.remove(tid);
    }

    /** The siginfo of the signal {@code tid} is stopped to receive, copied out at the stop; null when it is gone. */
    private byte[] siginfo(int tid) {
        return Ptrace.siginfo(tid, siginfo) ? siginfo.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE) : null;
    }

    /** PTRACE_GET_SYSCALL_INFO into {@link #infoNow}; false when the task is gone. */
    private boolean syscallInfo(int tid) {
        if (!Ptrace.syscallInfo(tid, info)) return false;
        infoNow.load(info);
        return true;
    }

    private void onSyscallStop(Task task, long now) {
        switch (infoNow.op()) {
            case SyscallInfoLayout.OP_ENTRY -> onEntry(task, (int) infoNow.nr(), now);
            case SyscallInfoLayout.OP_EXIT -> onExit(task, now);
            default -> { }
        }
    }

    private void onEntry(Task task, int nr, long now) {
        boolean inRange = nr >= 0 && nr < recorded.length;
        boolean forName = inRange && NameWrites.concerns(task, nr, infoNow);
        if (!inRange || (!recorded[nr] && !forName)) {
            task.nr = -1;
            NameWrites.passed(task);
            return;
        }
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) args[i] = infoNow.arg(i);
        task.nr = nr;
        task.args = args;
        task.entryNs = now;
        task.plan = Syscalls.captures(nr, args);
        task.captures = task.plan.isEmpty() ? Captures.NONE : new Captures();
        if (!task.plan.isEmpty()) {
            memory.capture(task.tid, task.tgid, infoNow.stackPointer(), task.plan, Capture.When.AT_ENTRY, args, 0, false, task.captures);
        }
        if (!recorded[nr] && !NameWrites.stillConcerns(task)) {
            task.nr = -1; // an open for writing of some other file
            return;
        }
        if (nr == SyscallTable.EXECVE || nr == SyscallTable.EXECVEAT) {
            task.execPath = task.captures.string(nr == SyscallTable.EXECVE ? 0 : 1);
        }
        if (Syscalls.neverReturns(nr)) {
            // exit and exit_group: the event is complete at entry.
            if (targetStarted) {
                emit(new TraceEvent.Syscall(now, now, task.tid, nr, args, 0, false, false, task.captures));
            }
            task.nr = -1;
        }
    }

    private void onExit(Task task, long now) {
        if (task.nr < 0) return;
        long ret = infoNow.rval();
        boolean error = infoNow.isError();
        int nr = task.nr;
        task.nr = -1;
        NameWrites.returned(task, nr, ret, error);
        if (!task.plan.isEmpty()) {
            memory.capture(task.tid, task.tgid, infoNow.stackPointer(), task.plan, Capture.When.AT_EXIT, task.args, ret, error,
                    task.captures);
        }
        if (!targetStarted) return;
        emit(new TraceEvent.Syscall(task.entryNs, now, task.tid, nr, task.args, ret, error, true, task.captures));
        if (!error && ret > 0 && (nr == SyscallTable.CLONE || nr == SyscallTable.CLONE3)
                && (cloneFlags(nr, task) & CloneFlags.CLONE_UNTRACED) != 0) {
            emit(new TraceEvent.UntracedChild(now, task.tid, (int) ret, seccompActive));
        }
    }

    private void onSpawn(Task creator, PtraceEvent event, long now) {
        int child = (int) Ptrace.eventMessage(creator.tid, eventMessage);
        if (child <= 0) return;
        CloneCall call = switch (event) {
            case FORK -> new CloneCall(SyscallTable.FORK, 0);
            case VFORK -> new CloneCall(SyscallTable.VFORK, CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK);
            default -> creator.nr == SyscallTable.CLONE || creator.nr == SyscallTable.CLONE3
                    ? new CloneCall(creator.nr, cloneFlags(creator.nr, creator))
                    : cloneInFlight(creator); // its entry was not seen: it began before an attach
        };
        TraceEvent.SpawnKind kind = switch (event) {
            case FORK -> TraceEvent.SpawnKind.FORK;
            case VFORK -> TraceEvent.SpawnKind.VFORK;
            default -> call.nr() == SyscallTable.CLONE3 ? TraceEvent.SpawnKind.CLONE3 : TraceEvent.SpawnKind.CLONE;
        };
        int tgid = (call.flags() & CloneFlags.CLONE_THREAD) != 0 ? creator.tgid : child;
        if (tgid == child) liveProcesses.add(child);
        if (targetStarted) emit(new TraceEvent.Spawned(now, creator.tid, child, kind, call.flags()));
        Task task = tasks.get(child);
        if (task == null) {
            tasks.put(child, new Task(child, tgid));
        } else {
            task.tgid = tgid;
        }
        if (held.creatorReported(child, task != null)) batch.add(child, 0);
    }

    /** Which spawning syscall, with which clone flags. */
    private record CloneCall(int nr, long flags) {}

    /**
     * The clone or clone3 a task is inside at its clone event, read from its registers: orig_rax,
     * and rdi, the flags (clone) or the struct whose first field they are (clone3, still readable:
     * the caller waits in the syscall).
     */
    private CloneCall cloneInFlight(Task creator) {
        try {
            Libc.ptrace(UserRegs.PTRACE_GETREGS, creator.tid, 0, regs.address());
        } catch (dev.jthreadtrace.sys.ErrnoException e) {
            return new CloneCall(-1, 0);
        }
        int nr = (int) regs.get(java.lang.foreign.ValueLayout.JAVA_LONG, UserRegs.ORIG_RAX);
        long rdi = regs.get(java.lang.foreign.ValueLayout.JAVA_LONG, UserRegs.RDI);
        if (nr == SyscallTable.CLONE) return new CloneCall(nr, rdi);
        byte[] first = nr == SyscallTable.CLONE3 ? memory.read(creator.tid, rdi, 8) : null;
        return new CloneCall(nr, first == null ? 0 : ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    /** The flags of the clone/clone3 the task is inside: the register, or the first field of clone_args. */
    private static long cloneFlags(int nr, Task task) {
        if (nr == SyscallTable.CLONE) return task.args[0];
        if (nr == SyscallTable.CLONE3) {
            byte[] cloneArgs = task.captures.bytes(0);
            return cloneArgs != null && cloneArgs.length >= 8
                    ? ByteBuffer.wrap(cloneArgs).order(ByteOrder.LITTLE_ENDIAN).getLong(0) : 0;
        }
        return 0;
    }

    private void onExec(Task task, long now) {
        int formerTid = (int) Ptrace.eventMessage(task.tid, eventMessage);
        if (formerTid > 0 && formerTid != task.tid) {
            // A non-leader thread exec'd: it now has the leader's tid, and the old leader is gone
            // without an exit stop of its own.
            Task former = tasks.remove(formerTid);
            if (former != null) {
                former.tid = task.tid;
                former.tgid = task.tgid;
                tasks.put(task.tid, former);
                task = former;
            }
        }
        task.commFd = -1;
        emit(new TraceEvent.Exec(now, task.tid, formerTid > 0 ? formerTid : task.tid, task.execPath));
        // The new image has run no instruction yet: the moment to give a JDK launcher the agent.
        if (execRewriter != null) execRewriter.atExec(task.tid);
    }

    /**
     * The gate has become the command (stopped at its execve's exit): the trace's time zero, the
     * command's own exec, and its first resume.
     */
    private void commandStarted(GateExec.Started started) {
        targetStarted = true;
        emit(new TraceEvent.TargetStarted(started.ns(), rootPid, Libc.getpid(), started.pathText(), started.argvText()));
        emit(new TraceEvent.Exec(started.endNs(), rootPid, rootPid, started.pathText()));
        emit(new TraceEvent.Syscall(started.ns(), started.endNs(), rootPid, SyscallTable.EXECVE, started.args(), 0, false, true,
                TraceeMemory.execCaptures(started.path(), started.argv(), started.environmentSize())));
        if (execRewriter != null) execRewriter.atExec(rootPid);
        resumeNow(rootPid, 0);
    }

    private void resumeNow(int tid, int signal) {
        if (needsSyscallStops(tid)) Ptrace.resumeToSyscall(tid, signal);
        else Ptrace.resume(tid, signal);
    }

    /**
     * Without the filter every task runs to its next syscall stop. With it, only a task inside a
     * recorded syscall needs one more: the exit stop with the return value; and a task holding a
     * thread's comm file open stops at every syscall until it writes and closes it
     * ({@link NameWrites}). Everything else runs with PTRACE_CONT until the filter reports the next
     * traced syscall.
     */
    private boolean needsSyscallStops(int tid) {
        if (!seccompActive) return true;
        Task task = tasks.get(tid);
        return task != null && (task.nr >= 0 || task.commFd >= 0);
    }

    private void emit(TraceEvent event) {
        events++;
        if (consumerGone) return;
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            consumerGone = true;
        }
    }
}
