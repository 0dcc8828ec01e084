package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Capture;
import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.ExitNeed;
import dev.jthreadtrace.decode.ExitPolicy;
import dev.jthreadtrace.decode.Siginfo;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.ProcStatus;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * What one stop means, on the ptrace thread: a syscall's entry (its arguments and the memory its
 * decoder asked for, copied at the stop) and exit (the result, the memory filled by it), a spawn,
 * an exec (where a JDK launcher gets the agent, {@link InitialStack}), an exit, a signal. Each
 * becomes at most one {@link TraceEvent} for the consumer; the task is then queued for resuming.
 */
final class StopHandler {
    private final boolean[] recorded;
    /** By syscall number, the calls whose entry is announced ({@link TraceEvent.SyscallEntered}): those text lines show. */
    private final boolean[] announced;
    private final TaskTable tasks;
    private final ResumeBatch batch;
    private final Events events;
    private final TraceeMemory memory;
    /** Null without arguments to add (--jvm off or env): execs are then not looked at at all. */
    private final InitialStack execRewriter;
    /** {@code siginfo} is for PTRACE_GETSIGINFO at a signal-delivery stop. */
    private final MemorySegment info, eventMessage, regs, siginfo;
    /** The last record {@link #syscallInfo} read, copied out of {@link #info}. */
    private final SyscallInfoLayout.Copy infoNow = new SyscallInfoLayout.Copy();
    /** True once the filter is in: tasks then run with PTRACE_CONT and stop only at traced syscalls. */
    private boolean seccompActive;
    /** False until the command's exec (or the attach): the start gate's own stops make no events. */
    private boolean targetStarted;
    private final TerminalSignals terminal;
    private final PidNamespaces namespaces = new PidNamespaces();
    /** Which recorded calls are followed to their exit stop. */
    private final ExitChoice exits;
    private final RingNames rings; // names set through io_uring, read where the tracer stops anyway

    /**
     * @param announced by syscall number, the calls whose entry makes an event (those text lines show)
     * @param limits whether fd paths are read (-y) and how much of a data buffer is copied (-s)
     * @param exits which recorded calls are followed to their exit stop
     * @param arena the ptrace thread's, which outlives this
     */
    StopHandler(boolean[] recorded, boolean[] announced, CaptureLimits limits, ExitPolicy exits, ExecArguments execArguments,
                TaskTable tasks, ResumeBatch batch, Events events, TerminalSignals terminal, RingNames rings, Arena arena) {
        this.terminal = terminal;
        this.rings = rings;
        this.exits = new ExitChoice(exits);
        this.recorded = recorded.clone();
        this.announced = announced.clone();
        this.tasks = tasks;
        this.batch = batch;
        this.events = events;
        this.memory = new TraceeMemory(limits);
        this.execRewriter = execArguments == ExecArguments.NONE ? null : new InitialStack(execArguments, memory, arena);
        this.info = arena.allocate(SyscallInfoLayout.LAYOUT);
        this.eventMessage = arena.allocate(8);
        this.regs = arena.allocate(UserRegs.SIZE, 8);
        this.siginfo = arena.allocate(Siginfo.SIZE, 8);
    }

    MemorySegment info() {
        return info;
    }

    MemorySegment eventMessage() {
        return eventMessage;
    }

    void seccompActive(boolean active) {
        seccompActive = active;
    }

    /** The attach is done: every stop from now on is the program's. */
    void started() {
        targetStarted = true;
    }

    /** A stop of a task (not while detaching): its event, and its place in the resume batch. */
    void handle(int tid, WaitStatus status, long now) {
        rings.stopped(tasks.get(tid), status, now); // a thread of a process with a ring stops at its exit, where its name is read
        switch (status) {
            case WaitStatus.Exited exited -> {
                ended(tid, now);
                if (targetStarted) events.emit(new TraceEvent.Exited(now, tid, exited.code()));
            }
            case WaitStatus.Killed killed -> {
                ended(tid, now);
                if (targetStarted) events.emit(new TraceEvent.Killed(now, tid, killed.signal(), killed.coreDumped()));
            }
            case WaitStatus.SyscallStop s -> {
                Task task = tasks.task(tid);
                int entered = syscallInfo(tid) ? onSyscallStop(task, now) : -1;
                task.justEntered = entered;
                batch.add(tid, 0);
            }
            case WaitStatus.EventStop event -> onEvent(tasks.task(tid), event.event(), now);
            case WaitStatus.InterruptStop s -> {
                if (!tasks.contains(tid)) {
                    // A new task's first stop: held until its creator's event names it, unless that came first.
                    tasks.add(new Task(tid, tid));
                    if (tasks.held.holdAtFirstStop(tid, now)) return;
                }
                batch.add(tid, 0);
            }
            case WaitStatus.GroupStop stop -> {
                if (targetStarted) events.emit(new TraceEvent.GroupStopped(now, tid, stop.signal()));
                Ptrace.listen(tid);
            }
            case WaitStatus.SignalDeliveryStop delivery -> {
                Task task = tasks.task(tid);
                byte[] info = siginfo(tid);
                if (targetStarted && terminal.hold(task.tgid, delivery.signal(), Siginfo.code(info))) {
                    batch.add(tid, 0); // held: sent again once the tool has taken its last look
                    return;
                }
                task.justEntered = -1;
                HandlerMasks.delivered(task);
                rings.delivered(task, now);
                if (targetStarted) events.emit(new TraceEvent.SignalDelivered(now, tid, delivery.signal(), info));
                batch.add(tid, delivery.signal());
            }
            case WaitStatus.Unknown u -> batch.add(tid, 0);
        }
    }

    /** The task is gone: the call it was in is cut, and what was kept of it (or of its process) is let go. */
    private void ended(int tid, long now) {
        cut(tid, now, TraceEvent.Cut.ENDED);
        rings.gone(tasks.gone(tid));
        namespaces.gone(tid);
    }

    private void onEvent(Task task, PtraceEvent event, long now) {
        switch (event) {
            case CLONE, FORK, VFORK -> onSpawn(task, event, now);
            case EXEC -> onExec(task, now);
            case SECCOMP -> {
                // A traced syscall's entry, reported by our filter: the same data as an entry stop.
                if (syscallInfo(task.tid) && infoNow.op() == SyscallInfoLayout.OP_SECCOMP) {
                    int nr = (int) infoNow.nr();
                    if (task.justEntered != nr) onEntry(task, nr, now);
                }
            }
            default -> { }
        }
        task.justEntered = -1;
        batch.add(task.tid, 0);
    }

    /** The siginfo of the signal {@code tid} is stopped to receive, copied out at the stop; null when it is gone. */
    private byte[] siginfo(int tid) {
        return Ptrace.siginfo(tid, siginfo) ? siginfo.toArray(JAVA_BYTE) : null;
    }

    /** PTRACE_GET_SYSCALL_INFO into {@link #infoNow}; false when the task is gone. */
    private boolean syscallInfo(int tid) {
        if (!Ptrace.syscallInfo(tid, info)) return false;
        infoNow.load(info);
        return true;
    }

    /** A syscall-entry or -exit stop; the call it entered ({@link Task#justEntered}), or -1. */
    private int onSyscallStop(Task task, long now) {
        switch (infoNow.op()) {
            case SyscallInfoLayout.OP_ENTRY -> {
                int nr = (int) infoNow.nr();
                onEntry(task, nr, now);
                return nr;
            }
            case SyscallInfoLayout.OP_EXIT -> onExit(task, now);
            default -> { }
        }
        return -1;
    }

    private void onEntry(Task task, int nr, long now) {
        NameWrites.entered(task, nr, infoNow, now, memory);
        rings.entered(task, nr, infoNow, now, memory);
        HandlerMasks.entered(task, nr);
        finished(task); // whatever it was inside (a spawn that made no child) is over
        if (nr < 0 || nr >= recorded.length || !recorded[nr]) return;
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
        if (nr == SyscallTable.EXECVE || nr == SyscallTable.EXECVEAT) {
            task.execPath = task.captures.string(nr == SyscallTable.EXECVE ? 0 : 1);
        }
        if (Syscalls.neverReturns(nr)) {
            // exit and exit_group: the event is complete at entry.
            if (targetStarted) events.emit(new TraceEvent.Syscall(now, now, task.tid, nr, args, 0, false, false, task.captures));
            // Its parent now, once per process: an orphan's is the kernel's choice, which may be a subreaper above the tool.
            if (targetStarted && nr == SyscallTable.EXIT_GROUP) {
                long ppid = ProcStatus.of(task.tgid).number("PPid", -1);
                if (ppid >= 0) events.emit(new TraceEvent.ParentSeen(now, task.tgid, (int) ppid));
            }
            finished(task);
            return;
        }
        // Only a stop our filter made says the call will run: without it (attach, --no-seccomp) the
        // entry stop comes before the program's own seccomp filters decide, which may refuse the call.
        switch (targetStarted && seccompActive ? exits.stop(task, nr) : ExitNeed.Stop.EXIT) {
            case ENTRY -> {
                // Nothing reads its exit: finished now, and the task runs on to its next traced call.
                events.emit(TraceEvent.Syscall.atEntry(now, task.tid, nr, args, task.captures));
                finished(task);
            }
            case SPAWN_EVENT -> task.awaitsSpawn = true;
            case EXIT -> {
                exits.entered(task);
                if (targetStarted && nr < announced.length && announced[nr]) {
                    events.emit(new TraceEvent.SyscallEntered(now, task.tid, nr, args, task.captures.copy()));
                }
            }
        }
    }

    /** The task is inside no recorded call any more (as far as the tracer follows it). */
    private void finished(Task task) {
        task.nr = -1;
        task.awaitsSpawn = false;
        exits.left(task);
    }

    /**
     * The task ended (or is let go) inside a recorded call: the call is reported as not returned,
     * cut {@code how}, so a wait that never ended is seen (threads torn down by exit_group have no
     * exit stop for it).
     */
    void cut(int tid, long now, TraceEvent.Cut how) {
        Task task = tasks.get(tid);
        if (task == null || task.nr < 0) return;
        int nr = task.nr;
        boolean spawnFailed = task.awaitsSpawn; // no child came: the spawn failed and returned long ago
        finished(task);
        if (spawnFailed) return;
        if (targetStarted) events.emit(new TraceEvent.Syscall(task.entryNs, now, tid, nr, task.args, 0, false, false, task.captures, how));
    }

    private void onExit(Task task, long now) {
        long ret = infoNow.rval();
        boolean error = infoNow.isError();
        TraceEvent.CommWritten named = NameWrites.returned(task, ret, error, tasks, memory);
        if (task.nr >= 0) {
            int nr = task.nr;
            finished(task);
            if (!task.plan.isEmpty()) {
                memory.capture(task.tid, task.tgid, infoNow.stackPointer(), task.plan, Capture.When.AT_EXIT, task.args, ret, error,
                        task.captures);
            }
            if (!error) ExitReadBacks.of(task, nr);
            if (targetStarted) {
                events.emit(new TraceEvent.Syscall(task.entryNs, now, task.tid, nr, task.args, ret, error, true, task.captures));
                if (!error && ret > 0 && (nr == SyscallTable.CLONE || nr == SyscallTable.CLONE3)
                        && (CloneCall.flags(nr, task) & CloneFlags.CLONE_UNTRACED) != 0) {
                    events.emit(new TraceEvent.UntracedChild(now, task.tid, (int) ret, seccompActive));
                }
            }
        }
        if (named != null && targetStarted) events.emit(named);
        rings.returned(task, named, now, memory);
    }

    private void onSpawn(Task creator, PtraceEvent event, long now) {
        int child = (int) Ptrace.eventMessage(creator.tid, eventMessage);
        if (child <= 0) return;
        // The flags of the call the creator is stopped in, whatever the event: a fork-like clone
        // (clone(CLONE_PARENT|SIGCHLD), as runc's nsexec makes) is PTRACE_EVENT_FORK, and its
        // CLONE_PARENT decides the child's kernel parent. Only fork and vfork have no flags argument.
        int nr = creator.nr;
        CloneCall call = nr == SyscallTable.CLONE || nr == SyscallTable.CLONE3 ? CloneCall.of(nr, creator)
                : nr == SyscallTable.FORK || nr == SyscallTable.VFORK ? CloneCall.fork(nr)
                : CloneCall.inFlight(creator, regs, memory); // its entry was not seen: it began before an attach
        if (call.nr() != SyscallTable.CLONE && call.nr() != SyscallTable.CLONE3 && event != PtraceEvent.CLONE) {
            call = CloneCall.fork(event == PtraceEvent.VFORK ? SyscallTable.VFORK : SyscallTable.FORK);
        }
        // clone_args unreadable (a non-dumpable creator, no CAP_SYS_PTRACE): thread or process from the kernel, never a default.
        if (!call.flagsKnown()) call = call.asTheKernelShows(child, creator.tgid, event);
        TraceEvent.SpawnKind kind = switch (event) {
            case FORK -> TraceEvent.SpawnKind.FORK;
            case VFORK -> TraceEvent.SpawnKind.VFORK;
            default -> call.nr() == SyscallTable.CLONE3 ? TraceEvent.SpawnKind.CLONE3 : TraceEvent.SpawnKind.CLONE;
        };
        int tgid = (call.flags() & CloneFlags.CLONE_THREAD) != 0 ? creator.tgid : child;
        if (tgid == child) tasks.processStarted(child);
        rings.spawned(creator, child, tgid != child, now);
        TraceEvent.Spawned spawned = TraceEvent.Spawned.inNamespaces(now, creator.tid, child, kind, call.flags(), call.flagsKnown(),
                namespaces.localIds(child, tgid, tgid == child));
        if (targetStarted) HandlerMasks.atSpawn(creator, now, events);
        if (targetStarted) events.emit(spawned);
        Task task = tasks.get(child);
        boolean seen = task != null;
        if (task == null) {
            task = new Task(child, tgid);
            tasks.add(task);
        } else {
            task.tgid = tgid;
        }
        task.space = (call.flags() & CloneFlags.CLONE_VM) != 0 ? creator.space : tgid;
        task.nsTid = spawned.nsTid();
        // Its descriptor table: the creator's (CLONE_FILES), a copy, or, for another process, one
        // whose comm descriptors are of no use (the kernel refuses a write from another process).
        task.commFds = (call.flags() & CloneFlags.CLONE_FILES) != 0 ? creator.commFds
                : (call.flags() & CloneFlags.CLONE_THREAD) != 0 ? creator.commFds.copy() : new CommDescriptors();
        if (tasks.held.creatorReported(child, seen)) batch.add(child, 0);
        if (creator.awaitsSpawn && creator.nr >= 0) {
            // Its exit is not waited for (ExitNeed): the event names the child, the call's result.
            if (targetStarted) {
                events.emit(new TraceEvent.Syscall(creator.entryNs, now, creator.tid, creator.nr, creator.args, child, false, true,
                        creator.captures));
            }
            finished(creator);
        }
    }

    private void onExec(Task task, long now) {
        int formerTid = (int) Ptrace.eventMessage(task.tid, eventMessage);
        if (formerTid > 0 && formerTid != task.tid) {
            // A non-leader thread exec'd: it now has the leader's tid, and the old leader is gone
            // without an exit stop of its own: the call it was in (a join of the exec'ing thread)
            // never returns, so it is cut here, before the exec's event gives its tid to another.
            cut(task.tid, now, TraceEvent.Cut.ENDED);
            Task former = tasks.get(formerTid);
            if (former != null) {
                former.tid = task.tid;
                former.tgid = task.tgid;
                tasks.renumbered(formerTid, former);
                task = former;
            }
        }
        task.nameCall = null;
        rings.execd(task);
        task.space = task.tgid; // a new image: a CLONE_VM child leaves its parent's memory
        task.commFds = NameWrites.afterExec(task.tid, task.commFds, memory);
        events.emit(ExecFacts.read(now, task.tid, formerTid > 0 ? formerTid : task.tid, task.execPath, memory));
        // The new image has run no instruction yet: the moment to give a JDK launcher the agent.
        if (execRewriter != null) execRewriter.atExec(task.tid);
    }

    /**
     * The start gate has become the command (stopped at its execve's exit): the trace's time zero,
     * the command's own exec, and its first resume.
     */
    void commandStarted(int pid, GateExec.Started started) {
        targetStarted = true;
        events.emit(new TraceEvent.TargetStarted(started.ns(), pid, Libc.getpid(), started.pathText(), started.argvText()));
        events.emit(ExecFacts.command(started.endNs(), pid, started.pathText()));
        events.emit(new TraceEvent.Syscall(started.ns(), started.endNs(), pid, SyscallTable.EXECVE, started.args(), 0, false, true,
                TraceeMemory.execCaptures(started.path(), started.argv(), started.environmentSize())));
        if (execRewriter != null) execRewriter.atExec(pid);
        resume(pid, 0);
    }

    /** The attach's window closed: the record that says how many tasks were let go. */
    void emitDetached(TraceEvent.Detached detached) {
        events.emit(detached);
    }

    /** Resumes a task to its next stop of interest (see {@link #needsSyscallStops}). */
    void resume(int tid, int signal) {
        if (needsSyscallStops(tid)) Ptrace.resumeToSyscall(tid, signal);
        else Ptrace.resume(tid, signal);
    }

    /**
     * Without the filter every task runs to its next syscall stop. With it, only a task inside a
     * recorded syscall whose exit is waited for (or one that may name a thread) needs one more:
     * the exit stop with the return value (a spawn taken as finished at its event still stops
     * there, PTRACE_O_TRACECLONE); and a task whose descriptor table holds a thread's comm file stops at every
     * syscall until the table holds none ({@link NameWrites}). Everything else runs with
     * PTRACE_CONT until the filter reports the next traced syscall.
     */
    private boolean needsSyscallStops(int tid) {
        if (!seccompActive) return true;
        Task task = tasks.get(tid);
        return task != null && (task.nr >= 0 && !task.awaitsSpawn || task.nameCall != null || task.ringEnter || !task.commFds.isEmpty());
    }

    /** attach: the comm files process {@code pid} already holds open, for its tasks' shared table. */
    CommDescriptors commFilesOpenIn(int pid) {
        return NameWrites.openIn(pid, memory);
    }
}
