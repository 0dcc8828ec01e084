package dev.jthreadtrace.text;

import java.util.Locale;

/**
 * Every string that comes from the traced program (thread names, paths, argv, Java names and
 * thread-local values) is data. Printed raw, a thread named {@code "x\n 0.1 [1 init] ..."} would
 * write a line that passes for another thread's, and an ESC sequence would reach the terminal.
 * This is the one escaping for text output, in strace's style: {@code \n \t \r \v \f}, other
 * control characters in octal ({@code \33}), a backslash doubled, and the Unicode characters that
 * reorder or hide text (bidi controls such as U+202E, zero-width and other format characters, line
 * and paragraph separators, C1 controls) as {@code \u202e}. A kernel byte that is not UTF-8, which
 * {@code decode.KernelBytes} keeps as U+DC80..U+DCFF, is {@code \xNN}, as strace prints it; any other
 * unpaired surrogate (a Java string may hold one) is {@code \ud800}.
 */
public final class Escape {
    private Escape() {}

    /** The string with every character that could change how a line of text reads escaped; null stays "null". */
    public static String text(String s) {
        return escaped(s, false);
    }

    /**
     * Text the user typed (an assertion's expression, from --assert or an --assert-file), shown as
     * written: escaped as {@link #text} but for the backslash, which stays single. A selector's
     * {@code name="quo\"te"} is printed so, not with its backslash doubled: the user's own escape
     * is not data to be told apart from another string; a control character or a bidi override in
     * the file is still made visible.
     */
    public static String typed(String s) {
        return escaped(s, true);
    }

    /** {@link #text}, or with {@code typed} {@link #typed}: a backslash kept single. */
    private static String escaped(String s, boolean typed) {
        if (s == null) return "null";
        if (isPlain(s)) return s;
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (typed && c == '\\') out.append('\\');
            else appendEscaped(out, c, i < s.length() ? s.charAt(i) : 0);
        }
        return out.toString();
    }

    /**
     * A thread name where a live line prints it ({@code [TID NAME]} and the names in its event
     * text): {@link #text} with {@code [} and {@code ]} as {@code \x5b} and {@code \x5d} too, so the
     * thread field is delimited by the only brackets in it and a name such as {@code "x] [1 main"}
     * cannot make a line pass for thread 1's. A name that holds the text {@code \x5b} shows it with
     * its backslash doubled, so the two stay distinct.
     */
    public static String name(String s) {
        String escaped = text(s);
        if (escaped.indexOf('[') < 0 && escaped.indexOf(']') < 0) return escaped;
        return escaped.replace("[", "\\x5b").replace("]", "\\x5d");
    }

    /** Whether the text needs no escaping (the common case: no allocation). */
    private static boolean isPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && needsEscape(c))) return false;
            if (Character.isSurrogate(c)) return false;
        }
        return true;
    }

    private static void appendEscaped(StringBuilder out, int c, char next) {
        switch (c) {
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '\r' -> out.append("\\r");
            case 0x0b -> out.append("\\v");
            case 0x0c -> out.append("\\f");
            default -> {
                if (c < 0x20 || c == 0x7f) {
                    // Octal, as strace: three digits when an octal digit follows, so \0 then "1" is not \01.
                    String octal = Integer.toOctalString(c);
                    out.append('\\').append(next >= '0' && next <= '7' ? "000".substring(octal.length()) + octal : octal);
                } else if (isRawByte(c)) {
                    out.append(String.format(Locale.ROOT, "\\x%02x", c & 0xff));
                } else if (c >= 0x80 && needsEscape(c)) {
                    out.append(String.format(Locale.ROOT, c > 0xffff ? "\\U%08x" : "\\u%04x", c));
                } else {
                    out.appendCodePoint(c);
                }
            }
        }
    }

    /**
     * Whether {@code c} stands for a byte that was not UTF-8 (U+DC80..U+DCFF, an unpaired low
     * surrogate that no valid UTF-8 decodes to): shown as {@code \xNN}.
     */
    public static boolean isRawByte(int c) {
        return c >= 0xdc80 && c <= 0xdcff;
    }

    /** Whether a non-ASCII character must be escaped (used by the syscall argument quoting too). */
    public static boolean unsafe(int c) {
        return c >= 0x80 && needsEscape(c);
    }

    /** C1 controls, format characters (bidi overrides and isolates, zero-width), separators, unpaired surrogates, non-characters. */
    private static boolean needsEscape(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    /**
     * Text for an XML 1.0 document (JUnit XML), whose parsers reject a document with a character
     * XML 1.0 forbids: C0 controls other than tab, newline and carriage return, unpaired surrogates,
     * U+FFFE and U+FFFF. Those become {@code \\u0007}; everything else is left as it is (values
     * from the target are already escaped by {@link #text}; the XML writer escapes {@code < > &}).
     */
    public static String xml(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean legal = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || pair;
            if (legal && out == null) {
                if (pair) i++;
                continue;
            }
            if (out == null) out = new StringBuilder(s.substring(0, i));
            if (legal) {
                out.append(c);
                if (pair) out.append(s.charAt(++i));
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return out == null ? s : out.toString();
    }
}
