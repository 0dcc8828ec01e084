package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A thread group: its leader pid, who created it, the programs it exec'd, how it ended. */
public final class ProcessInfo {
    private final int pid;
    private final Integer creator;
    private final int parentPid;
    private final List<String> exec = new ArrayList<>();
    /** When each exec seen under the trace happened (ns since the command's), in order: not the one an attach found. */
    private final List<Long> execTimes = new ArrayList<>();
    private Exit exit;
    private ScopeEnd scopeEnd;
    private String runtime;
    /** When it made itself non-dumpable (prctl PR_SET_DUMPABLE 0) the first time, ns since the exec; -1: never. */
    private long madeNonDumpable = -1;

    ProcessInfo(int pid, Integer creator, int parentPid) {
        this.pid = pid;
        this.creator = creator;
        this.parentPid = parentPid;
    }

    public int pid() {
        return pid;
    }

    /** The task whose fork/clone made it; null for the traced command. */
    public Integer creator() {
        return creator;
    }

    /** Its kernel parent (PPid). */
    public int parentPid() {
        return parentPid;
    }

    /** The programs it exec'd, in order. */
    public List<String> exec() {
        return Collections.unmodifiableList(exec);
    }

    /** When it exec'd under the trace, in order (an attached process's program was exec'd before). */
    public List<Long> execTimes() {
        return Collections.unmodifiableList(execTimes);
    }

    /** How its leader ended, or null. */
    public Exit exit() {
        return exit;
    }

    /**
     * When its program's scope ended as the kernel saw it: its main thread returned from main (the
     * leader's exit_group) or exited alone, or another thread ended the process; null until then.
     */
    public ScopeEnd scopeEnd() {
        return scopeEnd;
    }

    /** The first end counts: a later exit_group, after the leader's own exit, changes nothing. */
    void scopeEnded(ScopeEnd end) {
        if (scopeEnd == null) scopeEnd = end;
    }

    void execd(String path) {
        execd(path, null);
    }

    /** {@code runtime}: the exec'd image's ({@code go}), null for none known; each exec replaces the image. */
    void execd(String path, String runtime) {
        exec.add(path);
        this.runtime = runtime;
    }

    /** An exec at {@code ns}, under the trace. */
    void execd(String path, String runtime, long ns) {
        execd(path, runtime);
        execTimes.add(ns);
    }

    /** An attached process whose image was not exec'd under the trace: the runtime its ELF file says. */
    void runs(String runtime) {
        this.runtime = runtime;
    }

    /**
     * The runtime of the program it exec'd last, as its ELF file said ({@code go}: a Go program, whose
     * runtime starts and keeps OS threads as it sees fit); null for any other.
     */
    public String runtime() {
        return runtime;
    }

    void exit(Exit exit) {
        this.exit = exit;
    }

    /**
     * When it made itself non-dumpable (prctl(PR_SET_DUMPABLE, 0)), the first time, or -1: from
     * then on a tracer without CAP_SYS_PTRACE cannot read its memory.
     */
    public long madeNonDumpable() {
        return madeNonDumpable;
    }

    void madeNonDumpable(long ns) {
        if (madeNonDumpable < 0) madeNonDumpable = ns;
    }
}
