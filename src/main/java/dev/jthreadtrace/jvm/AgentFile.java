package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.RecordFormat;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import dev.jthreadtrace.event.JavaRecord;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;
import java.util.function.IntBinaryOperator;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JVM's record file, read as it grows: during the trace (live Java names) and at its end.
 * The traced program can write the agent's directory too, so only a regular file is opened, never
 * through a symbolic link (a FIFO would block, /dev/zero would never end), at most
 * {@link #MAX_BYTES} are read, and a line longer than {@link #MAX_LINE} is skipped. Only whole
 * lines are read, up to the first NUL byte (the agent writes through a mapping of the file, which it
 * grows by chunks of zeros: no record holds a NUL): the end of a line still being written, and what
 * follows a NUL, wait for the next read. Its lines are
 * parsed in order by one {@link AgentRecordParser} (a carrier's mount count is a running total).
 */
final class AgentFile implements Closeable {
    /** What the agent names its files: one per JVM, by its pid and, when the tool gave it one, the tool's pid of it. */
    static final Pattern NAME = Pattern.compile(
            Pattern.quote(RecordFormat.FILE_PREFIX) + "(\\d{1,9})(?:-(\\d{1,9}))?" + Pattern.quote(RecordFormat.FILE_SUFFIX));
    static final long MAX_BYTES = 256L << 20;
    /**
     * The agent keeps a record below this (fields of at most 16 Ki chars, no more thread-locals past
     * 256 Ki chars): a name of 64 KiB made a longer line, which was dropped with its creator and
     * thread-locals. A longer line is not the agent's and is skipped.
     */
    static final int MAX_LINE = 4 << 20;
    /**
     * The line bound of a file followed for live names ({@link AgentDirectoryFeed}, up to its
     * {@code MAX_FILES} files): a line still being written is held between reads, in every file
     * at once. A longer record names no live line; the report reads it at the end.
     */
    static final int LIVE_MAX_LINE = 256 << 10;
    private static final int CHUNK = 64 * 1024;

    private final FileChannel channel;
    private final int pid;
    private final AgentRecordParser parser;
    /** The agent's last error line (its running count and first error), or null. */
    private String errors;
    private final int maxLine;
    /** Bytes of a line not yet ended; a new one after a long line, so its room is not kept between reads. */
    private ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean skippingLongLine;
    private long read;
    /** Where the line being read began (a record refused is left unread from there). */
    private long lineStart;
    /** The last read stopped at a NUL byte: the agent maps its file by chunks and fills them (agent/RecordFile). */
    private boolean atRoom;

    private AgentFile(FileChannel channel, int pid, int maxLine) {
        this.channel = channel;
        this.pid = pid;
        this.maxLine = maxLine;
        this.parser = new AgentRecordParser(pid);
    }

    /** The file as a record file of the agent, or null when it is not one (its name, its kind, its size). */
    static AgentFile open(Path file) {
        return open(file, (pid, hostPid) -> pid, MAX_LINE);
    }

    /** The same, followed while the trace runs: lines up to {@link #LIVE_MAX_LINE}. */
    static AgentFile openLive(Path file) {
        return open(file, (pid, hostPid) -> pid, LIVE_MAX_LINE);
    }

    /**
     * The same; {@code placed} says which pid the records name from the JVM's own pid and the
     * tool's pid of it in the file's name (0 when it has none).
     */
    static AgentFile open(Path file, IntBinaryOperator placed) {
        return open(file, placed, MAX_LINE);
    }

    private static AgentFile open(Path file, IntBinaryOperator placed, int maxLine) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches() || sizeIfRecordFile(file) < 0) return null;
        try {
            int pid = placed.applyAsInt(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
            return new AgentFile(FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), pid, maxLine);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The size of {@code file} when it may be a record file (its name, a regular file not too big), else -1. */
    static long sizeIfRecordFile(Path file) {
        if (!NAME.matcher(file.getFileName().toString()).matches()) return -1;
        try {
            var attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() && attributes.size() <= MAX_BYTES ? attributes.size() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    int pid() {
        return pid;
    }

    /**
     * Hands on the records in the whole lines written since the last call, one by one as each line
     * is read (no list of them: a file of millions of lines is read in the memory of one); an error
     * line is kept for {@link #errors}.
     */
    void newRecords(Consumer<JavaRecord> into) throws IOException {
        newRecords(MAX_BYTES, r -> {
            into.accept(r);
            return true;
        });
    }

    /**
     * The same, reading at most {@code budget} more bytes, while {@code into} takes the records: the
     * line of the record it refuses is left unread, with all after it ({@link #unread} counts them).
     *
     * @return false when {@code into} refused a record
     */
    boolean newRecords(long budget, Predicate<JavaRecord> into) throws IOException {
        long limit = Math.min(Math.min(read + budget, MAX_BYTES), channel.size());
        // Allocated per read, only when the file grew: thousands of idle files followed hold no buffer each.
        ByteBuffer chunk = read < limit ? ByteBuffer.allocate((int) Math.min(CHUNK, limit - read)) : null;
        while (read < limit) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), limit - read));
            int n = channel.read(chunk, read);
            if (n <= 0) break;
            byte[] bytes = chunk.array();
            int from = 0, i = 0;
            for (; i < n && bytes[i] != 0; i++) {
                if (bytes[i] != '\n') continue;
                String line = take(bytes, from, i);
                if (line != null && !handOn(line, into)) {
                    read = lineStart;
                    partial = new ByteArrayOutputStream();
                    skippingLongLine = false;
                    atRoom = false;
                    return false;
                }
                from = i + 1;
                lineStart = read + from;
            }
            keep(bytes, from, i);
            read += i;
            atRoom = i < n;
            if (atRoom) break; // the room the agent has not written yet: read from here next time
        }
        return true;
    }

    /** Parses one line: false when {@code into} refuses its record. */
    private boolean handOn(String line, Predicate<JavaRecord> into) {
        String errorsPrefix = RecordFormat.ERRORS + RecordFormat.FIELD;
        if (line.startsWith(errorsPrefix) && !line.startsWith(errorsPrefix + "0" + RecordFormat.FIELD)) {
            errors = line.substring(errorsPrefix.length());
        }
        JavaRecord r = parser.parse(line);
        return r == null || into.test(r);
    }

    /** What the agent said of its own errors (a count and the first one), or null when it had none. */
    String errors() {
        return errors;
    }

    /** Bytes of the file read so far. */
    long bytesRead() {
        return read;
    }

    /**
     * Bytes of records left unread: none when the last read ended at the agent's unwritten room
     * (its first NUL byte), else what the file holds past what was read (with any such room).
     */
    long unread() {
        return atRoom ? 0 : Math.max(0, size() - read);
    }

    /** The file's size now (0 when it cannot be told). */
    long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The line that ends at {@code to} (UTF-8, malformed bytes replaced), or null when it was too long. */
    private String take(byte[] bytes, int from, int to) {
        String line = null;
        if (!skippingLongLine && partial.size() + (to - from) <= maxLine) {
            partial.write(bytes, from, to - from);
            line = partial.toString(StandardCharsets.UTF_8);
        }
        partial = partial.size() > CHUNK ? new ByteArrayOutputStream() : partial;
        partial.reset();
        skippingLongLine = false;
        return line;
    }

    private void keep(byte[] bytes, int from, int to) {
        if (skippingLongLine) return;
        if (partial.size() + (to - from) > maxLine) {
            partial = new ByteArrayOutputStream();
            skippingLongLine = true;
            return;
        }
        partial.write(bytes, from, to - from);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
