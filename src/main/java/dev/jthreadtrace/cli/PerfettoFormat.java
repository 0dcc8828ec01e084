package dev.jthreadtrace.cli;

import dev.jthreadtrace.perfetto.PerfettoTrace;

/** A Trace Event Format JSON file for ui.perfetto.dev and chrome://tracing. */
final class PerfettoFormat implements OutputFormat {
    private static final Traits TRAITS = new Traits("perfetto", "a Trace Event Format JSON file that ui.perfetto.dev and chrome://tracing open:"
            + " a track per thread, syscall slices, creation and wake flows, setting changes", true, false,
            new SharedStdout.Refused("--format perfetto needs -o FILE: the traced command's own output on standard output"
                    + " would break the JSON"));

    @Override
    public Traits traits() {
        return TRAITS;
    }

    /** The assertion results go to stderr: the file is one JSON document. */
    @Override
    public TraceOutput open(OutputContext c) {
        return new TraceOutput.Perfetto(new PerfettoTrace(c.out(), c.shown(), c.stringLimit()), c.err());
    }
}
