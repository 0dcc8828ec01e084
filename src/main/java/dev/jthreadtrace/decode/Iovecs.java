package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;

/**
 * {@code struct iovec} arrays (readv, writev, preadv, pwritev, and a msghdr's msg_iov) with the
 * data they carry: gathered at the stop as one chunk of the array and one chunk per element's
 * bytes, shown as strace shows them, {@code [{iov_base="abc", iov_len=3}, ...]}. A write shows
 * what each buffer held; a read only what the call filled in (its return value spread over the
 * buffers in order). As strace, at most {@code -s} elements are shown, then {@code ...}.
 */
final class Iovecs {
    static final int IOVEC_SIZE = 16;

    private Iovecs() {}

    /**
     * Gathers {@code count} iovecs at {@code address} and their data into {@code out}: the data of
     * the first {@code dataLimit} bytes (-1: all of each buffer), each buffer cut to what a line shows.
     */
    static void gather(Chunks.Writer out, MemoryReader memory, long address, long count, long dataLimit) {
        int n = (int) Math.max(0, Math.min(count, memory.bufferLimit()));
        byte[] array = address == 0 || n == 0 ? new byte[0] : memory.read(address, n * IOVEC_SIZE);
        out.add(array);
        if (array == null) return;
        ByteBuffer b = Args.le(array);
        long left = dataLimit;
        for (int i = 0; i < n; i++) {
            long base = b.getLong(i * IOVEC_SIZE), len = b.getLong(i * IOVEC_SIZE + 8);
            long shown = left < 0 ? len : Math.min(len, left);
            if (left >= 0) left -= shown;
            out.add(base == 0 ? null : memory.read(base, (int) Math.min(shown, memory.bufferLimit())));
        }
    }

    /** A gather of its own (readv, writev): whole buffers, or (a read) as much as the call returned. */
    static Gatherer of(int arrayArg, int countArg, boolean limitedByReturn) {
        return (memory, args, ret) -> {
            if (limitedByReturn && ret < 0) return null;
            Chunks.Writer out = new Chunks.Writer();
            gather(out, memory, args[arrayArg], args[countArg], limitedByReturn ? ret : -1);
            return out.bytes();
        };
    }

    /** The array from the reader's next chunks; {@code count} the caller's element count. */
    static String render(Chunks.Reader in, long pointer, long count, int stringMax) {
        if (pointer == 0) return "NULL";
        byte[] array = in.next();
        if (array == null) return Args.pointer(pointer);
        if (count == 0) return "[]";
        ByteBuffer b = Args.le(array);
        int n = array.length / IOVEC_SIZE;
        byte[][] data = new byte[n][];
        for (int i = 0; i < n; i++) data[i] = in.next(); // every chunk is read: more may follow (a msghdr's control)
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < n && i < stringMax; i++) {
            if (i > 0) out.append(", ");
            long base = b.getLong(i * IOVEC_SIZE), len = b.getLong(i * IOVEC_SIZE + 8);
            out.append("{iov_base=").append(Quote.buffer(base, data[i], stringMax))
                    .append(", iov_len=").append(Long.toUnsignedString(len)).append('}');
        }
        if (count > stringMax) out.append(stringMax > 0 ? ", ..." : "...");
        return out.append(']').toString();
    }
}
