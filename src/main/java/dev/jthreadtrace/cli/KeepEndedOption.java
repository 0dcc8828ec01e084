package dev.jthreadtrace.cli;

import dev.jthreadtrace.session.FoldPlan;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --keep-ended N}: how many ended tasks the model keeps in full; past it the oldest that
 * nothing needs fold into per-creator aggregates, so the tool's memory stays bounded however many
 * threads a program makes. run, attach and demo trace with it; report and check replay a saved
 * trace with the bound it was written with, which theirs may only lower.
 */
final class KeepEndedOption {
    /** The option's value as given; null when not given. */
    Integer keepEnded;

    /** Declares the option on {@code command}; {@code replay}: report and check, whose default is the saved trace's bound. */
    void addTo(CommandSpec command, boolean replay) {
        command.addOption(Specs.option(Integer.class, Specs.<Integer>bind(() -> keepEnded, v -> keepEnded = v), "--keep-ended")
                .paramLabel("N")
                .description(replay
                        ? "Replay the trace keeping at most N ended threads and processes in full, as run --keep-ended does; "
                        + "only lowers the bound the trace was written with (saved in it), never raises it. Default: the trace's bound "
                        + "(none for a trace written before jthreadtrace 0.2)."
                        : "Keep N ended threads and processes in full; past N the oldest that nothing needs any more (no live "
                        + "child, no pending join or wait, not a possible leak) fold into one report row per creator, name shape "
                        + "and kind of end, keeping counts, tid range, times and futex/mmap sums, so memory stays bounded however "
                        + "many threads the command makes. --assert stays exact through the folded sums where it can and fails "
                        + "with 'unknown: N threads folded' where it cannot (text metrics, syscalls{thread=...}). "
                        + "Default: " + FoldPlan.DEFAULT_KEEP_ENDED + ".").build());
    }

    /** The bound to trace with: the option's value, else the default; a usage error below 1. */
    int forTrace(CommandSpec spec) {
        return keepEnded == null ? FoldPlan.DEFAULT_KEEP_ENDED : checked(spec);
    }

    /** The bound asked of a replay, or null (the saved trace's); a usage error below 1. */
    Integer forReplay(CommandSpec spec) {
        return keepEnded == null ? null : checked(spec);
    }

    private int checked(CommandSpec spec) {
        if (keepEnded < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keep-ended must be 1 or more (ended threads kept in full), not "
                    + keepEnded);
        }
        return keepEnded;
    }
}
