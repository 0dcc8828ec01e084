package dev.jthreadtrace.jvm;

/**
 * Decodes the JVM's modified UTF-8 (how HotSpot prints a Java string's characters): a NUL is
 * {@code C0 80} and each UTF-16 char, surrogates too, is one to three bytes, so a supplementary
 * character is two 3-byte halves and an unpaired surrogate survives as itself. Standard UTF-8
 * decoding turns those into U+FFFD and so merges distinct names. Four-byte UTF-8 sequences are
 * accepted as well; any other malformed byte becomes U+FFFD.
 */
final class ModifiedUtf8 {
    private ModifiedUtf8() {}

    static String decode(byte[] b) {
        StringBuilder out = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                out.append((char) c);
                i++;
            } else if (c >= 0xc0 && c < 0xe0 && continuation(b, i + 1, 1)) {
                out.append((char) ((c & 0x1f) << 6 | b[i + 1] & 0x3f));
                i += 2;
            } else if (c >= 0xe0 && c < 0xf0 && continuation(b, i + 1, 2)) {
                out.append((char) ((c & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | b[i + 2] & 0x3f));
                i += 3;
            } else if (c >= 0xf0 && c < 0xf5 && continuation(b, i + 1, 3)) {
                int cp = (c & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6 | b[i + 3] & 0x3f;
                if (cp <= Character.MAX_CODE_POINT) out.appendCodePoint(cp);
                else out.append('\ufffd');
                i += 4;
            } else {
                out.append('\ufffd');
                i++;
            }
        }
        return out.toString();
    }

    private static boolean continuation(byte[] b, int from, int count) {
        if (from + count > b.length) return false;
        for (int i = from; i < from + count; i++) if ((b[i] & 0xc0) != 0x80) return false;
        return true;
    }
}
