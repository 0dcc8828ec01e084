package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Capture;
import dev.jthreadtrace.decode.Captures;

import java.util.List;

/** The ptrace thread's private state for one traced task: which syscall it is inside, if recorded. */
final class Task {
    int tid;
    int tgid;
    /**
     * The address space it runs in, named by the tgid of the process that made it: its process's, or
     * for a CLONE_VM child process (vfork, posix_spawn) its creator's until it execs. The kernel keys
     * a private futex word by address space ({@link ExitChoice}).
     */
    int space;
    /** Its id in its own PID namespace when that is not the tool's, else 0: the id it names itself by in its calls. */
    int nsTid;

    /** The recorded syscall the task is inside, or -1. */
    int nr = -1;
    long[] args;
    long entryNs;
    List<Capture> plan;
    Captures captures;
    /**
     * The syscall whose entry the task's last stop reported; -1 after any other stop. Resumed with
     * PTRACE_SYSCALL (a task following its comm file descriptors), a call our filter traces stops
     * twice at its entry: the syscall-entry stop, then our filter's seccomp stop (the kernel runs
     * seccomp after ptrace's entry report, kernel/entry/common.c). The second is the same entry, not
     * a second call (exit(0) was printed twice).
     */
    int justEntered = -1;
    /** The recorded spawn the task is inside is finished at its clone/fork event, not at its exit ({@link ExitChoice}). */
    boolean awaitsSpawn;
    /** The futex word the task waits on, while its wait counts for {@link ExitChoice}; null otherwise. */
    Object waitWord;
    /** When that wait began, in {@link ExitChoice}'s order of futex entries. */
    long waitOrder;
    /** Whether that wait is a private FUTEX_WAIT or FUTEX_WAIT_BITSET. */
    boolean waitPrivatePlain;
    /** The path of the exec the task is inside, for its exec event. */
    String execPath;
    /** The descriptors of the task's descriptor table that are a thread's /proc comm file (shared with the tasks sharing the table). */
    CommDescriptors commFds = new CommDescriptors();
    /** The syscall the task is inside that may set a name or change {@link #commFds} ({@link NameWrites}), or null. */
    NameWrites.Call nameCall;
    /** The task is inside an io_uring_enter of a marked process, whose exit stop looks at its threads' names ({@link RingNames}). */
    boolean ringEnter;
    /** Signals delivered to the task since its last rt_sigreturn: a handler may be running, under a mask no call set ({@link HandlerMasks}). */
    int handlersRunning;
    /** The task stops at its exit (PTRACE_O_TRACEEXIT, set for the threads of a marked process, {@link RingNames}). */
    boolean exitStops;

    Task(int tid, int tgid) {
        this.tid = tid;
        this.tgid = tgid;
        this.space = tgid;
    }
}
