package dev.jthreadtrace.decode;

/**
 * strace's quoting of bytes from the tracee ({@code string_quote} in its util.c): printable ASCII
 * as is, {@code \" \\ \f \n \r \t \v}, any other byte in octal (three digits when a digit 0-7
 * follows, which would join it); or every byte as {@code \xNN} where strace forces hex (random
 * bytes). Nothing the tracee writes can end the quotes or the line.
 */
public final class Quote {
    private Quote() {}

    /**
     * A data buffer ({@code read}, {@code write}, ...): the first {@code max} of the captured
     * bytes, {@code ...} after the quote when there were more (strace's printstr); the pointer
     * when nothing was captured.
     */
    public static String buffer(long pointer, byte[] captured, int max) {
        if (captured == null) return Args.pointer(pointer);
        int n = Math.min(captured.length, max);
        return quote(captured, n, false) + (captured.length > max ? "..." : "");
    }

    /** The same for a buffer strace prints in hex ({@code getrandom}). */
    public static String hexBuffer(long pointer, byte[] captured, int max) {
        if (captured == null) return Args.pointer(pointer);
        int n = Math.min(captured.length, max);
        return quote(captured, n, true) + (captured.length > max ? "..." : "");
    }

    /** A path: shown whole, whatever {@code -s} says (strace's printpath); the pointer when unread. */
    public static String path(long pointer, byte[] captured) {
        if (pointer == 0) return "NULL";
        if (captured == null) return Args.pointer(pointer);
        return quote(captured, captured.length, false);
    }

    /** A path from a capture slot: the string's bytes, or the pointer. */
    public static String path(long pointer, Captures c, int slot) {
        return path(pointer, c.bytes(slot));
    }

    /**
     * The text of an fd's path as strace prints it inside {@code <...>}: quoted without quotes,
     * {@code <>} escaped too. The path's own bytes ({@link KernelBytes#encode}): a byte that was
     * not UTF-8 is that byte again, in octal like any other.
     */
    public static String fdPath(String path) {
        byte[] b = KernelBytes.encode(path);
        StringBuilder out = new StringBuilder(b.length + 8);
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            if (c == '<' || c == '>') {
                octal(out, c, i + 1 < b.length && isOctalDigit(b[i + 1]));
            } else {
                append(out, b, i, b.length);
            }
        }
        return out.toString();
    }

    /** {@code "..."} of the first {@code n} bytes. */
    public static String quote(byte[] bytes, int n, boolean hex) {
        StringBuilder out = new StringBuilder(n + 2).append('"');
        for (int i = 0; i < n; i++) {
            if (hex) {
                out.append("\\x").append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
            } else {
                append(out, bytes, i, n);
            }
        }
        return out.append('"').toString();
    }

    private static void append(StringBuilder out, byte[] bytes, int i, int n) {
        int c = bytes[i] & 0xff;
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0x0b -> out.append("\\v");
            default -> {
                if (c >= 0x20 && c < 0x7f) out.append((char) c);
                else octal(out, c, i + 1 < n && isOctalDigit(bytes[i + 1]));
            }
        }
    }

    private static void octal(StringBuilder out, int c, boolean digitNext) {
        out.append('\\');
        String o = Integer.toOctalString(c);
        if (digitNext) for (int pad = o.length(); pad < 3; pad++) out.append('0');
        out.append(o);
    }

    private static boolean isOctalDigit(byte b) {
        return b >= '0' && b <= '7';
    }
}
