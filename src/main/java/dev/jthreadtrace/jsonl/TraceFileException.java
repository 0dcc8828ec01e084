package dev.jthreadtrace.jsonl;

/** A saved trace that cannot be read back: the message names the file and line. */
public final class TraceFileException extends Exception {
    public TraceFileException(String message) {
        super(message);
    }
}
