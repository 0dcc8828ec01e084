package dev.jthreadtrace.cli;

import dev.jthreadtrace.render.LiveSink;

/** strace-style lines as the trace runs, then the report, the -c table and the assertion results. */
final class TextFormat implements OutputFormat {
    private static final Traits TRAITS = new Traits("text", "strace-style lines and a report", false, Entries.PRINTED, true,
            new SharedStdout.Fine());

    @Override
    public Traits traits() {
        return TRAITS;
    }

    @Override
    public TraceOutput open(OutputContext c) {
        return new TraceOutput.Text(c.out(), c.lines() == null ? LiveSink.NONE : c.lines().apply(c.out()), c.report(), c.table());
    }
}
