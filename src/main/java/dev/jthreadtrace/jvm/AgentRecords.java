package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntBinaryOperator;

/**
 * Everything the agents wrote in the run's directory, read once at the end of the trace. The
 * traced program can write there too, so what is read is bounded whatever it put there: at most
 * {@link #MAX_FILES} record files and {@link #MAX_TOTAL_BYTES} of records in all (each file also
 * within {@link AgentFile}'s own limits); what is left unread is counted, and said in a note.
 */
final class AgentRecords {
    static final int MAX_FILES = 1024;
    static final long MAX_TOTAL_BYTES = 64L << 20;

    /**
     * @param records     every record read, in no particular order
     * @param errors      per JVM, what its agent said of its own errors
     * @param notOurs     entries that are not record files (names, for a note)
     * @param droppedFiles record files not read at all (over {@link #MAX_FILES}, or past the byte budget)
     * @param droppedBytes bytes of records left unread
     */
    record Read(List<JavaRecord> records, Map<Integer, String> errors, List<String> notOurs, int droppedFiles, long droppedBytes) {
        /** This read and another directory's together (attach: the directories made in JVMs' own /tmp). */
        Read and(Read other) {
            List<JavaRecord> all = new ArrayList<>(records);
            all.addAll(other.records);
            Map<Integer, String> allErrors = new TreeMap<>(errors);
            allErrors.putAll(other.errors);
            List<String> names = new ArrayList<>(notOurs);
            names.addAll(other.notOurs);
            return new Read(all, allErrors, names.subList(0, Math.min(5, names.size())), droppedFiles + other.droppedFiles,
                    droppedBytes + other.droppedBytes);
        }
    }

    private AgentRecords() {}

    /** @param placed which pid a file's records name, from the pid in its name and the tool's pid of it there (0: none) */
    static Read read(Path directory, IntBinaryOperator placed) throws IOException {
        List<JavaRecord> records = new ArrayList<>();
        Map<Integer, String> errors = new TreeMap<>();
        List<String> notOurs = new ArrayList<>();
        int files = 0, droppedFiles = 0;
        long budget = MAX_TOTAL_BYTES, droppedBytes = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                if (AgentDirectory.isOwn(name)) continue;
                AgentFile agentFile = AgentFile.open(file, placed);
                if (agentFile == null) {
                    if (notOurs.size() < 5) notOurs.add(name);
                    continue;
                }
                try (agentFile) {
                    if (++files > MAX_FILES || budget <= 0) {
                        droppedFiles++;
                        droppedBytes += agentFile.size();
                        continue;
                    }
                    records.addAll(agentFile.newRecords(budget));
                    budget -= agentFile.bytesRead();
                    droppedBytes += agentFile.unread();
                    if (agentFile.errors() != null) errors.put(agentFile.pid(), agentFile.errors());
                } catch (IOException | RuntimeException e) {
                    if (notOurs.size() < 5) notOurs.add(name);
                }
            }
        }
        return new Read(records, errors, notOurs, droppedFiles, droppedBytes);
    }
}
