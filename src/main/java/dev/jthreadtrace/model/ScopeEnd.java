package dev.jthreadtrace.model;

/**
 * The moment a program's scope ended: the threads still running then outlived it (the leak a test
 * suite checks by hand). For a native program, its main thread's return (the leader's exit_group)
 * or exit; for a JVM, main's return or the start of the JVM's shutdown.
 *
 * @param ns   nanoseconds since the command's exec
 * @param tid  the thread that ended it (it is not counted among those that outlived it)
 * @param what what happened, for the report: {@code main returned}, {@code the JVM began to shut down}, ...
 */
public record ScopeEnd(long ns, int tid, String what) {}
