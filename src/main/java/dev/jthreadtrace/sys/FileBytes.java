package dev.jthreadtrace.sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Bytes at a file position, for the readers of ELF headers (a JVM's libraries, a Go program's build ID). */
public final class FileBytes {
    private FileBytes() {}

    /** Up to {@code length} bytes at {@code position} (fewer at the file's end), little-endian, or null when none. */
    public static ByteBuffer at(FileChannel channel, long position, int length) throws IOException {
        if (position < 0 || length <= 0) return null;
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n <= 0) break;
        }
        if (buffer.position() == 0) return null;
        buffer.flip();
        return buffer;
    }
}
