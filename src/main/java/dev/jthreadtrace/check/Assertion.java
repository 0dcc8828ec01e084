package dev.jthreadtrace.check;

import dev.jthreadtrace.model.Measure;

import java.util.Map;

/**
 * One parsed {@code --assert}: metric, its selector ({@code {name="pool-*"}}), the comparison,
 * and the bound — a number in base units (ns, bytes) or a string.
 *
 * @param emptyPasses the selector said {@code empty="pass"}: a selection that matches nothing passes
 *                    instead of failing (an assertion that checks nothing must not pass by accident)
 */
public record Assertion(String text, Measure metric, Map<String, String> selector, boolean emptyPasses, Operator operator,
                        Long number, String string) {
    /** The selector key that says what an empty selection does: {@code empty="pass"} or {@code empty="fail"} (the default). */
    public static final String EMPTY = "empty";

    public enum Operator {
        LT("<"), LE("<="), EQ("=="), NE("!="), GE(">="), GT(">");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public boolean test(long actual, long bound) {
            return switch (this) {
                case LT -> actual < bound;
                case LE -> actual <= bound;
                case EQ -> actual == bound;
                case NE -> actual != bound;
                case GE -> actual >= bound;
                case GT -> actual > bound;
            };
        }
    }
}
