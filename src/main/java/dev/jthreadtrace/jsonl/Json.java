package dev.jthreadtrace.jsonl;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON object writer for the JSONL output: fields in insertion order, strings escaped per
 * RFC 8259, an unpaired low surrogate as its backslash-u escape (so a kernel byte that is not UTF-8,
 * U+DC80..U+DCFF, comes back exact), an unpaired high surrogate as U+FFFD (its escape stops jq 1.6).
 * Values may be null, Boolean, Number, String, Collection, Map, long[] or a nested Json.
 */
public final class Json {
    /** What a lone high surrogate is written as. */
    static final char REPLACEMENT = '\ufffd';
    private final StringBuilder out = new StringBuilder("{");
    private boolean first = true;

    public static Json object() {
        return new Json();
    }

    /** {@code bits} as an unsigned 64-bit number (an inode): a Long, or past Long.MAX_VALUE a BigInteger, which is written the same. */
    static Number unsigned(long bits) {
        return bits >= 0 ? (Number) bits : new java.math.BigInteger(Long.toUnsignedString(bits));
    }

    public Json put(String key, Object value) {
        if (!first) out.append(',');
        first = false;
        string(out, key);
        out.append(':');
        value(out, value);
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }

    private static void value(StringBuilder out, Object v) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case Double d -> out.append(Double.isFinite(d) ? d.toString() : "null");
            case Number n -> out.append(n);
            case String s -> string(out, s);
            case Json j -> out.append(j);
            case long[] a -> {
                out.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) out.append(',');
                    out.append(a[i]);
                }
                out.append(']');
            }
            case Collection<?> c -> {
                out.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) out.append(',');
                    first = false;
                    value(out, o);
                }
                out.append(']');
            }
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    string(out, String.valueOf(e.getKey()));
                    out.append(':');
                    value(out, e.getValue());
                }
                out.append('}');
            }
            default -> string(out, v.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                    if (Character.isHighSurrogate(c) && !pair) {
                        // A lone high surrogate (a Java substring cut through an emoji): its escape is a
                        // hard parse error to jq 1.6 (Debian 12, Ubuntu 22.04), which then reads none of
                        // the records after it. U+FFFD, the replacement character, which every reader takes.
                        out.append(REPLACEMENT);
                    } else if (c < 0x20 || Character.isSurrogate(c) && !pair) {
                        // An unpaired surrogate as its escape: written raw, UTF-8 would make it '?'. A
                        // kernel byte that is not UTF-8 is one (U+DC80..U+DCFF, decode.KernelBytes).
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                        if (pair) out.append(s.charAt(++i));
                    }
                }
            }
        }
        out.append('"');
    }
}
