package dev.jthreadtrace.render;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Where trace lines go: buffered, flushed at most every {@link #FLUSH_INTERVAL_NS} while lines
 * keep coming and at once when the stream goes idle, so a pipe sees lines within ~100 ms without
 * a flush per line. A reader that went away (EPIPE) becomes {@link OutputClosedException}; any
 * other write error (ENOSPC, EIO) {@link OutputFailedException}. After a failure every call is a
 * no-op: what cannot be written is dropped, never retried into the same error.
 */
public final class Output implements AutoCloseable {
    public static final long FLUSH_INTERVAL_NS = 100_000_000L;
    private final Writer writer;
    private final boolean closeUnderlying;
    /** True once the reader of our pipe went away (checked when idle); never for a file. */
    private final BooleanSupplier readerGone;
    private long lastFlush = System.nanoTime();
    private boolean dirty;
    private boolean failed;

    public Output(OutputStream out, boolean closeUnderlying) {
        this(out, closeUnderlying, () -> false);
    }

    /** @param readerGone whether the reader of the pipe {@code out} writes to went away (the caller polls it) */
    public Output(OutputStream out, boolean closeUnderlying, BooleanSupplier readerGone) {
        this.writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.closeUnderlying = closeUnderlying;
        this.readerGone = readerGone;
    }

    public void line(String text) {
        if (failed) return;
        try {
            writer.write(text);
            writer.write('\n');
            dirty = true;
        } catch (IOException e) {
            throw failure(e);
        }
        if (System.nanoTime() - lastFlush > FLUSH_INTERVAL_NS) flush();
    }

    /**
     * Part of a line, its end to follow: a call printed when it begins, as strace prints it, so a
     * call that blocks shows at once (the idle flush writes it out).
     */
    public void text(String text) {
        if (failed) return;
        try {
            writer.write(text);
            dirty = true;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    public void flush() {
        if (!dirty || failed) return;
        try {
            writer.flush();
        } catch (IOException e) {
            throw failure(e);
        }
        dirty = false;
        lastFlush = System.nanoTime();
    }

    /**
     * Flushes, and for a watched pipe checks that someone still reads it: a quiet command must not
     * keep the trace going for minutes after {@code | head} has exited.
     */
    public void idle() {
        flush();
        if (!failed && readerGone.getAsBoolean()) {
            failed = true;
            throw new OutputClosedException(new IOException("the reader of the pipe went away"));
        }
    }

    private RuntimeException failure(IOException e) {
        failed = true;
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return reason.contains("Broken pipe") ? new OutputClosedException(e) : new OutputFailedException(reason, e);
    }

    @Override
    public void close() {
        try {
            flush();
            if (closeUnderlying) writer.close();
        } catch (IOException e) {
            throw failure(e);
        }
    }
}
