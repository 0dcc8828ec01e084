package dev.jthreadtrace.cli;

import dev.jthreadtrace.render.LiveSink;

/** strace-style lines as the trace runs, then the report, the -c table and the assertion results. */
final class TextFormat implements OutputFormat {
    @Override
    public String name() {
        return "text";
    }

    @Override
    public String help() {
        return "strace-style lines and a report";
    }

    @Override
    public boolean streamsEvents() {
        return false;
    }

    @Override
    public boolean printsLines() {
        return true;
    }

    @Override
    public boolean holdsSummaryTable() {
        return true;
    }

    @Override
    public SharedStdout sharedStdout() {
        return new SharedStdout.Fine();
    }

    @Override
    public TraceOutput open(OutputContext c) {
        return new TraceOutput.Text(c.out(), c.lines() == null ? LiveSink.NONE : c.lines().apply(c.out()), c.report(), c.table());
    }
}
