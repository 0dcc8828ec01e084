package dev.jthreadtrace.check;

import dev.jthreadtrace.model.Metric;

import java.util.Map;

/**
 * One parsed {@code --assert}: metric, its selector ({@code {name="pool-*"}}), the comparison,
 * and the bound — a number in base units (ns, bytes) or a string.
 */
public record Assertion(String text, Metric metric, Map<String, String> selector, Operator operator, Long number,
                        String string) {
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
