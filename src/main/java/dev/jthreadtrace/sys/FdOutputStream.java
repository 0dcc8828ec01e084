package dev.jthreadtrace.sys;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * An output stream on a file descriptor: one the tool opened itself ({@link Libc#openForWritingWithoutWaiting}),
 * which Java cannot wrap in a FileOutputStream, and standard output. Each write loops until every
 * byte is written; a failure is an IOException with errno's text ("Broken pipe", "No space left on
 * device"), as FileOutputStream gives it. EAGAIN is no failure: the traced command shares the open
 * file description of the tool's standard output and may make it non-blocking (Node.js does, for
 * its stdio pipes), where FileOutputStream gave up with the rest of the trace unwritten; the write
 * waits for room, as a blocking one would.
 */
public final class FdOutputStream extends OutputStream {
    private static final int CHUNK = 64 * 1024;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(CHUNK);
    private boolean closed;

    public FdOutputStream(int fd) {
        this.fd = fd;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) throw new IOException("Stream closed");
        while (len > 0) {
            int n = Math.min(len, CHUNK);
            MemorySegment.copy(b, off, buffer, ValueLayout.JAVA_BYTE, 0, n);
            int done = 0;
            while (done < n) {
                try {
                    done += (int) Libc.write(fd, buffer.asSlice(done), n - done);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.EINTR) continue;
                    if (e.errno() == Errno.EAGAIN) {
                        Libc.awaitWritable(fd, 1000);
                        continue;
                    }
                    throw new IOException(Errno.text(e.errno()), e);
                }
            }
            off += n;
            len -= n;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            Libc.close(fd);
        } catch (ErrnoException e) {
            throw new IOException(Errno.text(e.errno()), e);
        } finally {
            arena.close();
        }
    }
}
