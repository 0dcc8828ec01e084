package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.DumpHeaders;
import dev.jthreadtrace.agent.RecordField;
import dev.jthreadtrace.event.JavaRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The threads of a {@code Thread.print} dump read through attach, as a stream in bounded memory:
 * the bytes are cut into lines here, and the headers read by {@link DumpHeaders} (the parser the
 * agent uses on its own JVM's dump: a name that forges a header cannot name another thread).
 * Only the header of each thread is kept, never the stacks, so a busy JVM's dump of any size is
 * read (at most {@link #MAX_BYTES}; what is cut or dropped is said in {@link Result#notes()}).
 * The JVM prints a name's bytes raw (modified UTF-8: a NUL as C0 80, a supplementary or unpaired
 * surrogate as three bytes each), decoded exactly by {@link ModifiedUtf8}; a line break is never
 * part of a character there, so each line is decoded alone.
 */
final class ThreadDump {
    /**
     * What was read: a record per Java thread (Java id, name, OS tid, daemon flag), one per thread
     * of the VM itself (GC, VM Thread...: no Java id, {@link JavaRecord.Dumped}), and remarks on
     * what was left out.
     */
    record Result(List<JavaRecord.Present> threads, List<JavaRecord.Dumped> vmThreads, List<String> notes) {}

    /**
     * What follows the headers, for a reader that wants more than names ({@link LockDump}): each
     * header block as it ends (null for one that is no Java thread's or did not parse), then each
     * line after it until the next one (the state line, frames, lock lines), decoded.
     */
    interface Body {
        void header(JavaRecord.Present thread);

        void line(String text);
    }

    /** More than any real dump (a JVM of 10 000 threads with deep stacks writes ~50 MiB); the rest is not read. */
    static final long MAX_BYTES = 256L << 20;
    /** A header block longer than this (a name of that size) is skipped: its thread keeps its kernel name. */
    static final int MAX_HEADER = DumpHeaders.MAX_BLOCK;
    /** Records kept; more than the JVM's threads can be only forged ones. */
    static final int MAX_THREADS = 1 << 16;

    private final int pid;
    private final long ns;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lineTooLong;
    /** The current line's first byte (-1 while it is empty), kept when the rest of a long line is not. */
    private int firstByte = -1;
    private final DumpHeaders headers = new DumpHeaders(MAX_THREADS);
    /** Null: headers only. */
    private final Body body;
    private int blocksSeen;

    private ThreadDump(int pid, long ns, Body body) {
        this.pid = pid;
        this.ns = ns;
        this.body = body;
    }

    /**
     * Reads {@code in} to its end (at most {@link #MAX_BYTES}). Each read asks for a whole chunk at
     * offset 0: JDK 25's attach stream overruns the array when asked for a few bytes at a large
     * offset (its native read limits the count by {@code len - off}, which is negative there), the
     * ArrayIndexOutOfBoundsException that {@code readNBytes} met on every dump over 16 KiB.
     */
    static Result read(int pid, InputStream in, long ns) throws IOException {
        return read(pid, in, ns, null);
    }

    /** The same, handing each header and the lines after it to {@code body}. */
    static Result read(int pid, InputStream in, long ns, Body body) throws IOException {
        ThreadDump dump = new ThreadDump(pid, ns, body);
        byte[] chunk = new byte[16 * 1024];
        long total = 0;
        boolean cut = false;
        for (int n; (n = in.read(chunk, 0, chunk.length)) >= 0; ) {
            int take = (int) Math.min(n, MAX_BYTES - total);
            dump.accept(chunk, take);
            total += take;
            if (total >= MAX_BYTES) {
                cut = in.read(chunk, 0, 1) > 0;
                break;
            }
        }
        dump.endOfLine();
        dump.headers.end();
        dump.blockEnded();
        return dump.result(cut);
    }

    /** The platform threads of a whole dump held in memory (tests, and dumps read some other way). */
    static Result parse(int pid, byte[] dump, long ns) {
        try {
            return read(pid, new ByteArrayInputStream(dump), ns);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    private void accept(byte[] bytes, int n) {
        int from = 0;
        for (int i = 0; i < n; i++) {
            if (bytes[i] != '\n') continue;
            append(bytes, from, i);
            endOfLine();
            from = i + 1;
        }
        append(bytes, from, n);
    }

    /** Part of the current line; a line longer than a header may be is not kept (a stack frame never is). */
    private void append(byte[] bytes, int from, int to) {
        if (to == from) return;
        if (firstByte < 0) firstByte = bytes[from] & 0xff;
        if (lineTooLong) return;
        if (line.size() + (to - from) > MAX_HEADER) {
            lineTooLong = true;
            line.reset();
            return;
        }
        line.write(bytes, from, to - from);
    }

    private void endOfLine() {
        int first = firstByte;
        boolean wanted = body != null || headers.needsText(first);
        String text = lineTooLong || !wanted ? null : ModifiedUtf8.decode(line.toByteArray());
        line.reset();
        lineTooLong = false;
        firstByte = -1;
        headers.line(text, first);
        blockEnded();
        // A line outside every header block (a state line, a frame, a lock) belongs to the last header.
        if (body != null && !headers.inBlock()) body.line(text == null ? "" : text);
    }

    /** Hands {@link #body} the header of a block that has just ended. */
    private void blockEnded() {
        if (body == null || headers.blocks() == blocksSeen) return;
        blocksSeen = headers.blocks();
        DumpHeaders.Header h = headers.lastBlock();
        body.header(h == null || !h.javaThread() ? null : new JavaRecord.Present(pid, ns, h.tid(), h.javaId(), RecordField.cut(h.name()),
                Map.of("daemon", Boolean.toString(h.daemon()))));
    }

    private Result result(boolean cut) {
        List<JavaRecord.Present> threads = new ArrayList<>();
        List<JavaRecord.Dumped> vmThreads = new ArrayList<>();
        for (DumpHeaders.Header h : headers.headers()) {
            if (h.javaThread()) {
                threads.add(new JavaRecord.Present(pid, ns, h.tid(), h.javaId(), RecordField.cut(h.name()),
                        Map.of("daemon", Boolean.toString(h.daemon()))));
            } else {
                vmThreads.add(new JavaRecord.Dumped(pid, ns, h.tid(), JavaRecord.Dumped.NO_JAVA_ID, RecordField.cut(h.name()), Map.of()));
            }
        }
        List<String> notes = new ArrayList<>();
        String of = "JVM " + pid + "'s thread dump: ";
        if (cut) notes.add(of + "read up to " + (MAX_BYTES >> 20) + " MiB; the threads after that keep their kernel names");
        if (headers.tooLong() > 0) {
            notes.add(of + headers.tooLong() + " header(s) over " + (MAX_HEADER >> 20) + " MiB skipped; those threads keep their kernel names");
        }
        if (headers.overflow() > 0) notes.add(of + headers.overflow() + " thread(s) past the first " + MAX_THREADS + " keep their kernel names");
        if (!headers.ambiguous().isEmpty()) {
            notes.add(of + "tid(s) " + String.join(", ", headers.ambiguous().stream().map(String::valueOf).toList())
                    + " claimed by more than one header (a thread name holds a line break and a header): kept their kernel names");
        }
        return new Result(threads, vmThreads, notes);
    }
}
