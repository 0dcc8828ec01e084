package dev.jthreadtrace.decode;

import dev.jthreadtrace.text.Escape;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Bytes from the kernel (a thread's comm, a path, an argv string) as a String that keeps every
 * byte: the kernel's strings are bytes, not UTF-8. Valid UTF-8 is decoded as usual; each byte that
 * is not part of a valid sequence becomes the unpaired low surrogate {@code U+DC00 + byte}
 * (U+DC80..U+DCFF), Python's {@code surrogateescape}, which no valid UTF-8 yields. Decoding with
 * replacement made {@code "\xff\xfe-bad"} and {@code "\xfe\xff-bad"} the same {@code "\ufffd\ufffd-bad"}.
 * Text output shows such a byte as {@code \xNN} ({@code text.Escape}), JSONL as the JSON escape
 * backslash-u escape of U+DCNN ({@code s.encode("utf-8", "surrogateescape")} in Python gives the bytes back), and
 * {@link #encode} is the exact inverse.
 */
public final class KernelBytes {
    private static final int ESCAPE_BASE = 0xdc00;

    private KernelBytes() {}

    public static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public static String decode(byte[] b, int from, int length) {
        int end = from + length;
        StringBuilder out = null;
        int i = from, valid = from; // valid: where the run of valid UTF-8 not yet appended begins
        while (i < end) {
            int c = b[i] & 0xff;
            int n = c < 0x80 ? 1 : sequenceLength(b, i, end);
            if (n > 0) {
                i += n;
                continue;
            }
            if (out == null) out = new StringBuilder(length);
            out.append(new String(b, valid, i - valid, StandardCharsets.UTF_8)).append((char) (ESCAPE_BASE + c));
            valid = ++i;
        }
        if (out == null) return new String(b, from, length, StandardCharsets.UTF_8);
        return out.append(new String(b, valid, end - valid, StandardCharsets.UTF_8)).toString();
    }

    /** The length of the valid UTF-8 sequence of 2 to 4 bytes at {@code i} (no overlong form, no surrogate, at most U+10FFFF), or 0. */
    private static int sequenceLength(byte[] b, int i, int end) {
        int c = b[i] & 0xff;
        int n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (n == 0 || i + n > end) return 0;
        for (int k = 1; k < n; k++) if ((b[i + k] & 0xc0) != 0x80) return 0;
        int second = b[i + 1] & 0xff;
        if (c == 0xe0 && second < 0xa0) return 0;  // overlong
        if (c == 0xed && second > 0x9f) return 0;  // a surrogate
        if (c == 0xf0 && second < 0x90) return 0;  // overlong
        if (c == 0xf4 && second > 0x8f) return 0;  // above U+10FFFF
        return n;
    }

    /** Whether {@code c} stands for a byte that was not UTF-8 ({@code \xNN} in text). */
    public static boolean isEscapedByte(int c) {
        return Escape.isRawByte(c);
    }

    /** The bytes {@link #decode} was given: escaped bytes as themselves, the rest as UTF-8. */
    public static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isEscapedByte(c) || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) continue;
            out.writeBytes(s.substring(from, i).getBytes(StandardCharsets.UTF_8));
            out.write(c - ESCAPE_BASE);
            from = i + 1;
        }
        out.writeBytes(s.substring(from).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
