package dev.jthreadtrace.decode;

import java.util.List;

/** {@code execve}'s path, argv and envp, as strace prints them (the environment as a pointer). */
final class ExecArgs {
    private ExecArgs() {}

    static String render(String path, List<String> argv, long pathPointer, long argvPointer, long envp, int stringMax) {
        return (path != null ? Args.quoted(path, Math.max(stringMax, 4096)) : Args.pointer(pathPointer)) + ", "
                + (argv != null ? Args.stringArray(argv, stringMax) : Args.pointer(argvPointer)) + ", "
                + Args.pointer(envp);
    }
}
