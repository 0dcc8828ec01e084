package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.ExitNeeds;
import dev.jthreadtrace.decode.Prctl;
import dev.jthreadtrace.decode.Seccomp;
import dev.jthreadtrace.decode.SyscallSpec;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;

/**
 * What a finished syscall does to the model, as its registry row says ({@link SyscallSpec#effect()}):
 * settings go to the {@link SettingsTracker}, futex calls to the {@link FutexLog}, mappings to the
 * {@link MmapLog}, every call to the {@link SyscallStats}. (Names written to a /proc comm file come
 * as events of their own, {@code TraceEvent.CommWritten}: the tracer asked the kernel which file was written.)
 */
final class SyscallEffects {
    private final ThreadTable table;
    private final SettingsTracker settings;
    private final SyscallStats stats = new SyscallStats();
    /** The memory objects shared mappings map: the key of a shared futex word (read by the futex log as it records). */
    private final SharedMappings shared = new SharedMappings();
    private final FutexLog futex = new FutexLog(shared);
    private final MmapLog mmap = new MmapLog();
    /** The traced command called seccomp() or prctl(PR_SET_SECCOMP) itself (whether it worked or not). */
    private boolean ownSeccomp;

    SyscallEffects(ThreadTable table, SettingsTracker settings) {
        this.table = table;
        this.settings = settings;
    }

    /**
     * One finished syscall of task {@code t}, entered at {@code ns} and returned at {@code exitNs}:
     * {@code raw} as the tracer saw it (the -c table counts a restart_syscall as itself), {@code c}
     * as the program made it ({@link Restarts}), {@code spec} that call's row.
     */
    void apply(ThreadInfo t, TraceEvent.Syscall raw, Restarts.Continued c, SyscallSpec spec, long ns, long exitNs) {
        stats.add(t, raw);
        if (spec == null) return;
        TraceEvent.Syscall s = c.call();
        long[] a = s.args();
        boolean ok = s.returned() && !s.error();
        switch (spec.effect()) {
            case NONE -> { }
            case PRCTL -> {
                if ((int) a[0] == Prctl.PR_SET_SECCOMP) ownSeccomp = true;
                if (ok) settings.prctl(t, ns, a, s.captures().string(1), table.liveTasks());
                if (ok && (int) a[0] == Prctl.PR_SET_CHILD_SUBREAPER) table.subreaper(t, a[1] != 0);
                if (ok && (int) a[0] == Prctl.PR_SET_DUMPABLE && a[1] == 0 && table.process(t.tgid()) != null) {
                    table.process(t.tgid()).madeNonDumpable(ns);
                }
            }
            case SECCOMP -> {
                ownSeccomp = true;
                if (ok && a[0] == Seccomp.SECCOMP_SET_MODE_FILTER) settings.seccompFilter(t, ns, a[1], s.ret(), table.liveTasks());
            }
            case SIGPROCMASK -> {
                if (ok && a[1] != 0 && s.captures().bytes(1) == null) {
                    // It changed the mask to a set the tracer could not read (a non-dumpable process).
                    settings.sigmaskUnknown(t, ns);
                } else if (ExitNeeds.sigprocmaskChanged(a, s.captures().bytes(1), ok, s.returned() && s.error(), s.ret())) {
                    settings.sigprocmask(t, ns, a[0], s.captures().bytes(1), a[2] != 0);
                }
            }
            case SIGRETURN -> settings.sigreturn(t, ns, s.captures().bytes(0)); // its "error" is the interrupted call's result
            case AFFINITY -> {
                // Its pid is an id of the caller's PID namespace: the kernel's only in the tool's.
                ThreadInfo target = a[0] == 0 ? t : table.liveNamedBy(t, (int) a[0]);
                // The mask the kernel set, read back at the exit (slot 3), else the one asked for (a saved trace of before).
                byte[] mask = s.captures().bytes(3) != null ? s.captures().bytes(3) : s.captures().bytes(2);
                if (ok && mask != null && target != null) settings.affinity(target, t.tid(), ns, mask);
            }
            case EXIT -> {
                t.calledExit();
                if (t.tid() == t.tgid()) scopeEnded(t, new ScopeEnd(ns, t.tid(), ScopeEnd.MAIN_THREAD_EXITED));
            }
            case EXIT_GROUP -> {
                table.calledExitGroup(t);
                // What the kernel shows, no more: main's return, exit(), _exit() and a signal
                // handler's _exit all end in this call, which cannot tell them apart.
                String call = "exit_group(" + (int) a[0] + ") by ";
                scopeEnded(t, new ScopeEnd(ns, t.tid(), call + (t.tid() == t.tgid() ? ScopeEnd.MAIN_THREAD : Integer.toString(t.tid()))));
            }
            case SPAWN -> {
                // The result is the child's id in the creator's PID namespace, the kernel's only in the tool's; the
                // creator is in this clone until its result, so the task it created last is the one it names.
                if (ok && s.ret() > 0) cloned(t, s, t.nsTid() == 0 ? (int) s.ret() : t.lastCreated());
            }
            case SET_TID_ADDRESS -> {
                futex.clearTid(t, a[0]);
            }
            case FUTEX -> futex.record(t, c, ns, exitNs);
            case FUTEX_WAITV -> futex.recordWaitv(t, c, ns, exitNs);
            case MMAP -> {
                mmap.mmap(t, s, ns, shared.space(t.tgid()));
                shared.mmap(t.tgid(), s);
            }
            case MUNMAP -> {
                mmap.munmap(t, s, ns, shared.space(t.tgid()));
                shared.munmap(t.tgid(), s);
            }
            case MREMAP -> {
                mmap.mremap(t, s, ns, shared.space(t.tgid()));
                shared.mremap(t.tgid(), s);
            }
        }
    }

    /** A fork (no CLONE_VM): the child's space is a copy of the parent's, its shared objects and unmapped ranges. */
    void forked(int parent, int child) {
        shared.forked(parent, child);
        mmap.forked(shared.space(parent), shared.space(child));
    }

    /** An exec: the process's memory is new. */
    void execd(int tgid) {
        shared.execd(tgid);
        mmap.execd(shared.space(tgid));
    }

    SyscallStats stats() {
        return stats;
    }

    FutexLog futex() {
        return futex;
    }

    SharedMappings shared() {
        return shared;
    }

    MmapLog mmap() {
        return mmap;
    }

    boolean ownSeccomp() {
        return ownSeccomp;
    }

    private void scopeEnded(ThreadInfo t, ScopeEnd end) {
        ProcessInfo process = table.process(t.tgid());
        if (process != null) process.scopeEnded(end);
    }

    /**
     * The child a clone returned: the word the kernel clears at its exit, and the stack it was given.
     * The child may have ended already: it runs from the clone event on, and a thread that does
     * little can exit before its creator's return from clone is seen (a loaded machine schedules
     * the creator late), so it is found among ended tasks too, as long as it is this creator's.
     */
    private void cloned(ThreadInfo creator, TraceEvent.Syscall s, int childTid) {
        ThreadInfo child = table.thread(childTid);
        if (child == null || child.creatorInfo() != creator) return;
        long[] a = s.args();
        byte[] cloneArgs = s.captures().bytes(0);
        if (s.nr() == SyscallTable.CLONE) {
            if ((a[0] & CloneFlags.CLONE_CHILD_CLEARTID) != 0) {
                futex.clearTid(child, a[3]);
            }
            child.stack(a[1], child.stackSize());
            mmap.threadStack(child);
        } else if (cloneArgs != null && cloneArgs.length >= CloneFlags.CLONE_ARGS_SIZE_VER0) {
            CloneFlags.CloneArgs c = CloneFlags.CloneArgs.parse(cloneArgs);
            if ((c.flags() & CloneFlags.CLONE_CHILD_CLEARTID) != 0) {
                futex.clearTid(child, c.childTid());
            }
            child.stack(c.stack(), c.stackSize());
            mmap.threadStack(child);
        }
    }
}
