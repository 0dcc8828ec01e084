package dev.jthreadtrace.text;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * The lines of a text a user hands the tool (a saved trace, an --assert-file), each at most a bound
 * long. {@link java.io.BufferedReader#readLine()} grows its line until the end of line comes: a file
 * with none ({@code report /dev/zero}) took 4 GiB and two minutes before running out of memory. Lines
 * end at {@code \n}; a {@code \r} before it is dropped (a file written on Windows).
 */
public final class BoundedLines implements Closeable {
    /** A line longer than the bound: the text is not what the tool reads. */
    public static final class TooLong extends IOException {
        private final int lineNo;

        TooLong(int lineNo, int max) {
            super("line " + lineNo + " is longer than " + max + " characters");
            this.lineNo = lineNo;
        }

        public int lineNo() {
            return lineNo;
        }
    }

    private final Reader in;
    private final int max;
    private final char[] buffer = new char[8192];
    private int pos, len, lineNo;
    private final StringBuilder line = new StringBuilder();

    public BoundedLines(Reader in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next line without its end, or null at the end of the text. */
    public String next() throws IOException {
        line.setLength(0);
        lineNo++;
        while (true) {
            if (pos == len) {
                len = in.read(buffer);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return line.isEmpty() ? null : finish();
                }
            }
            int start = pos;
            while (pos < len && buffer[pos] != '\n') pos++;
            if (line.length() + (pos - start) > max) throw new TooLong(lineNo, max);
            line.append(buffer, start, pos - start);
            if (pos < len) {
                pos++; // the '\n'
                return finish();
            }
        }
    }

    private String finish() {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') end--;
        return line.substring(0, end);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
