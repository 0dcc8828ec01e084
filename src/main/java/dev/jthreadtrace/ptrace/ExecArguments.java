package dev.jthreadtrace.ptrace;

import java.nio.file.Path;
import java.util.List;

/**
 * Arguments the tool adds to a program's command line when a traced task execs it: how the JVM
 * agent gets into a JDK launcher without the environment (see {@link ExecRewriter}). Called on the
 * ptrace thread while the task is stopped, so it must be quick and must not block.
 */
public interface ExecArguments {
    /**
     * Whether this executable (symbolic links resolved) may get arguments at all: asked before the
     * task's argv is read, so the execs of other programs (a build runs thousands) cost one path
     * lookup, not a read of every argument.
     */
    boolean mayInsertInto(Path executable);

    /**
     * @param executable the file the kernel is about to run, symbolic links resolved
     * @param argv       the command line as the task passes it
     * @return the arguments to insert right after {@code argv[0]}; empty to leave the exec alone
     */
    List<String> insertAfterArgv0(Path executable, List<String> argv);

    /** No arguments for anyone: the tracer then does not even look at execs. */
    ExecArguments NONE = new ExecArguments() {
        @Override
        public boolean mayInsertInto(Path executable) {
            return false;
        }

        @Override
        public List<String> insertAfterArgv0(Path executable, List<String> argv) {
            return List.of();
        }
    };
}
