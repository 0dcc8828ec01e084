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
    /** The path of the exec the task is inside, for its exec event. */
    String execPath;
    /** A descriptor the task opened on a thread's /proc comm file, watched until it is written and closed (-1: none). */
    int commFd = -1;
    /** Syscalls left before the watch of {@link #commFd} ends even if it was not closed. */
    int commWatchLeft;

    Task(int tid, int tgid) {
        this.tid = tid;
        this.tgid = tgid;
    }
}
