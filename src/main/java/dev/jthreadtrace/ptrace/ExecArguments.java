package dev.jthreadtrace.ptrace;

import java.util.List;

/**
 * Arguments the tool adds to a program's command line when a traced process has exec'd it: how
 * the JVM agent gets into a JDK launcher without touching the environment (see {@link InitialStack}).
 * Called on the ptrace thread while the new image is stopped before its first instruction, so it
 * must be quick and must not block.
 */
public interface ExecArguments {
    /**
     * Whether a process that has just exec'd {@code executable} (its path as that process sees
     * it, {@code /proc/PID/exe}) may get arguments at all: asked at every exec before anything else
     * is read, so the execs of other programs (a build runs thousands) cost one link read.
     */
    boolean mayInsertInto(String executable);

    /** The arguments to insert right after {@code argv[0]} of this new image; empty to leave it alone. */
    List<String> insertAfterArgv0(ExecImage image);

    /** The arguments were wanted but could not be put in ({@code why}): the process runs as it was. */
    default void notInserted(int pid, String why) {}

    /** No arguments for anyone: the tracer then does not even look at execs. */
    ExecArguments NONE = new ExecArguments() {
        @Override
        public boolean mayInsertInto(String executable) {
            return false;
        }

        @Override
        public List<String> insertAfterArgv0(ExecImage image) {
            return List.of();
        }
    };
}
