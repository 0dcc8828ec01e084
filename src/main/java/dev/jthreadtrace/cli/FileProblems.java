package dev.jthreadtrace.cli;

import dev.jthreadtrace.text.Escape;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** One line about a file the tool cannot use: which file, and why, in the words of errno. */
final class FileProblems {
    private FileProblems() {}

    /** {@code cannot write /x/y: No such file or directory} (Java's own message is often just the path). */
    static String cannotWrite(Path file, IOException e) {
        return "cannot write " + Escape.text(file.toString()) + ": " + reason(e);
    }

    /**
     * Why, escaped: Java's own message is often the path itself ({@code FileAlreadyExistsException},
     * {@code FileNotFoundException: PATH (Is a directory)}), a name that may hold an escape sequence
     * or a newline (a forged second line).
     */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> "No such file or directory";
            case AccessDeniedException a -> "Permission denied";
            case NotDirectoryException n -> "Not a directory";
            case FileSystemException f when f.getReason() != null -> Escape.text(f.getReason());
            case java.nio.charset.CharacterCodingException c -> "not UTF-8 text";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : Escape.text(e.getMessage().replace("java.io.IOException: ", ""));
        };
    }

    /**
     * Whether {@code file} can be written later, checked now (before the target runs): null if so,
     * else the one-line reason. Nothing is created.
     */
    static String writableLater(Path file) {
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) return "cannot write " + Escape.text(file.toString()) + ": Is a directory";
        if (Files.exists(absolute)) return Files.isWritable(absolute) ? null : "cannot write " + Escape.text(file.toString()) + ": Permission denied";
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) return "cannot write " + Escape.text(file.toString()) + ": No such file or directory";
        return Files.isWritable(parent) ? null : "cannot write " + Escape.text(file.toString()) + ": Permission denied";
    }
}
