package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.RecordField;
import dev.jthreadtrace.event.JavaRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform threads of a {@code Thread.print} dump (Java id, name and OS tid), read as a stream
 * in bounded memory: only the header of each thread is kept, never the stacks, so a busy JVM's
 * dump of any size is read (at most {@link #MAX_BYTES}; what is cut or dropped is said in
 * {@link Result#notes()}).
 *
 * <p>A header is the thread's name between quotes, then {@code #ID [NID]}. The JVM prints the
 * name's bytes raw (modified UTF-8: a NUL as C0 80, a supplementary or unpaired surrogate as three
 * bytes each), so a name may hold a line break, a quote, or a whole forged header. A header is
 * therefore read as a block, from a line that starts with a quote up to the thread's
 * {@code java.lang.Thread.State:} line (a blank line or a stack frame ends it too), and matched
 * greedily: the real {@code " #ID [NID] } is the last on the block. A name can still cut its own
 * block short with a forged state line; then two headers claim one tid, and that tid gets no name
 * from the dump (one note) rather than a name another thread chose.
 */
final class ThreadDump {
    /** What was read: one record per platform thread, and remarks on what was left out. */
    record Result(List<JavaRecord.Present> threads, List<String> notes) {}

    /** More than any real dump (a JVM of 10 000 threads with deep stacks writes ~50 MiB); the rest is not read. */
    static final long MAX_BYTES = 256L << 20;
    /** A header block longer than this (a name of that size) is skipped: its thread keeps its kernel name. */
    static final int MAX_HEADER = 1 << 20;
    /** Records kept; more than the JVM's threads can be only forged ones. */
    static final int MAX_THREADS = 1 << 16;

    /**
     * {@code "NAME" #ID [NID] } (JDK 19+), or {@code "NAME" #ID [daemon] prio=N ... nid=0xHEX } (older
     * JDKs). Greedy over the whole block, so a name that holds the same pattern cannot move the real one.
     */
    private static final Pattern HEADER = Pattern.compile("^\"(.*)\" #(\\d+) \\[(\\d+)\\] ", Pattern.DOTALL),
            OLD_HEADER = Pattern.compile("^\"(.*)\" #(\\d+) (?:daemon )?prio=\\d+ [^\n]* nid=0x([0-9a-fA-F]+) ", Pattern.DOTALL);
    private static final byte[] STATE_LINE = "   java.lang.Thread.State:".getBytes(StandardCharsets.US_ASCII);

    private final int pid;
    private final long ns;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream block = new ByteArrayOutputStream();
    private boolean inBlock, blockTooLong, lineTooLong;
    /** The current line's first byte (-1 while it is empty), kept when the rest of a long line is not. */
    private int firstByte = -1;
    private int tooLong;
    /** Records by tid, in dump order; a tid claimed twice maps to null. */
    private final Map<Integer, JavaRecord.Present> byTid = new LinkedHashMap<>();
    private final Map<Integer, Boolean> ambiguous = new HashMap<>();
    private int overflow;

    private ThreadDump(int pid, long ns) {
        this.pid = pid;
        this.ns = ns;
    }

    /**
     * Reads {@code in} to its end (at most {@link #MAX_BYTES}). Each read asks for a whole chunk at
     * offset 0: JDK 25's attach stream overruns the array when asked for a few bytes at a large
     * offset (its native read limits the count by {@code len - off}, which is negative there), the
     * ArrayIndexOutOfBoundsException that {@code readNBytes} met on every dump over 16 KiB.
     */
    static Result read(int pid, InputStream in, long ns) throws IOException {
        ThreadDump dump = new ThreadDump(pid, ns);
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
        dump.endBlock();
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
        if (firstByte < 0) firstByte = bytes[from];
        if (lineTooLong) return;
        if (line.size() + (to - from) > MAX_HEADER) {
            lineTooLong = true;
            line.reset();
            return;
        }
        line.write(bytes, from, to - from);
    }

    private void endOfLine() {
        byte[] l = line.toByteArray();
        boolean skipped = lineTooLong;
        int first = firstByte;
        line.reset();
        lineTooLong = false;
        firstByte = -1;
        if (inBlock && (first < 0 || first == '\t' || startsWith(l, STATE_LINE))) {
            endBlock();
            return;
        }
        if (!inBlock && first != '"') return;
        inBlock = true;
        if (skipped || blockTooLong || block.size() + l.length + 1 > MAX_HEADER) {
            blockTooLong = true;
            block.reset();
            return;
        }
        if (block.size() > 0) block.write('\n');
        block.writeBytes(l);
    }

    private void endBlock() {
        if (!inBlock) return;
        inBlock = false;
        if (blockTooLong) {
            tooLong++;
        } else {
            header(ModifiedUtf8.decode(block.toByteArray()));
        }
        blockTooLong = false;
        block.reset();
    }

    private void header(String text) {
        Matcher m = HEADER.matcher(text);
        boolean hex = false;
        if (!m.find()) {
            m = OLD_HEADER.matcher(text);
            if (!m.find()) return; // the JVM's own threads (GC, compiler) have no #ID: not Java threads
            hex = true;
        }
        int tid;
        long id;
        try {
            tid = Integer.parseInt(m.group(3), hex ? 16 : 10);
            id = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return; // not a header after all
        }
        if (ambiguous.containsKey(tid)) return;
        if (byTid.containsKey(tid)) {
            byTid.remove(tid);
            ambiguous.put(tid, true);
        } else if (byTid.size() < MAX_THREADS) {
            byTid.put(tid, new JavaRecord.Present(pid, ns, tid, id, RecordField.cut(m.group(1))));
        } else {
            overflow++;
        }
    }

    private Result result(boolean cut) {
        List<String> notes = new ArrayList<>();
        String of = "JVM " + pid + "'s thread dump: ";
        if (cut) notes.add(of + "read up to " + (MAX_BYTES >> 20) + " MiB; the threads after that keep their kernel names");
        if (tooLong > 0) notes.add(of + tooLong + " header(s) over " + (MAX_HEADER >> 20) + " MiB skipped; those threads keep their kernel names");
        if (overflow > 0) notes.add(of + overflow + " thread(s) past the first " + MAX_THREADS + " keep their kernel names");
        if (!ambiguous.isEmpty()) {
            notes.add(of + "tid(s) " + ambiguous.keySet().stream().sorted().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                    + " claimed by more than one header (a thread name holds a line break and a header): kept their kernel names");
        }
        return new Result(List.copyOf(byTid.values()), notes);
    }

    private static boolean startsWith(byte[] l, byte[] prefix) {
        return l.length >= prefix.length && Arrays.equals(l, 0, prefix.length, prefix, 0, prefix.length);
    }
}
