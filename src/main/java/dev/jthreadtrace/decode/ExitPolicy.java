package dev.jthreadtrace.decode;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which exits a trace waits for. {@code everyExit}: something prints or counts each call (live
 * lines, JSONL or Perfetto records, the -c table, a {@code syscalls.*} assertion), so every
 * recorded call is followed to its exit, as strace does. Otherwise only the calls whose row says
 * the model needs the exit ({@link ExitNeed}), given what the chosen consumers read ({@code uses}).
 */
public record ExitPolicy(boolean everyExit, Set<ExitUse> uses) {
    /** Every recorded call stops at its exit. */
    public static final ExitPolicy EVERY = new ExitPolicy(true, EnumSet.allOf(ExitUse.class));

    public ExitPolicy {
        uses = uses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(uses));
    }

    /** Only the exits the model needs, with what these consumers read. */
    public static ExitPolicy modelOnly(Set<ExitUse> uses) {
        return new ExitPolicy(false, uses);
    }

    /** Where a call {@code nr} with these arguments and entry captures is taken as finished. */
    public ExitNeed.Stop stop(int nr, long[] args, Captures atEntry, ExitNeed.Context context) {
        if (everyExit) return ExitNeed.Stop.EXIT;
        SyscallSpec spec = Syscalls.byNumber(nr);
        return spec == null ? ExitNeed.Stop.EXIT : spec.exit().stop(args, atEntry, context);
    }
}
