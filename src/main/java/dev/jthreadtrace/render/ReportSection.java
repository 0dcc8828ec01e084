package dev.jthreadtrace.render;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The parts of the final report, chosen with {@code --report}. */
public enum ReportSection {
    TREE, TIMELINE, FUTEX, MMAP;

    /** {@code tree,timeline}, {@code all} or {@code none}; throws naming the bad part. */
    public static Set<ReportSection> parse(String spec) {
        Set<ReportSection> out = EnumSet.noneOf(ReportSection.class);
        for (String raw : spec.split(",")) {
            String part = raw.trim().toLowerCase(Locale.ROOT);
            if (part.isEmpty()) continue;
            switch (part) {
                case "all" -> out.addAll(EnumSet.allOf(ReportSection.class));
                case "none" -> { }
                default -> {
                    try {
                        out.add(valueOf(part.toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown report section '" + raw.trim()
                                + "' (use tree, timeline, futex, mmap, all or none)");
                    }
                }
            }
        }
        return out;
    }
}
