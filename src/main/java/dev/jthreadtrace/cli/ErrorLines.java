package dev.jthreadtrace.cli;

import java.io.PrintWriter;

/**
 * The tool's standard error that remembers the last error line it printed ({@code jthreadtrace: X},
 * not a note or a warning): the reason an invocation failed, for the --junit-xml file that must
 * say so rather than keep a previous run's pass.
 */
final class ErrorLines extends PrintWriter {
    private static final String PREFIX = "jthreadtrace: ";
    private String last;

    ErrorLines(PrintWriter err) {
        super(err, true);
    }

    @Override
    public void println(String line) {
        if (line != null && line.startsWith(PREFIX) && !line.startsWith(PREFIX + "note:") && !line.startsWith(PREFIX + "warning:")) {
            last = line.substring(PREFIX.length()).lines().findFirst().orElse("");
        }
        super.println(line);
    }

    /** The last error line without its prefix; null when none was printed. */
    String last() {
        return last;
    }
}
