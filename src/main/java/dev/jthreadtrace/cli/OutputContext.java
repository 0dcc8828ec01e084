package dev.jthreadtrace.cli;

import dev.jthreadtrace.jsonl.TraceReader;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.Output;

import java.io.PrintWriter;
import java.util.function.Function;

/**
 * What a command chose for its output, whatever the format: each {@link OutputFormat} takes what
 * it uses.
 *
 * @param shown       by syscall number, the calls the output shows
 * @param lines       the text lines for an output (with the Java names the trace has); null: none (--no-live, -c)
 * @param report      the report's sections and layout; null: none (-c prints strace's table alone)
 * @param table       the -c/-C table; null: none
 * @param saved       {@code report}: the saved trace's header (its run token and start time are kept); null live
 */
record OutputContext(Output out, PrintWriter err, boolean[] shown, int stringLimit, Function<Output, LiveSink> lines,
                     TraceOutput.ReportLayout report, TraceOutput.SummaryTable table, TraceReader.Header saved) {
}
