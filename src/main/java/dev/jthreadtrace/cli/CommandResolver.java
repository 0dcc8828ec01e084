package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.ptrace.ExecSearch;
import dev.jthreadtrace.sys.PathCalls;
import dev.jthreadtrace.text.Escape;

/**
 * Finds the command the way {@code execvp} will, before anything is started, so that "not found"
 * (127) and "not executable" (126) are one clear line from us rather than the start gate's shell.
 * On bytes, as the kernel and the start gate's search ({@link ExecSearch}) see them: a file name
 * that is not UTF-8, or not ASCII under the C locale (where the JVM cannot even make a
 * {@code Path} of it), is found like any other, and shown escaped ({@code \xNN}).
 */
final class CommandResolver {
    sealed interface Resolution {}

    record Found(byte[] path) implements Resolution {}

    record NotFound(String message) implements Resolution {}

    record NotExecutable(String message) implements Resolution {}

    private static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFREG = 0100000;

    private CommandResolver() {}

    /** {@code command}: argv[0]'s bytes; {@code pathVariable}: PATH's value, null when unset. */
    static Resolution resolve(byte[] command, byte[] pathVariable) {
        String shown = Escape.name(KernelBytes.decode(command));
        if (command.length == 0) return new NotFound("empty command name");
        for (byte b : command) if (b == '/') return check(command, shown);
        byte[] candidate = null;
        for (byte[] p : ExecSearch.candidates(command, pathVariable)) {
            int mode = PathCalls.fileMode(p);
            if ((mode & S_IFMT) == S_IFREG && PathCalls.executable(p)) return new Found(p);
            if (mode >= 0 && candidate == null) candidate = p;
        }
        if (candidate != null) return check(candidate, shown);
        return new NotFound(shown + ": command not found");
    }

    private static Resolution check(byte[] p, String shown) {
        int mode = PathCalls.fileMode(p);
        if (mode < 0) return new NotFound(shown + ": No such file or directory");
        if ((mode & S_IFMT) == S_IFDIR) return new NotExecutable(shown + ": Is a directory");
        if (!PathCalls.executable(p)) return new NotExecutable(shown + ": Permission denied (not executable)");
        return new Found(p);
    }
}
