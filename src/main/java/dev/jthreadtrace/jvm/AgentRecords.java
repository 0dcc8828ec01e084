package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntBinaryOperator;

/**
 * Everything the agents wrote in the run's directories, read once at the end of the trace. The
 * traced program can write there too, so what is read is bounded whatever it put there: at most
 * {@link #MAX_FILES} record files and {@link #MAX_TOTAL_BYTES} of records in all (each file also
 * within {@link AgentFile}'s own limits), and records are kept while their estimated heap
 * ({@link RecordFootprint}) stays within {@link #MAX_KEPT_BYTES}: the bytes alone did not bound the
 * memory (64 MiB of 40-byte lines, 1.6 million records, took the tool to 1 GB). The records are
 * kept in the order each file holds them, so the Java view is whole up to the first one dropped;
 * what is left unread is counted, and said in a note ({@link JvmNotes#aboutTheDirectory}).
 */
final class AgentRecords {
    static final int MAX_FILES = 1024;
    static final long MAX_TOTAL_BYTES = 64L << 20;
    /** The records' estimated heap: a JVM that started tens of thousands of threads, each with its creation stack, fits. */
    static final long MAX_KEPT_BYTES = 64L << 20;

    /**
     * @param records      every record kept, in no particular order
     * @param errors       per JVM, what its agent said of its own errors
     * @param notOurs      entries that are not record files (names, for a note)
     * @param droppedFiles record files not read at all (over {@link #MAX_FILES}, or past a budget)
     * @param droppedBytes bytes of records left unread
     * @param keptFull     the records kept reached {@link #MAX_KEPT_BYTES}: what was left unread is why
     */
    record Read(List<JavaRecord> records, Map<Integer, String> errors, List<String> notOurs, int droppedFiles, long droppedBytes,
                boolean keptFull) {}

    private final IntBinaryOperator placed;
    private final List<JavaRecord> records = new ArrayList<>();
    private final Map<Integer, String> errors = new TreeMap<>();
    private final List<String> notOurs = new ArrayList<>();
    private int files, droppedFiles;
    private long budget = MAX_TOTAL_BYTES, droppedBytes, keptBytes;
    private boolean keptFull;

    /** @param placed which pid a file's records name, from the pid in its name and the tool's pid of it there (0: none) */
    AgentRecords(IntBinaryOperator placed) {
        this.placed = placed;
    }

    /**
     * Reads one directory's record files (the run's, then those made in JVMs' own /tmp after an
     * attach), one budget for all: the smallest first, so a file the traced program floods (its
     * own JVM's, appended to, or one it made) leaves the other JVMs' records whole.
     */
    void read(Path directory) throws IOException {
        record Listed(Path file, long size) {}
        List<Listed> listed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                if (AgentDirectory.isOwn(name)) continue;
                long size = AgentFile.sizeIfRecordFile(file);
                if (size < 0) {
                    if (notOurs.size() < 5) notOurs.add(name);
                } else if (++files > MAX_FILES) {
                    droppedFiles++;
                    droppedBytes += size;
                } else {
                    listed.add(new Listed(file, size));
                }
            }
        }
        listed.sort(Comparator.comparingLong(Listed::size));
        for (Listed l : listed) readFile(l.file());
    }

    private void readFile(Path file) {
        AgentFile agentFile = AgentFile.open(file, placed);
        if (agentFile == null) {
            if (notOurs.size() < 5) notOurs.add(file.getFileName().toString());
            return;
        }
        try (agentFile) {
            if (budget <= 0 || keptFull) {
                droppedFiles++;
                droppedBytes += agentFile.size();
                return;
            }
            keptFull = !agentFile.newRecords(budget, this::keep);
            budget -= agentFile.bytesRead();
            droppedBytes += agentFile.unread();
            if (agentFile.errors() != null) errors.put(agentFile.pid(), agentFile.errors());
        } catch (IOException | RuntimeException e) {
            if (notOurs.size() < 5) notOurs.add(file.getFileName().toString());
        }
    }

    /** Keeps {@code r} when its estimated heap fits what is left of {@link #MAX_KEPT_BYTES}. */
    private boolean keep(JavaRecord r) {
        long bytes = RecordFootprint.of(r);
        if (keptBytes + bytes > MAX_KEPT_BYTES) return false;
        keptBytes += bytes;
        records.add(r);
        return true;
    }

    Read result() {
        return new Read(records, errors, notOurs, droppedFiles, droppedBytes, keptFull);
    }
}
