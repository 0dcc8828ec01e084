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
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
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

    private final FileChannel channel;
    private final int pid;
    private final AgentRecordParser parser;
    /** The agent's last error line (its running count and first error), or null. */
    private String errors;
    private final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean skippingLongLine;
    private long read;
    /** The last read stopped at a NUL byte: the agent maps its file by chunks and fills them (agent/RecordFile). */
    private boolean atRoom;

    private AgentFile(FileChannel channel, int pid) {
        this.channel = channel;
        this.pid = pid;
        this.parser = new AgentRecordParser(pid);
    }

    /** The file as a record file of the agent, or null when it is not one (its name, its kind, its size). */
    static AgentFile open(Path file) {
        return open(file, (pid, hostPid) -> pid);
    }

    /**
     * The same; {@code placed} says which pid the records name from the JVM's own pid and the
     * tool's pid of it in the file's name (0 when it has none).
     */
    static AgentFile open(Path file, IntBinaryOperator placed) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) return null;
        try {
            var attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile() || attributes.size() > MAX_BYTES) return null;
            int pid = placed.applyAsInt(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
            return new AgentFile(FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), pid);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    int pid() {
        return pid;
    }

    /** The records in the whole lines written since the last call; an error line is kept for {@link #errors}. */
    List<JavaRecord> newRecords() throws IOException {
        return newRecords(MAX_BYTES);
    }

    /** The same, reading at most {@code budget} more bytes. */
    List<JavaRecord> newRecords(long budget) throws IOException {
        List<JavaRecord> records = new ArrayList<>();
        for (String line : newLines(read + budget)) {
            JavaRecord r = parser.parse(line);
            if (r != null) records.add(r);
            String errorsPrefix = RecordFormat.ERRORS + RecordFormat.FIELD;
            if (line.startsWith(errorsPrefix) && !line.startsWith(errorsPrefix + "0" + RecordFormat.FIELD)) {
                errors = line.substring(errorsPrefix.length());
            }
        }
        return records;
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

    /** The whole lines written since the last call, reading up to offset {@code until} (UTF-8, malformed bytes replaced). */
    private List<String> newLines(long until) throws IOException {
        List<String> lines = new ArrayList<>();
        long limit = Math.min(until, MAX_BYTES);
        while (read < limit) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), limit - read));
            int n = channel.read(chunk, read);
            if (n <= 0) break;
            byte[] bytes = chunk.array();
            int from = 0, i = 0;
            for (; i < n && bytes[i] != 0; i++) {
                if (bytes[i] != '\n') continue;
                take(bytes, from, i, lines);
                from = i + 1;
            }
            keep(bytes, from, i);
            read += i;
            atRoom = i < n;
            if (atRoom) break; // the room the agent has not written yet: read from here next time
        }
        return lines;
    }

    private void take(byte[] bytes, int from, int to, List<String> lines) {
        if (!skippingLongLine && partial.size() + (to - from) <= MAX_LINE) {
            partial.write(bytes, from, to - from);
            lines.add(partial.toString(StandardCharsets.UTF_8));
        }
        partial.reset();
        skippingLongLine = false;
    }

    private void keep(byte[] bytes, int from, int to) {
        if (skippingLongLine) return;
        if (partial.size() + (to - from) > MAX_LINE) {
            partial.reset();
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
