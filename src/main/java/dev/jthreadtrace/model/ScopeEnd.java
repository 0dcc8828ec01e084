package dev.jthreadtrace.model;

/**
 * The moment a program's scope ended: the threads still running then outlived it (the leak a test
 * suite checks by hand). For a native program, an exit_group (its main thread's: main's return,
 * exit() or _exit(), which the kernel does not tell apart; or another thread's) or its main
 * thread's exit; for a JVM, main's return (seen by the agent) or the start of the JVM's shutdown.
 *
 * @param ns   nanoseconds since the command's exec
 * @param tid  the thread that ended it (it is not counted among those that outlived it)
 * @param what what happened, for the report: {@code exit_group(0) by the main thread},
 *             {@code exit_group(3) by 1234}, {@code main returned} (a JVM), {@code the JVM began to shut down}, ...
 */
public record ScopeEnd(long ns, int tid, String what) {
    /** How {@link #what} names the process's leader as the caller of exit_group. */
    public static final String MAIN_THREAD = "the main thread";
    /** {@link #what} when the leader called exit alone (pthread_exit): its thread ends, a zombie while others run on. */
    public static final String MAIN_THREAD_EXITED = "main thread exited";
}
