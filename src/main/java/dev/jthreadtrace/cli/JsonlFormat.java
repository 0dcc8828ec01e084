package dev.jthreadtrace.cli;

import dev.jthreadtrace.jsonl.JsonLines;

/** One JSON object per line: every event, then the thread, process and summary records. */
final class JsonlFormat implements OutputFormat {
    private static final Traits TRAITS = new Traits("jsonl", "one JSON object per line: every event, then thread, process and summary records;"
            + " strings exact, a byte that is not UTF-8 as the JSON escape \\udc80..\\udcff, Python's surrogateescape", true, Entries.SAVED, false,
            new SharedStdout.Note("JSONL goes to standard output, which the traced command shares: its own output"
                    + " is mixed in (report and check skip those lines, and read a record after a line the command left unended); use -o FILE to keep them apart"));

    @Override
    public Traits traits() {
        return TRAITS;
    }

    /** A saved trace is written again with its own run token and start time. */
    @Override
    public TraceOutput open(OutputContext c) {
        return new TraceOutput.Jsonl(c.saved() == null ? new JsonLines(c.out(), c.stringLimit(), c.shown())
                : JsonLines.rewriting(c.out(), c.saved(), c.stringLimit(), c.shown()));
    }
}
