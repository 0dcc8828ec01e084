package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CommFile;
import dev.jthreadtrace.decode.Prctl;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.event.TraceEvent.SeenAt;
import dev.jthreadtrace.sys.ProcStatus;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * Names set through io_uring: an {@code IORING_OP_WRITE} to a thread's /proc comm file is done by
 * the kernel (an io-wq worker of the submitting process), with no stop where {@link NameWrites}
 * could see it; it may also have opened the file itself ({@code IORING_OP_OPENAT}). So a process
 * that set up an io_uring or entered one ({@code io_uring_setup}, {@code io_uring_enter}: rare
 * calls, which the seccomp filter stops, and only those) is <em>marked</em>: the tracer then knows
 * the name of each of its traced threads as the kernel had it (read from {@code /proc/TID/comm}
 * once, at the mark, when every name is still one the stops showed, then kept up to date by the
 * names the stops show) and reads {@code /proc/TID/comm} again where it stops anyway:
 * <ul>
 *   <li>at each io_uring_enter's exit of the process (the one stop more a marked process pays per
 *   enter): the thread that entered (a thread naming itself through its ring), the threads whose
 *   comm file the process holds open through a descriptor {@link NameWrites} saw opened (at most
 *   {@link #TARGET_BOUND}: the file a ring's write names), and at most {@link #LOOK_BOUND} others,
 *   in turn: the enter of a busy ring comes thousands of times a second, and a process may have
 *   hundreds of threads; the others are read at the next enters, and every one at its end;</li>
 *   <li>at a signal's delivery, the same way;</li>
 *   <li>at a thread's exit and its prctl(PR_SET_NAME) (that thread: the name it had), at exit_group and exec (every thread: they all end
 *   there), at a clone (the creator, whose name the new thread inherits);</li>
 *   <li>at each thread's exit stop ({@code PTRACE_EVENT_EXIT}, turned on for the threads of a
 *   marked process only, at their next stop; the threads they create inherit it): the kernel stops
 *   every thread there, whatever ends it (its exit, another's exit_group, a fatal signal, SIGKILL),
 *   and its /proc comm is still there;</li>
 *   <li>at the end of the trace (a kill, a detach, an interrupt), every thread, from the thread
 *   that ends the trace ({@link #lookAtTheEnd}).</li>
 * </ul>
 * A name that differs from the one known becomes a {@link TraceEvent.CommSeen}, timed when it was
 * seen. A process that never set up a ring pays nothing: {@link #entered} returns at once while no
 * process is marked, and the filter's two more comparisons cost no stop.
 */
final class RingNames {
    /** Threads read per io_uring_enter or signal: each read is an open, a read and a close of /proc (a few microseconds). */
    static final int LOOK_BOUND = 4;
    /** Comm-file descriptors followed to their thread per io_uring_enter (a readlink and a read each). */
    static final int TARGET_BOUND = 16;
    private static final int IO_URING_SETUP = nr("io_uring_setup"), IO_URING_ENTER = nr("io_uring_enter");
    /** A name the tracer does not know (its read failed): the next read reports whatever it finds. */
    private static final byte[] UNKNOWN = new byte[0];

    /** One marked process: its traced threads' names as last known, and where the last bounded look stopped. */
    private static final class Ring {
        final ConcurrentSkipListMap<Integer, byte[]> known = new ConcurrentSkipListMap<>();
        int cursor;
    }

    /** By process: written by the ptrace thread, read by the thread that ends the trace too. */
    private final Map<Integer, Ring> marked = new ConcurrentHashMap<>();
    private final TaskTable tasks;
    private final Events events;
    /** The options the tasks were seized with: PTRACE_SETOPTIONS replaces them all. 0 until the trace starts. */
    private volatile long options;

    RingNames(TaskTable tasks, Events events) {
        this.tasks = tasks;
        this.events = events;
    }

    /** The options every task is seized with (returned), to which a marked process's threads add PTRACE_O_TRACEEXIT. */
    long seizedWith(long seizeOptions) {
        options = seizeOptions;
        return seizeOptions;
    }

    /**
     * At any stop of a task (null: one not known yet): a thread of a marked process stops at its
     * exit from now on ({@link #exitStops}); stopped there ({@code PTRACE_EVENT_EXIT}, whatever
     * ends it), its name is read, as the kernel last had it.
     */
    void stopped(Task task, WaitStatus status, long now) {
        if (task == null || marked.isEmpty()) return;
        Ring ring = marked.get(task.tgid);
        if (ring == null || status instanceof WaitStatus.Exited || status instanceof WaitStatus.Killed) return;
        exitStops(task);
        if (status instanceof WaitStatus.EventStop e && e.event() == PtraceEvent.EXIT) {
            look(ring, task.tid, SeenAt.EXIT, task.tid, now, events::emit);
        }
    }

    /** One PTRACE_SETOPTIONS per thread of a marked process, at a stop of it; a thread it creates inherits the option. */
    private void exitStops(Task task) {
        if (task.exitStops || options == 0 || !marked.containsKey(task.tgid)) return;
        task.exitStops = Ptrace.setOptions(task.tid, options | Ptrace.O_TRACEEXIT);
    }

    /** The io_uring calls, which the seccomp filter stops whatever is recorded. */
    static List<Integer> filtered() {
        return List.of(IO_URING_SETUP, IO_URING_ENTER);
    }

    /**
     * At a syscall's entry: an io_uring call marks its process (an io_uring_enter then stops at its
     * exit too, {@link #returned}, {@link Task#ringEnter}); in a marked process, a thread's exit, an
     * exit_group or an exec is the last moment its threads' names can be read, and a
     * prctl(PR_SET_NAME) the last moment the name it replaces can be.
     */
    void entered(Task task, int nr, SyscallInfoLayout.Copy info, long now, TraceeMemory memory) {
        if (nr == IO_URING_SETUP || nr == IO_URING_ENTER) {
            mark(task.tgid);
            exitStops(task);
            task.ringEnter = nr == IO_URING_ENTER;
            return;
        }
        if (marked.isEmpty()) return;
        Ring ring = marked.get(task.tgid);
        if (ring == null) return;
        Consumer<TraceEvent> out = events::emit;
        if (nr == SyscallTable.EXIT) look(ring, task.tid, SeenAt.EXIT, task.tid, now, out);
        else if (nr == SyscallTable.EXIT_GROUP) lookAll(ring, SeenAt.EXIT_GROUP, task.tid, now, out);
        else if (nr == SyscallTable.EXECVE || nr == SyscallTable.EXECVEAT) lookAll(ring, SeenAt.EXEC, task.tid, now, out);
        else if (nr == SyscallTable.PRCTL && (int) info.arg(0) == Prctl.PR_SET_NAME) {
            look(ring, task.tid, SeenAt.PRCTL, task.tid, now, out);
            // The name the kernel copies (at most 15 bytes, up to a NUL); read now, as the prctl's own decoder does.
            byte[] name = info.arg(1) == 0 ? null : memory.readString(task.tid, info.arg(1), CommFile.NAME_MAX + 1);
            ring.known.replace(task.tid, name == null ? UNKNOWN : CommFile.name(name));
        }
    }

    /**
     * At a syscall's exit: a name written to a comm file that a stop saw ({@link NameWrites}:
     * {@code written}, or null) is what its target has now; after an io_uring_enter, a look at the
     * thread that entered, at the threads whose comm file its process holds open, and a bounded look
     * at the others.
     */
    void returned(Task task, TraceEvent.CommWritten written, long now, TraceeMemory memory) {
        if (written != null && !marked.isEmpty()) {
            Ring ring = marked.get(task.tgid);
            if (ring != null) ring.known.replace(written.target(), written.name());
        }
        if (!task.ringEnter) return;
        task.ringEnter = false;
        Ring ring = marked.get(task.tgid);
        if (ring == null) return;
        Consumer<TraceEvent> out = events::emit;
        look(ring, task.tid, SeenAt.IO_URING_ENTER, task.tid, now, out);
        if (!task.commFds.isEmpty()) {
            int followed = 0;
            for (int fd : task.commFds.all()) {
                if (followed++ == TARGET_BOUND) break;
                int target = memory.commFileOf(task.tid, fd);
                if (target > 0) look(ring, target, SeenAt.IO_URING_ENTER, task.tid, now, out);
            }
        }
        lookSome(ring, SeenAt.IO_URING_ENTER, task.tid, now, out);
    }

    /** A signal is delivered to {@code task}: it may end the process, whose names are read (bounded) while they can be. */
    void delivered(Task task, long now) {
        if (marked.isEmpty()) return;
        Ring ring = marked.get(task.tgid);
        if (ring != null) lookSome(ring, SeenAt.SIGNAL, task.tid, now, events::emit);
    }

    /**
     * {@code creator} made {@code child}: a thread of a marked process starts with its creator's
     * name, so that name is read first (reported before the spawn, for the model to pass on), then
     * the child's, which is the name it starts with.
     */
    void spawned(Task creator, int child, boolean thread, long now) {
        if (!thread || marked.isEmpty()) return;
        Ring ring = marked.get(creator.tgid);
        if (ring == null) return;
        look(ring, creator.tid, SeenAt.CLONE, creator.tid, now, events::emit);
        byte[] name = ProcStatus.comm(child);
        ring.known.put(child, name == null ? UNKNOWN : name);
    }

    /** An exec: the new image has none of the old one's rings (their descriptors are close-on-exec); it is marked again if it enters one. */
    void execd(Task task) {
        task.ringEnter = false;
        marked.remove(task.tgid);
    }

    /** A task is gone: its name is no longer read; a process with no thread left is no longer marked. */
    void gone(Task task) {
        if (task == null || marked.isEmpty()) return;
        Ring ring = marked.get(task.tgid);
        if (ring == null) return;
        ring.known.remove(task.tid);
        if (ring.known.isEmpty()) marked.remove(task.tgid);
    }

    /**
     * The trace ends while marked processes still run: every thread's name, read now. From the thread
     * that ends the trace (the ptrace thread may wait in waitpid for a hung program): only /proc reads.
     */
    void lookAtTheEnd(long now, Consumer<TraceEvent> out) {
        for (Ring ring : marked.values()) lookAll(ring, SeenAt.END, 0, now, out);
    }

    /** The first io_uring call of a process: every traced thread's name as the kernel has it now, which the stops have shown. */
    private void mark(int tgid) {
        if (marked.containsKey(tgid)) return;
        Ring ring = new Ring();
        for (Task t : tasks.ofProcess(tgid)) {
            byte[] name = ProcStatus.comm(t.tid);
            ring.known.put(t.tid, name == null ? UNKNOWN : name);
        }
        marked.put(tgid, ring);
    }

    /** Up to {@link #LOOK_BOUND} threads of the process, after the last one the previous look read (each once). */
    private void lookSome(Ring ring, SeenAt at, int by, long now, Consumer<TraceEvent> out) {
        Integer first = null;
        int tid = ring.cursor;
        for (int i = 0; i < LOOK_BOUND; i++) {
            Integer next = ring.known.higherKey(tid);
            if (next == null) next = ring.known.ceilingKey(Integer.MIN_VALUE); // round again from the lowest
            if (next == null || next.equals(first)) return;
            if (first == null) first = next;
            tid = next;
            ring.cursor = tid;
            look(ring, tid, at, by, now, out);
        }
    }

    private void lookAll(Ring ring, SeenAt at, int by, long now, Consumer<TraceEvent> out) {
        for (int tid : ring.known.keySet()) look(ring, tid, at, by, now, out);
    }

    /** One thread's name read: an event when it is not the one known. */
    private static void look(Ring ring, int tid, SeenAt at, int by, long now, Consumer<TraceEvent> out) {
        byte[] known = ring.known.get(tid);
        if (known == null) return; // not a thread of the process the tracer follows
        byte[] name = ProcStatus.comm(tid);
        if (name == null || known != UNKNOWN && Arrays.equals(known, name)) return;
        if (!ring.known.replace(tid, known, name)) return; // known changed meanwhile (the end's look and the ptrace thread)
        out.accept(new TraceEvent.CommSeen(now, tid, name, at, by));
    }

    private static int nr(String name) {
        return SyscallTable.number(name).orElseThrow(() -> new IllegalStateException("syscall table lacks " + name));
    }
}
