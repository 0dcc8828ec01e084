package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.event.TraceEvent;

import dev.jthreadtrace.decode.Capture;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The ptrace loop. One platform thread spawns the target, seizes it and every task it creates, and
 * runs {@code waitpid(-1, __WALL)} until no tracee is left; ptrace requests are only valid from
 * that thread. It does no formatting and no I/O: each stop becomes at most one {@link TraceEvent}
 * (plain values plus the memory the decoders asked for) put on a bounded queue.
 *
 * <p>Stops are collected in batches (one blocking wait, then every pending one) and resumed
 * together, so a task that stops constantly cannot starve the others.
 */
public final class Tracer {
    private static final int WNOHANG = 1, WALL = 0x40000000;
    private static final int SIGKILL = 9;
    private static final long SEIZE_OPTIONS = Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACECLONE | Ptrace.O_TRACEFORK
            | Ptrace.O_TRACEVFORK | Ptrace.O_TRACEEXEC | Ptrace.O_EXITKILL;

    private final List<String> command;
    private final Map<String, String> environment;
    private final boolean[] recorded;
    private final boolean useSeccomp;
    private final boolean needNoNewPrivs;
    /** True once the filter is in the gate: tasks then run with PTRACE_CONT and stop only at traced syscalls. */
    private boolean seccompActive;
    private volatile String seccompStatus = "off";
    private final BlockingQueue<TraceEvent> queue;

    private final CompletableFuture<Integer> launched = new CompletableFuture<>();
    /** Thread groups alive now: what a stop request must kill. Read by other threads. */
    private final Set<Integer> liveProcesses = ConcurrentHashMap.newKeySet();
    private volatile int stopSignal;
    private volatile boolean consumerGone;
    private Thread thread;

    // ptrace-thread state
    private final Map<Integer, Task> tasks = new HashMap<>();
    /** Children whose creator's event came first; their first stop need not be held. */
    private final Set<Integer> announced = new HashSet<>();
    /** Children held until their creator's event, with the time they were first seen. */
    private final Map<Integer, Long> parked = new HashMap<>();
    private static final long PARK_LIMIT_NS = 1_000_000_000L;
    private int rootPid;
    private boolean targetStarted;
    private int[] resumeTids = new int[64];
    private int[] resumeSignals = new int[64];
    private int resumeCount;
    private TraceeMemory memory;
    // Counters for --stats: plain fields, written by the ptrace thread, read after it has ended.
    private long stops, busyNs, events;
    private MemorySegment info;
    private MemorySegment eventMessage;

    private Tracer(List<String> command, Map<String, String> environment, boolean[] recorded, boolean useSeccomp,
                   boolean needNoNewPrivs, BlockingQueue<TraceEvent> queue) {
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.recorded = recorded.clone();
        this.useSeccomp = useSeccomp;
        this.needNoNewPrivs = needNoNewPrivs;
        this.queue = queue;
    }

    /**
     * Starts the ptrace thread, which launches {@code command} and traces it; returns once the
     * target is seized. Events, ending with {@link TraceEvent.TraceEnded}, arrive on {@code queue}.
     *
     * @param recorded   indexed by syscall number: which syscalls produce events
     * @param useSeccomp install a seccomp-bpf filter so only recorded syscalls stop the tracee
     */
    public static Tracer start(List<String> command, Map<String, String> environment, boolean[] recorded,
                               boolean useSeccomp, BlockingQueue<TraceEvent> queue) throws TraceFailure {
        // Without CAP_SYS_ADMIN the kernel accepts a filter only from a task with no_new_privs set.
        boolean needNoNewPrivs = useSeccomp && !Capabilities.hasSysAdmin();
        Tracer tracer = new Tracer(command, environment, recorded, useSeccomp, needNoNewPrivs, queue);
        tracer.thread = Thread.ofPlatform().name("jthreadtrace-ptrace").unstarted(tracer::run);
        tracer.thread.start();
        try {
            tracer.launched.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TraceFailure f) throw f;
            throw new TraceFailure("could not start tracing: " + e.getCause().getMessage(), e.getCause());
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
        if (stopSignal == 0) stopSignal = signal;
        for (int pid : liveProcesses) Libc.kill(pid, SIGKILL);
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
            memory = new TraceeMemory();
            if (!launch()) return;
            loop(arena.allocate(JAVA_INT));
        } catch (RuntimeException | Error e) {
            // Never leave a stopped tracee behind: kill what we trace, then report.
            requestStop(0);
            if (!launched.isDone()) launched.completeExceptionally(e);
            else emit(new TraceEvent.TraceEnded(System.nanoTime(), 0));
            throw e;
        }
    }

    private boolean launch() {
        GateLauncher.Gate gate;
        try {
            gate = GateLauncher.spawn(command, environment);
        } catch (ErrnoException e) {
            launched.completeExceptionally(new TraceFailure("cannot start /bin/sh for the start gate: " + e.getMessage(), e));
            return false;
        }
        try {
            Ptrace.seize(gate.pid(), SEIZE_OPTIONS | (useSeccomp ? Ptrace.O_TRACESECCOMP : 0));
        } catch (ErrnoException e) {
            GateLauncher.abandon(gate);
            Libc.waitpid(gate.pid(), eventMessage, WALL);
            launched.completeExceptionally(new TraceFailure(seizeRefused(e), e));
            return false;
        }
        rootPid = gate.pid();
        tasks.put(rootPid, new Task(rootPid, rootPid));
        liveProcesses.add(rootPid);
        // Stop the gate and put it in syscall-stop mode *before* opening it: otherwise the shell may
        // read the line and exec the command before the interrupt takes effect, and the target's
        // execve would go unseen.
        Ptrace.interrupt(rootPid);
        if (!awaitFirstStop(rootPid)) {
            GateLauncher.abandon(gate);
            launched.completeExceptionally(new TraceFailure("the start gate (/bin/sh) died before it could be traced", null));
            return false;
        }
        if (useSeccomp) installSeccomp(rootPid);
        if (seccompActive) Ptrace.resume(rootPid, 0);
        else Ptrace.resumeToSyscall(rootPid, 0);
        launched.complete(rootPid);
        GateLauncher.release(gate);
        return true;
    }

    /**
     * Waits until the gate is in a ptrace stop; false if it exited instead. posix_spawn returns as
     * soon as the child's execve has released the parent's memory, so the first stop may be the
     * gate's own PTRACE_EVENT_EXEC (which swallows the pending interrupt) rather than the
     * PTRACE_INTERRUPT stop; either is a stop we can switch to syscall tracing from. A later
     * interrupt stop, if one is still pending, is resumed by the loop like any other.
     */
    private boolean awaitFirstStop(int pid) {
        while (true) {
            switch (waitForGate(pid)) {
                case null -> {
                    return false;
                }
                case WaitStatus.InterruptStop s -> {
                    return true;
                }
                case WaitStatus.EventStop e -> {
                    return true;
                }
                case WaitStatus.SignalDeliveryStop d -> Ptrace.resume(pid, d.signal());
                default -> Ptrace.resume(pid, 0);
            }
        }
    }

    /** The gate's next wait status, or null once it has exited or been killed. */
    private WaitStatus waitForGate(int pid) {
        if (Libc.waitpid(pid, eventMessage, WALL) != pid) return null;
        WaitStatus status = WaitStatus.fromRaw(eventMessage.get(JAVA_INT, 0));
        return status instanceof WaitStatus.Exited || status instanceof WaitStatus.Killed ? null : status;
    }

    /**
     * Injects prctl(PR_SET_NO_NEW_PRIVS) (when needed) and seccomp(SECCOMP_SET_MODE_FILTER) into the
     * gate at its next syscall-entry stop. The filter is inherited by the command and everything it
     * creates. Any failure leaves the gate as it was and tracing falls back to PTRACE_SYSCALL.
     */
    private void installSeccomp(int pid) {
        var program = SeccompFilter.build(recorded);
        if (program.isEmpty()) {
            seccompStatus = "off (more than " + SeccompFilter.MAX_TRACED + " syscalls recorded: every stop is needed anyway)";
            return;
        }
        if (!awaitSyscallEntry(pid)) {
            seccompStatus = "off (the start gate exited)";
            return;
        }
        byte[] filter = SeccompFilter.encode(program.get());
        try (SyscallInjector injector = new SyscallInjector(pid)) {
            long filterAddress = injector.scratch(filter);
            byte[] fprog = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putShort(0, (short) program.get().size()).putLong(8, filterAddress).array();
            long fprogAddress = injector.scratch(fprog);
            boolean first = true;
            if (needNoNewPrivs) {
                long r = injector.call(true, SyscallTable.PRCTL, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0);
                first = false;
                if (r < 0) {
                    injector.restore();
                    seccompStatus = "off (prctl(PR_SET_NO_NEW_PRIVS) failed: " + Errno.describe((int) -r) + ")";
                    return;
                }
            }
            long r = injector.call(first, SyscallTable.SECCOMP, 1 /* SECCOMP_SET_MODE_FILTER */, 0, fprogAddress);
            injector.restore();
            if (r < 0) {
                seccompStatus = "off (seccomp(SECCOMP_SET_MODE_FILTER) failed: " + Errno.describe((int) -r) + ")";
                return;
            }
            seccompActive = true;
            seccompStatus = needNoNewPrivs ? "on (no_new_privs set)" : "on";
        }
    }

    /** Resumes the gate until it stops at a syscall entry; false if it exits first. */
    private boolean awaitSyscallEntry(int pid) {
        while (true) {
            Ptrace.resumeToSyscall(pid, 0);
            WaitStatus status = waitForGate(pid);
            if (status == null) return false;
            if (status instanceof WaitStatus.SyscallStop && Ptrace.syscallInfo(pid, info)
                    && SyscallInfoLayout.op(info) == SyscallInfoLayout.OP_ENTRY) {
                return true;
            }
        }
    }

    private static String seizeRefused(ErrnoException e) {
        String hint = e.errno() == Errno.EPERM
                ? " (check kernel.yama.ptrace_scope (must be 0 or 1, see sysctl kernel.yama.ptrace_scope), that"
                  + " a container runtime allows ptrace (docker: --cap-add=SYS_PTRACE, seccomp profile), or run"
                  + " with CAP_SYS_PTRACE)"
                : "";
        return "ptrace(PTRACE_SEIZE) refused: " + Errno.describe(e.errno()) + hint;
    }

    private void loop(MemorySegment status) {
        while (true) {
            int tid = parked.isEmpty() ? Libc.waitpid(-1, status, WALL) : waitWhileParked(status);
            if (tid < 0) break; // ECHILD: every tracee is gone
            long busyFrom = System.nanoTime();
            handle(tid, status.get(JAVA_INT, 0));
            stops++;
            while ((tid = Libc.waitpid(-1, status, WALL | WNOHANG)) > 0) {
                handle(tid, status.get(JAVA_INT, 0));
                stops++;
            }
            resumeBatch();
            busyNs += System.nanoTime() - busyFrom;
        }
        emit(new TraceEvent.TraceEnded(System.nanoTime(), stopSignal));
    }

    /**
     * waitpid while some new task is held for its creator's event. That event normally follows
     * within microseconds; if the creator died before reporting it (killed between clone and the
     * event stop), nothing would ever release the child, and a blocking waitpid would wait for it
     * forever. So poll, and after {@link #PARK_LIMIT_NS} let such a child go with no known creator.
     */
    private int waitWhileParked(MemorySegment status) {
        while (true) {
            int tid = Libc.waitpid(-1, status, WALL | WNOHANG);
            if (tid != 0) return tid;
            long now = System.nanoTime();
            for (var it = parked.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (now - e.getValue() < PARK_LIMIT_NS) continue;
                it.remove();
                resumeNow(e.getKey(), 0);
            }
            if (parked.isEmpty()) return Libc.waitpid(-1, status, WALL);
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    private void handle(int tid, int rawStatus) {
        long now = System.nanoTime();
        switch (WaitStatus.fromRaw(rawStatus)) {
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
                if (Ptrace.syscallInfo(tid, info)) onSyscallStop(task, now);
                resumeLater(tid, 0);
            }
            case WaitStatus.EventStop event -> {
                Task task = task(tid);
                switch (event.event()) {
                    case CLONE, FORK, VFORK -> onSpawn(task, event.event(), now);
                    case EXEC -> onExec(task, now);
                    case SECCOMP -> {
                        // A traced syscall's entry, reported by our filter: the same data as an entry stop.
                        if (Ptrace.syscallInfo(tid, info) && SyscallInfoLayout.op(info) == SyscallInfoLayout.OP_SECCOMP) {
                            onEntry(task, (int) SyscallInfoLayout.nr(info), now);
                        }
                    }
                    default -> { }
                }
                resumeLater(task.tid, 0);
            }
            case WaitStatus.InterruptStop s -> {
                Task task = tasks.get(tid);
                if (task == null) {
                    // A new task's first stop. Unless its creator's event already named it, hold it
                    // until it does, so every event of a task comes after the event that created it.
                    task = new Task(tid, tid);
                    tasks.put(tid, task);
                    if (!announced.remove(tid)) {
                        parked.put(tid, System.nanoTime());
                        return;
                    }
                }
                resumeLater(tid, 0);
            }
            case WaitStatus.GroupStop stop -> {
                if (targetStarted) emit(new TraceEvent.GroupStopped(now, tid, stop.signal()));
                Ptrace.listen(tid);
            }
            case WaitStatus.SignalDeliveryStop delivery -> {
                task(tid);
                if (targetStarted) emit(new TraceEvent.SignalDelivered(now, tid, delivery.signal()));
                resumeLater(tid, delivery.signal());
            }
            case WaitStatus.Unknown u -> resumeLater(tid, 0);
        }
    }

    private Task task(int tid) {
        return tasks.computeIfAbsent(tid, t -> new Task(t, t));
    }

    private void taskGone(int tid) {
        Task task = tasks.remove(tid);
        announced.remove(tid);
        parked.remove(tid);
        if (task != null && task.tgid == tid) liveProcesses.remove(tid);
        if (task == null) liveProcesses.remove(tid);
    }

    private void onSyscallStop(Task task, long now) {
        switch (SyscallInfoLayout.op(info)) {
            case SyscallInfoLayout.OP_ENTRY -> onEntry(task, (int) SyscallInfoLayout.nr(info), now);
            case SyscallInfoLayout.OP_EXIT -> onExit(task, now);
            default -> { }
        }
    }

    private void onEntry(Task task, int nr, long now) {
        if (nr < 0 || nr >= recorded.length || !recorded[nr]) {
            task.nr = -1;
            return;
        }
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) args[i] = SyscallInfoLayout.arg(info, i);
        task.nr = nr;
        task.args = args;
        task.entryNs = now;
        task.plan = Syscalls.captures(nr, args);
        task.captures = task.plan.isEmpty() ? Captures.NONE : new Captures();
        if (!task.plan.isEmpty()) memory.capture(task.tid, task.tgid, task.plan, Capture.When.AT_ENTRY, args, 0, task.captures);
        if (nr == SyscallTable.EXECVE || nr == SyscallTable.EXECVEAT) {
            task.execEntryNs = now;
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
        long ret = SyscallInfoLayout.rval(info);
        boolean error = SyscallInfoLayout.isError(info);
        int nr = task.nr;
        task.nr = -1;
        if (!task.plan.isEmpty()) memory.capture(task.tid, task.tgid, task.plan, Capture.When.AT_EXIT, task.args, ret, task.captures);
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
        long flags = switch (event) {
            case FORK -> 0;
            case VFORK -> CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK;
            default -> cloneFlags(creator.nr, creator);
        };
        TraceEvent.SpawnKind kind = switch (event) {
            case FORK -> TraceEvent.SpawnKind.FORK;
            case VFORK -> TraceEvent.SpawnKind.VFORK;
            default -> creator.nr == SyscallTable.CLONE3 ? TraceEvent.SpawnKind.CLONE3 : TraceEvent.SpawnKind.CLONE;
        };
        int tgid = (flags & CloneFlags.CLONE_THREAD) != 0 ? creator.tgid : child;
        if (tgid == child) liveProcesses.add(child);
        if (targetStarted) emit(new TraceEvent.Spawned(now, creator.tid, child, kind, flags));
        Task task = tasks.get(child);
        if (task == null) {
            task = new Task(child, tgid);
            tasks.put(child, task);
            announced.add(child);
        } else {
            task.tgid = tgid;
            if (parked.remove(child) != null) resumeLater(child, 0);
        }
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
        if (!targetStarted && task.tgid == rootPid) {
            targetStarted = true;
            List<String> argv = task.captures != null ? task.captures.strings(1) : null;
            emit(new TraceEvent.TargetStarted(task.execEntryNs, rootPid, Libc.getpid(), task.execPath,
                    argv == null ? command : argv));
        }
        emit(new TraceEvent.Exec(now, task.tid, formerTid > 0 ? formerTid : task.tid, task.execPath));
    }

    private void resumeLater(int tid, int signal) {
        if (resumeCount == resumeTids.length) {
            resumeTids = Arrays.copyOf(resumeTids, resumeCount * 2);
            resumeSignals = Arrays.copyOf(resumeSignals, resumeCount * 2);
        }
        resumeTids[resumeCount] = tid;
        resumeSignals[resumeCount] = signal;
        resumeCount++;
    }

    private void resumeBatch() {
        for (int i = 0; i < resumeCount; i++) resumeNow(resumeTids[i], resumeSignals[i]);
        resumeCount = 0;
    }

    private void resumeNow(int tid, int signal) {
        if (needsSyscallStops(tid)) Ptrace.resumeToSyscall(tid, signal);
        else Ptrace.resume(tid, signal);
    }

    /**
     * Without the filter every task runs to its next syscall stop. With it, only a task inside a
     * recorded syscall needs one more: the exit stop with the return value. Everything else runs
     * with PTRACE_CONT until the filter reports the next traced syscall.
     */
    private boolean needsSyscallStops(int tid) {
        if (!seccompActive) return true;
        Task task = tasks.get(tid);
        return task != null && task.nr >= 0;
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
