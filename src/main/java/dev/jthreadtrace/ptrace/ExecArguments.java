package dev.jthreadtrace.ptrace;

import java.nio.file.Path;
import java.util.List;

/**
 * Arguments the tool adds to a program's command line when a traced task execs it: how the JVM
 * agent gets into a JDK launcher without the environment (see {@link ExecRewriter}). Called on the
 * ptrace thread while the task is stopped, so it must be quick and must not block.
 */
@FunctionalInterface
public interface ExecArguments {
    /**
     * @param executable the file the kernel is about to run, symbolic links resolved
     * @param argv       the command line as the task passes it
     * @return the arguments to insert right after {@code argv[0]}; empty to leave the exec alone
     */
    List<String> insertAfterArgv0(Path executable, List<String> argv);

    ExecArguments NONE = (executable, argv) -> List.of();
}
