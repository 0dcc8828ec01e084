package dev.jthreadtrace.render;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Where trace lines go: buffered, flushed at most every {@link #FLUSH_INTERVAL_NS} while lines
 * keep coming and at once when the stream goes idle, so a pipe sees lines within ~100 ms without
 * a flush per line. A closed pipe becomes {@link OutputClosedException}.
 */
public final class Output implements AutoCloseable {
    public static final long FLUSH_INTERVAL_NS = 100_000_000L;
    private final Writer writer;
    private final boolean closeUnderlying;
    private long lastFlush = System.nanoTime();
    private boolean dirty;

    public Output(OutputStream out, boolean closeUnderlying) {
        this.writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.closeUnderlying = closeUnderlying;
    }

    public void line(String text) {
        try {
            writer.write(text);
            writer.write('\n');
            dirty = true;
        } catch (IOException e) {
            throw new OutputClosedException(e);
        }
        if (System.nanoTime() - lastFlush > FLUSH_INTERVAL_NS) flush();
    }

    public void flush() {
        if (!dirty) return;
        try {
            writer.flush();
        } catch (IOException e) {
            throw new OutputClosedException(e);
        }
        dirty = false;
        lastFlush = System.nanoTime();
    }

    @Override
    public void close() {
        try {
            flush();
            if (closeUnderlying) writer.close();
        } catch (IOException e) {
            throw new OutputClosedException(e);
        }
    }
}
