package dev.jthreadtrace.cli;

import dev.jthreadtrace.perfetto.PerfettoTrace;
import dev.jthreadtrace.render.StartClock;

/** A Trace Event Format JSON file for ui.perfetto.dev and chrome://tracing. */
final class PerfettoFormat implements OutputFormat {
    private static final Traits TRAITS = new Traits("perfetto", "a Trace Event Format JSON file that ui.perfetto.dev and chrome://tracing open:"
            + " a track per thread, syscall slices, creation and wake flows, setting changes", true, Entries.IGNORED, false,
            new SharedStdout.Refused("--format perfetto needs -o FILE: the traced command's own output on standard output"
                    + " would break the JSON"));

    @Override
    public Traits traits() {
        return TRAITS;
    }

    /**
     * The assertion results go to stderr: the file is one JSON document. Its times are wall-clock
     * times: the system's for a live trace, the saved trace's own start for a replay.
     */
    @Override
    public TraceOutput open(OutputContext c) {
        StartClock clock = c.saved() == null || c.saved().wallNs() == null ? StartClock.live() : StartClock.saved(c.saved().wallNs());
        return new TraceOutput.Perfetto(new PerfettoTrace(c.out(), c.shown(), c.stringLimit(), clock), c.err());
    }
}
