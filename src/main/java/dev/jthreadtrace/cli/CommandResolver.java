package dev.jthreadtrace.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the command the way {@code execvp} will, before anything is started, so that "not found"
 * (127) and "not executable" (126) are one clear line from us rather than the start gate's shell.
 */
final class CommandResolver {
    sealed interface Resolution {}

    record Found(Path path) implements Resolution {}

    record NotFound(String message) implements Resolution {}

    record NotExecutable(String message) implements Resolution {}

    private CommandResolver() {}

    static Resolution resolve(String command, String pathVariable) {
        if (command.isEmpty()) return new NotFound("empty command name");
        if (command.contains("/")) return check(Path.of(command), command);
        Path candidate = null;
        for (String dir : (pathVariable == null ? "/usr/local/bin:/usr/bin:/bin" : pathVariable).split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return new Found(p);
            if (Files.exists(p) && candidate == null) candidate = p;
        }
        if (candidate != null) return check(candidate, command);
        return new NotFound(command + ": command not found");
    }

    private static Resolution check(Path p, String shown) {
        if (!Files.exists(p)) return new NotFound(shown + ": No such file or directory");
        if (Files.isDirectory(p)) return new NotExecutable(shown + ": Is a directory");
        if (!Files.isExecutable(p)) return new NotExecutable(shown + ": Permission denied (not executable)");
        return new Found(p);
    }
}
