package dev.jthreadtrace.decode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of a {@link Capture.Gather}'s value: a sequence of chunks, each a 4-byte
 * little-endian length and that many bytes, or length -1 for memory that could not be read. One
 * {@code byte[]}, so it is stored, queued and saved to JSONL (as hex) like any other capture.
 */
public final class Chunks {
    private Chunks() {}

    /** Builds the chunks on the ptrace thread. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        /** A chunk, or an unreadable one for null. */
        public Writer add(byte[] bytes) {
            int n = bytes == null ? -1 : bytes.length;
            out.write(n);
            out.write(n >>> 8);
            out.write(n >>> 16);
            out.write(n >>> 24);
            if (bytes != null) out.writeBytes(bytes);
            return this;
        }

        /** A string chunk (an fd's path); unreadable for null. */
        public Writer add(String s) {
            return add(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** Reads chunks back in order, on the consumer side; past the end (or a malformed saved trace), every chunk is null. */
    public static final class Reader {
        private final byte[] data;
        private int at;

        public Reader(byte[] data) {
            this.data = data == null ? new byte[0] : data;
        }

        /** The next chunk, null when unreadable or missing. */
        public byte[] next() {
            if (at + 4 > data.length) return null;
            int n = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24;
            at += 4;
            if (n < 0 || at + n > data.length) {
                if (n >= 0) at = data.length;
                return null;
            }
            byte[] out = Arrays.copyOfRange(data, at, at + n);
            at += n;
            return out;
        }

        /** The next chunk as a string (an fd's path), or null. */
        public String nextString() {
            byte[] b = next();
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }
    }
}
