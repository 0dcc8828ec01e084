package dev.jthreadtrace.cli;

import java.util.List;

/**
 * One value of {@code --format}: its name and help, how it goes with the traced command's own
 * output on standard output, and the {@link TraceOutput} it opens for a trace, live or replayed.
 * {@code run}, {@code attach}, {@code demo} and {@code report} open the chosen one and never branch
 * on it again. To add a format: a class beside these, a line in {@link #ALL}, its test, the docs
 * (CONTRIBUTING.md, "Add an output format").
 */
interface OutputFormat {
    /** Every format, in the order {@code --format}'s help lists them; the first is the default. */
    List<OutputFormat> ALL = List.of(new TextFormat(), new JsonlFormat(), new PerfettoFormat());

    /**
     * What a format is, apart from what it writes.
     *
     * @param name              the value {@code --format} takes
     * @param help              what it writes, as {@code --format}'s help says after the name
     * @param streamsEvents     it writes every shown event as it comes (so each must be recorded, even with --no-live)
     * @param entries           what it does with the entry of a shown call (the moment strace's lines print it)
     * @param holdsSummaryTable strace's -c/-C table (text) can go into it
     * @param sharedStdout      what sharing standard output with the traced command ({@code run} without -o) means for it
     */
    record Traits(String name, String help, boolean streamsEvents, Entries entries, boolean holdsSummaryTable,
                  SharedStdout sharedStdout) {}

    /** Whether the tracer reports the entry of each shown call to a format ({@code TraceEvent.SyscallEntered}). */
    enum Entries {
        /** Its lines print a call when it begins, as strace does: wanted while lines are printed with every status. */
        PRINTED,
        /** A saved trace keeps where a call began among the other records, for {@code report} to print the lines so. */
        SAVED,
        /** Unused. */
        IGNORED
    }

    Traits traits();

    /** The output for one trace. */
    TraceOutput open(OutputContext context);

    default String name() {
        return traits().name();
    }

    /** Sharing standard output with the command: fine, worth a note, or refused (a usage error). */
    sealed interface SharedStdout {
        record Fine() implements SharedStdout {}

        record Note(String text) implements SharedStdout {}

        record Refused(String reason) implements SharedStdout {}
    }

    static List<String> names() {
        return ALL.stream().map(OutputFormat::name).toList();
    }
}
