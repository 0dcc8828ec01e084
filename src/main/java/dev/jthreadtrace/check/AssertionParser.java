package dev.jthreadtrace.check;

import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.JavaThread;
import dev.jthreadtrace.model.Measure;
import dev.jthreadtrace.model.Metric;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the {@code --assert} language:
 * <pre>
 *   assertion := metric ws op ws value
 *   metric    := word ('.' word)*, with at most one selector after any word: threads{name="pool-*"}.count
 *   selector  := '{' key '=' string (',' key '=' string)* '}'     key empty="pass" lets the selection match nothing
 *   op        := '<' | '<=' | '==' | '!=' | '>=' | '>'
 *   value     := integer unit? | string       units: ns us ms s | B KiB MiB GiB
 * </pre>
 * Errors carry the 1-based column where parsing failed.
 */
public final class AssertionParser {
    private final String text;
    private final Vocabulary vocabulary;
    private int pos;

    private AssertionParser(String text, Vocabulary vocabulary) {
        this.text = text;
        this.vocabulary = vocabulary;
    }

    /** An assertion about one trace. */
    public static Assertion parse(String text) {
        return parse(text, Vocabulary.TRACE);
    }

    /** An assertion in the metrics of {@code vocabulary}. */
    public static Assertion parse(String text, Vocabulary vocabulary) {
        return new AssertionParser(text, vocabulary).assertion();
    }

    private AssertionSyntaxException error(int at, String problem) {
        return new AssertionSyntaxException(text, at + 1, problem);
    }

    private Assertion assertion() {
        skipSpaces();
        int metricStart = pos;
        StringBuilder key = new StringBuilder();
        Map<String, String> selector = new LinkedHashMap<>();
        int selectorAt = -1;
        while (true) {
            String word = word();
            if (word.isEmpty()) throw error(pos, pos >= text.length() ? "expected a metric name" : "expected a metric name, found '" + text.charAt(pos) + "'");
            key.append(word);
            if (peek() == '{') {
                if (selectorAt >= 0) throw error(pos, "only one {...} selector per metric");
                selectorAt = pos;
                selector(selector);
                if (peek() == '{') throw error(pos, "only one {...} selector per metric");
            }
            if (peek() != '.') break;
            pos++;
            key.append('.');
        }
        Measure metric = vocabulary.byKey(key.toString());
        if (metric == null) throw error(metricStart, vocabulary.unknown(key.toString()));
        String empty = selector.remove(Assertion.EMPTY);
        if (empty != null && metric.selectorKeys().isEmpty()) {
            throw error(selectorAt, metric.key() + " takes no selector, so it cannot select nothing: leave out empty=");
        }
        if (empty != null && !empty.equals("pass") && !empty.equals("fail")) {
            throw error(selectorAt, "empty= takes \"pass\" (a selection that matches nothing passes) or \"fail\" (the default), not \""
                    + empty + "\"");
        }
        for (String k : selector.keySet()) {
            if (!metric.selectorKeys().contains(k)) {
                throw error(selectorAt, metric.key() + " takes " + (metric.selectorKeys().isEmpty() ? "no selector"
                        : "selector keys " + metric.selectorKeys() + " and empty=") + ", not '" + k + "'");
            }
        }
        String hook = selector.get("hook");
        if (hook != null && Hook.byKey(hook) == null && !JavaThread.ATTRIBUTE_HOOKS.contains(hook)
                && !(hook.startsWith(JavaThread.SCOPED_VALUE_PREFIX) && hook.length() > 3)
                && !(hook.startsWith(Hook.THREAD_LOCAL_PREFIX) && hook.length() > Hook.THREAD_LOCAL_PREFIX.length())) {
            throw error(selectorAt, "unknown hook '" + hook + "' (hooks: " + String.join(", ", Hook.inheritedKeys())
                    + ", pdeathsig, the Java settings ccl, daemon, priority, group, sv:NAME for an inherited scoped value, or itl:NAME for a Java inheritable thread-local)");
        }
        for (String required : metric.selectorKeys()) {
            // A number over threads may be narrowed by name; a text metric is about the matching threads only.
            if (metric.kind() == Metric.Kind.TEXT && !selector.containsKey(required)) {
                throw error(metricStart, metric.key() + " needs {" + required + "=\"...\"}");
            }
        }
        skipSpaces();
        int opAt = pos;
        Assertion.Operator op = operator();
        if (metric.kind() == Metric.Kind.TEXT && op != Assertion.Operator.EQ && op != Assertion.Operator.NE) {
            throw error(opAt, metric.key() + " is text: compare it with == or !=");
        }
        skipSpaces();
        int valueAt = pos;
        Long number = null;
        String string = null;
        if (peek() == '"') {
            string = quoted();
            if (metric.kind() != Metric.Kind.TEXT) throw error(valueAt, metric.key() + " is a number: expected a number, not a string");
        } else {
            if (metric.kind() == Metric.Kind.TEXT) throw error(valueAt, metric.key() + " is text: expected a \"quoted\" value");
            number = number(metric, valueAt);
        }
        skipSpaces();
        if (pos < text.length()) throw error(pos, "unexpected '" + text.substring(pos) + "' after the value");
        return new Assertion(text.strip(), metric, Map.copyOf(selector), "pass".equals(empty), op, number, string);
    }

    private void selector(Map<String, String> into) {
        pos++; // '{'
        while (true) {
            skipSpaces();
            int keyAt = pos;
            String k = word();
            if (k.isEmpty()) throw error(pos, "expected a selector key such as name");
            skipSpaces();
            if (peek() != '=') throw error(pos, "expected '=' after selector key '" + k + "'");
            pos++;
            skipSpaces();
            if (peek() != '"') throw error(pos, "expected a \"quoted\" selector value");
            if (into.put(k, quoted()) != null) throw error(keyAt, "selector key '" + k + "' given twice");
            skipSpaces();
            if (peek() == ',') {
                pos++;
                continue;
            }
            if (peek() == '}') {
                pos++;
                return;
            }
            throw error(pos, "expected ',' or '}' in selector");
        }
    }

    private Assertion.Operator operator() {
        String two = pos + 2 <= text.length() ? text.substring(pos, pos + 2) : "";
        Assertion.Operator op = switch (two) {
            case "<=" -> Assertion.Operator.LE;
            case ">=" -> Assertion.Operator.GE;
            case "==" -> Assertion.Operator.EQ;
            case "!=" -> Assertion.Operator.NE;
            default -> null;
        };
        if (op != null) {
            pos += 2;
            return op;
        }
        char c = peek();
        if (c == '<' || c == '>') {
            pos++;
            return c == '<' ? Assertion.Operator.LT : Assertion.Operator.GT;
        }
        if (two.equals("=<") || two.equals("=>")) {
            throw error(pos, "use " + two.charAt(1) + "= to compare, not " + two);
        }
        if (c == '=') throw error(pos, "use == to compare, not =");
        throw error(pos, pos >= text.length() ? "expected an operator (< <= == != >= >)" : "expected an operator (< <= == != >= >), found '" + c + "'");
    }

    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /** 0-9 only: Character.isDigit takes fullwidth and Arabic-Indic digits, which BigDecimal reads as their values. */
    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private long number(Measure metric, int at) {
        int start = pos;
        if (peek() == '-') pos++;
        while (pos < text.length() && isAsciiDigit(text.charAt(pos))) pos++;
        if (pos == start || (pos == start + 1 && text.charAt(start) == '-')) throw error(at, "expected a number");
        // A fraction (1.5s) is taken exactly, in the unit's whole nanoseconds or bytes (1.5s = 1500ms).
        if (peek() == '.') {
            if (pos + 1 >= text.length() || !isAsciiDigit(text.charAt(pos + 1))) throw error(pos, "expected digits after '.'");
            pos++;
            while (pos < text.length() && isAsciiDigit(text.charAt(pos))) pos++;
        }
        BigDecimal value = new BigDecimal(text.substring(start, pos));
        if (value.abs().compareTo(LONG_MAX) > 0) throw error(at, "number out of range");
        int unitAt = pos;
        String unit = word();
        long scale = switch (metric.kind()) {
            case TIME -> switch (unit) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "" -> throw error(unitAt, metric.key() + " is a time: give a unit (ns, us, ms, s)");
                default -> throw error(unitAt, "unknown time unit '" + unit + "' (ns, us, ms, s)");
            };
            case SIZE -> switch (unit) {
                case "", "B" -> 1L;
                case "KiB" -> 1L << 10;
                case "MiB" -> 1L << 20;
                case "GiB" -> 1L << 30;
                default -> throw error(unitAt, "unknown size unit '" + unit + "' (B, KiB, MiB, GiB)");
            };
            case COUNT -> {
                if (!unit.isEmpty()) throw error(unitAt, metric.key() + " is a count: no unit expected, found '" + unit + "'");
                yield 1L;
            }
            case TEXT -> throw new IllegalStateException();
        };
        return exact(value.multiply(BigDecimal.valueOf(scale)), metric, unit, scale, at);
    }

    /** A bound in whole nanoseconds, bytes or counts: a fraction of one (1.5ns, 0.5 threads) compares with nothing. */
    private long exact(BigDecimal bound, Measure metric, String unit, long scale, int at) {
        if (bound.stripTrailingZeros().scale() > 0) {
            throw error(at, switch (metric.kind()) {
                case TIME -> "not a whole number of nanoseconds: " + text.substring(at, pos).strip();
                case SIZE -> "not a whole number of bytes: " + text.substring(at, pos).strip();
                default -> metric.key() + " is a count: a whole number, not " + text.substring(at, pos).strip();
            });
        }
        if (bound.abs().compareTo(LONG_MAX) > 0) {
            throw error(at, "number out of range with its unit (at most " + Long.MAX_VALUE / scale + unit + ")");
        }
        return bound.longValueExact();
    }

    private String quoted() {
        int start = pos;
        pos++; // opening quote
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') return out.toString();
            // A backslash escapes a quote or a backslash; before any other character it stays, for the
            // glob: "\*" is a literal star, as bash's \* (it was the glob *, which matched every name).
            if (c == '\\' && pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\\')) c = text.charAt(pos++);
            out.append(c);
        }
        throw error(start, "unterminated string");
    }

    private String word() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
        return text.substring(start, pos);
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }
}
