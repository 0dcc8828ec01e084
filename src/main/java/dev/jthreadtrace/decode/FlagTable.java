package dev.jthreadtrace.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * A family of bit flags as data (after strace's {@code xlat/*.in} and gVisor's flag sets): names
 * joined with {@code |} in table order, and whatever bits no name covers kept as hex, never dropped.
 */
public final class FlagTable {
    /** One named value; multi-bit values (masks) are matched whole. */
    public record Flag(long value, String name) {}

    private final List<Flag> flags;

    public FlagTable(Flag... flags) {
        this.flags = List.of(flags);
    }

    /** Builds a table from alternating value, name pairs. */
    public static FlagTable of(Object... valueNamePairs) {
        List<Flag> list = new ArrayList<>();
        for (int i = 0; i < valueNamePairs.length; i += 2) {
            list.add(new Flag(((Number) valueNamePairs[i]).longValue(), (String) valueNamePairs[i + 1]));
        }
        return new FlagTable(list.toArray(Flag[]::new));
    }

    /** Every named value, in table order (for the test that checks them against the kernel's headers). */
    public List<Flag> entries() {
        return flags;
    }

    /** {@code A|B|0x40}; {@code zero} when nothing is set. */
    public String render(long value, String zero) {
        if (value == 0) return zero;
        StringBuilder out = new StringBuilder();
        long rest = value;
        for (Flag f : flags) {
            if (f.value() != 0 && (rest & f.value()) == f.value()) {
                if (!out.isEmpty()) out.append('|');
                out.append(f.name());
                rest &= ~f.value();
            }
        }
        if (rest != 0) {
            if (!out.isEmpty()) out.append('|');
            out.append("0x").append(Long.toHexString(rest));
        }
        return out.toString();
    }

    /**
     * strace's printflags: {@code A|B|0x40}; when no name matches, {@code 0x40 /* PREFIX??? *&#47;};
     * {@code 0} when nothing is set.
     */
    public String render(long value, String zero, String unknownPrefix) {
        String out = render(value, zero);
        if (value != 0 && out.startsWith("0x")) return out + " /* " + unknownPrefix + "??? */";
        return out;
    }

    /** The names of the set bits, unknown bits as one hex entry: for JSON lists. */
    public List<String> names(long value) {
        String rendered = render(value, "");
        return rendered.isEmpty() ? List.of() : List.of(rendered.split("\\|"));
    }
}
