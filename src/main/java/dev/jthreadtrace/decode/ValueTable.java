package dev.jthreadtrace.decode;

import java.util.HashMap;
import java.util.Map;

/** An enumeration of values as data: the name of a value, or the number as strace would show it. */
public final class ValueTable {
    private final Map<Long, String> names = new HashMap<>();

    /** Builds a table from alternating value, name pairs. */
    public static ValueTable of(Object... valueNamePairs) {
        ValueTable table = new ValueTable();
        for (int i = 0; i < valueNamePairs.length; i += 2) {
            table.names.put(((Number) valueNamePairs[i]).longValue(), (String) valueNamePairs[i + 1]);
        }
        return table;
    }

    /** Every value and its name (for the test that checks them against the kernel's headers). */
    public Map<Long, String> entries() {
        return Map.copyOf(names);
    }

    public String nameOrNull(long value) {
        return names.get(value);
    }

    /** The name, or {@code 0x2a /* PREFIX??? *&#47;} as strace prints an unknown value. */
    public String render(long value, String unknownPrefix) {
        String name = names.get(value);
        return name != null ? name : "0x" + Long.toHexString(value) + " /* " + unknownPrefix + "??? */";
    }
}
