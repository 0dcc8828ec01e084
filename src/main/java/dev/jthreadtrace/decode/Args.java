package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Formatting of argument values shared by all decoders, following strace's conventions. */
public final class Args {
    private Args() {}

    /** A pointer: {@code NULL} or {@code 0x7f...}. */
    public static String pointer(long value) {
        return value == 0 ? "NULL" : "0x" + Long.toHexString(value);
    }

    public static String hex(long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }

    /** An {@code int} argument (fds, pids): the low 32 bits, signed. */
    public static String intArg(long value) {
        return Integer.toString((int) value);
    }

    /**
     * A directory fd of an *at() call: {@code AT_FDCWD}, or the number; with -y the path it refers
     * to ({@code 3</tmp>}, and as strace 6 does, {@code AT_FDCWD</home/user>}).
     */
    public static String dirfd(long value, String path) {
        String shown = path != null ? "<" + Quote.fdPath(path) + ">" : "";
        return (int) value == AT_FDCWD ? "AT_FDCWD" + shown : intArg(value) + shown;
    }

    /** An fd argument: {@code 3}, or with -y {@code 3</etc/passwd>} (the path quoted as strace does). */
    public static String fd(long value, String path) {
        return intArg(value) + (path != null ? "<" + Quote.fdPath(path) + ">" : "");
    }

    /** The fd argument in {@code slot}, with its path when -y captured it. */
    public static String fd(long[] args, Captures c, int slot) {
        return fd(args[slot], c.fdPath(slot));
    }

    /** {@code AT_FDCWD} from {@code <fcntl.h>}: "relative to the current directory". */
    public static final int AT_FDCWD = -100;

    /** An {@code unsigned int} argument. */
    public static String uintArg(long value) {
        return Long.toString(value & 0xffffffffL);
    }

    public static String ulong(long value) {
        return Long.toUnsignedString(value);
    }

    /**
     * A C string in double quotes, as strace prints it: the string's own bytes ({@link
     * KernelBytes#encode}: a byte that was not UTF-8 is that byte again), printable ASCII as is,
     * every other byte in octal ({@link Quote}), so {@code U+202E} is {@code \342\200\256} as in
     * strace's line and no character can reorder or hide the text; cut at {@code max} bytes with
     * {@code ...}, as strace's {@code -s} counts.
     */
    public static String quoted(String s, int max) {
        if (s == null) return "NULL";
        byte[] bytes = KernelBytes.encode(s);
        return Quote.quote(bytes, Math.min(bytes.length, max), false) + (bytes.length > max ? "..." : "");
    }

    /** A data buffer as strace shows it: its bytes as a quoted string, cut at {@code max}; the pointer when unread. */
    public static String buffer(long pointer, byte[] bytes, int max) {
        return Quote.buffer(pointer, bytes, max);
    }

    /** {@code ["a", "b"]}, with strace's {@code ...} when the array was longer than captured. */
    public static String stringArray(List<String> strings, int max) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < strings.size(); i++) {
            if (i > 0) out.append(", ");
            String s = strings.get(i);
            out.append(i == strings.size() - 1 && "...".equals(s) ? "..." : quoted(s, max));
        }
        return out.append(']').toString();
    }

    /** {@code {tv_sec=1, tv_nsec=500}} from a captured {@code struct timespec}; the pointer when unread. */
    public static String timespec(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null || bytes.length < 16) return pointer(pointer);
        ByteBuffer b = le(bytes);
        return "{tv_sec=" + b.getLong(0) + ", tv_nsec=" + b.getLong(8) + "}";
    }

    public static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
