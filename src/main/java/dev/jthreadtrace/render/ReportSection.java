package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.ExitUse;
import dev.jthreadtrace.model.FutexLog;
import dev.jthreadtrace.model.MmapLog;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The parts of the final report, chosen with {@code --report}, in the order they are printed: each
 * with what it shows, the syscalls it needs recorded whatever {@code -e} shows, and the class that
 * renders it. Adding a section is adding a row and its class.
 */
public enum ReportSection {
    SUMMARY("the answers first: tasks, peak, re-parented, longest waits, anything unusual", FutexLog.SYSCALLS,
            SummarySection::new),
    TREE("the threads by creator beside the kernel's tree", List.of(), TreeSection::new),
    SITES("Java creation sites: each distinct creation stack and how many threads it made", List.of(), SitesSection::new),
    LEAKS("threads still running when their program's main returned or the JVM began to shut down", List.of(),
            LeaksSection::new),
    TIMELINE("the hook-inheritance timeline, what each thread inherited, setting changes", FutexLog.SYSCALLS,
            TimelineSection::new),
    FUTEX("futex figures per thread and word, who woke whom, joins", FutexLog.SYSCALLS_KEYED, Set.of(ExitUse.FUTEX_WOKEN),
            FutexSection::new),
    MMAP("mapping figures per thread, largest mappings, thread stacks", MmapLog.SYSCALLS, MmapSection::new),
    BLOCKED("what each thread was blocked in when the trace ended, who waited for whom, deadlocks (native and Java)",
            FutexLog.SYSCALLS_KEYED, BlockedSection::new);

    private final String description;
    private final List<String> needs;
    private final Set<ExitUse> exitUses;
    private final Function<ReportContext, ReportContext.Section> renderer;

    ReportSection(String description, List<String> needs, Function<ReportContext, ReportContext.Section> renderer) {
        this(description, needs, Set.of(), renderer);
    }

    ReportSection(String description, List<String> needs, Set<ExitUse> exitUses,
                  Function<ReportContext, ReportContext.Section> renderer) {
        this.description = description;
        this.needs = needs;
        this.exitUses = exitUses;
        this.renderer = renderer;
    }

    /** How the user writes it: {@code timeline}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }

    /** Syscalls that must be recorded for the section to be right (the timeline marks joins). */
    public List<String> needs() {
        return needs;
    }

    /** What it reads from calls' exits beyond what the model always takes ({@link ExitUse}): those exits are waited for. */
    public Set<ExitUse> exitUses() {
        return exitUses;
    }

    Function<ReportContext, ReportContext.Section> renderer() {
        return renderer;
    }

    /** The section keys, for help and completion ({@code ${COMPLETION-CANDIDATES}}). */
    public static final class Keys implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(ReportSection::key).iterator();
        }
    }

    /** {@code tree,timeline}, {@code all} or {@code none}; throws naming the bad part. */
    public static Set<ReportSection> parse(String spec) {
        Set<ReportSection> out = EnumSet.noneOf(ReportSection.class);
        for (String raw : spec.split(",")) {
            String part = raw.trim().toLowerCase(Locale.ROOT);
            if (part.isEmpty()) continue;
            switch (part) {
                case "all" -> out.addAll(EnumSet.allOf(ReportSection.class));
                case "none" -> { }
                default -> out.add(Arrays.stream(values()).filter(s -> s.key().equals(part)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown report section '" + raw.trim()
                                + "' (use " + String.join(", ", new Keys()) + ", all or none)")));
            }
        }
        return out;
    }
}
