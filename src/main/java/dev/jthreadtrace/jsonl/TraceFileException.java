package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.text.Escape;

/**
 * A saved trace that cannot be read back: the message names the file and line. Escaped whole: the
 * file's name and the values a record holds are not ours (a directory named with an escape
 * sequence and a newline wrote a forged line).
 */
public final class TraceFileException extends Exception {
    public TraceFileException(String message) {
        super(Escape.text(message));
    }
}
