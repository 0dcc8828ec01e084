package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Capture;
import dev.jthreadtrace.decode.Captures;

import java.util.List;

/** The ptrace thread's private state for one traced task: which syscall it is inside, if recorded. */
final class Task {
    int tid;
    int tgid;

    /** The recorded syscall the task is inside, or -1. */
    int nr = -1;
    long[] args;
    long entryNs;
    List<Capture> plan;
    Captures captures;
    /** Time of the last execve entry: the exec event that follows makes it the trace's time zero. */
    long execEntryNs;
    String execPath;
    /** The argv register before {@link ExecRewriter} changed it (0: unchanged), for an exec that fails. */
    long execArgvFormer;

    Task(int tid, int tgid) {
        this.tid = tid;
        this.tgid = tgid;
    }
}
