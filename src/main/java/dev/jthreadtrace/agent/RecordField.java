package dev.jthreadtrace.agent;

/**
 * One string field of the agent's records (a Java name, a thread-local's name or value, a loader,
 * a frame's class or method): written so that it cannot end its field or its line, and read back
 * to the exact string, bounded. The agent writes with {@link #append}, the tool reads with
 * {@link #unescape}: one class, so the two sides cannot drift apart.
 *
 * <p>Escapes: {@code \\} a backslash, {@code \t} {@code \n} {@code \r}, and {@code \}{@code uXXXX}
 * for an unpaired surrogate (UTF-8 has no form for it: the file's encoder wrote {@code ?}) and for
 * the characters that separate parts of a field ({@code = ; |}), and for NUL (the tool reads a record
 * file up to its first NUL byte: {@link RecordFile}). A field longer than
 * {@link #MAX_CHARS} keeps its first {@code MAX_CHARS} chars and a marker
 * {@code ...[N more chars]}, so the record (its creator, its thread-locals) is kept: a line too long
 * for the tool's reader would be dropped whole.
 */
public final class RecordField {
    /** Chars kept of one field; the record line stays far below the reader's limit. */
    public static final int MAX_CHARS = 16 * 1024;

    private RecordField() {}

    /** {@code s} cut to {@link #MAX_CHARS} with a marker that says how much was left out (a surrogate pair is not split). */
    public static String cut(String s) {
        if (s.length() <= MAX_CHARS) return s;
        int keep = Character.isHighSurrogate(s.charAt(MAX_CHARS - 1)) && Character.isLowSurrogate(s.charAt(MAX_CHARS))
                ? MAX_CHARS - 1 : MAX_CHARS;
        return s.substring(0, keep) + "...[" + (s.length() - keep) + " more chars]";
    }

    /** {@code s} cut and escaped: {@code s} itself in the common case of a short name with nothing to escape. */
    public static String escape(String s) {
        if (s.length() <= MAX_CHARS) {
            boolean plain = true;
            for (int i = 0; i < s.length() && plain; i++) {
                char c = s.charAt(i);
                plain = c != '\\' && c != '\t' && c != '\n' && c != '\r' && c != '=' && c != ';' && c != '|' && c != 0
                        && !Character.isSurrogate(c);
            }
            if (plain) return s;
        }
        // Sized by the cut, not by s: a program's 30 MiB value must not be copied whole at every new Thread.
        return append(new StringBuilder(Math.min(s.length(), MAX_CHARS) + 32), s).toString();
    }

    /** Appends {@code s}, cut and escaped. */
    public static StringBuilder append(StringBuilder line, String s) {
        String v = cut(s);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '=', ';', '|', '\0' -> hex(line, c);
                default -> {
                    if (!Character.isSurrogate(c)) {
                        line.append(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                        line.append(c).append(v.charAt(++i));
                    } else {
                        hex(line, c);
                    }
                }
            }
        }
        return line;
    }

    private static void hex(StringBuilder line, char c) {
        String h = Integer.toHexString(c);
        line.append("\\u");
        for (int i = h.length(); i < 4; i++) line.append('0');
        line.append(h);
    }

    /** The string {@link #append} wrote; an escape it would not write is kept as it is. */
    public static String unescape(String field) {
        int slash = field.indexOf('\\');
        if (slash < 0) return field;
        StringBuilder out = new StringBuilder(field.length());
        out.append(field, 0, slash);
        for (int i = slash; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\' || i + 1 == field.length()) {
                out.append(c);
                continue;
            }
            char e = field.charAt(i + 1);
            switch (e) {
                case '\\' -> out.append('\\');
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    int code = i + 6 <= field.length() ? parseHex(field, i + 2) : -1;
                    if (code < 0) {
                        out.append(c);
                        continue;
                    }
                    out.append((char) code);
                    i += 4;
                }
                default -> {
                    out.append(c);
                    continue;
                }
            }
            i++;
        }
        return out.toString();
    }

    private static int parseHex(String s, int from) {
        int v = 0;
        for (int i = from; i < from + 4; i++) {
            char c = s.charAt(i);
            int d = c < 0x80 ? Character.digit(c, 16) : -1;
            if (d < 0) return -1;
            v = v << 4 | d;
        }
        return v;
    }
}
