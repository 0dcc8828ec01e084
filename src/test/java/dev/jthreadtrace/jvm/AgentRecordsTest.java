package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A traced JVM can append well-formed records to its own record file by the million (hostile9i F8:
 * 64 MiB of 40-byte lines took the tool to 1 GB): records are kept up to an estimate of their heap,
 * in the file's order, and the rest is left unread and said in one note; another JVM's smaller file
 * is read first, whole.
 */
class AgentRecordsTest {
    private static final int FORGED = 500_000;

    @Test
    void recordsAreKeptUpToTheirHeapBudgetInOrderAndTheRestIsSaid(@TempDir Path dir) throws IOException {
        Path flooded = dir.resolve("jvm-7.tsv");
        long[] lineStart = new long[FORGED + 1];
        try (BufferedWriter out = Files.newBufferedWriter(flooded, StandardCharsets.UTF_8)) {
            for (int i = 0; i < FORGED; i++) {
                String line = "C\t" + i + "\t7\t3\tmain\t" + (100 + i) + "\tfake-" + i + "\tfalse\n";
                out.write(line);
                lineStart[i + 1] = lineStart[i] + line.length();
            }
        }
        Files.writeString(dir.resolve("jvm-8.tsv"), "N\t100\t8\t21\tother-jvm\n");

        AgentRecords reader = new AgentRecords((pid, hostPid) -> pid);
        reader.read(dir);
        AgentRecords.Read read = reader.result();

        assertTrue(read.keptFull());
        List<JavaRecord> records = read.records();
        assertEquals("other-jvm", ((JavaRecord.Renamed) records.getFirst()).name(), "the smaller file is read first, whole");
        List<JavaRecord> forged = records.subList(1, records.size());
        int kept = forged.size();
        assertTrue(kept > 1000 && kept < FORGED, "kept " + kept);
        for (int i = 0; i < kept; i++) assertEquals(100 + i, ((JavaRecord.Constructed) forged.get(i)).id(), "in the file's order");
        assertTrue(records.stream().mapToLong(RecordFootprint::of).sum() <= AgentRecords.MAX_KEPT_BYTES);
        assertEquals(Files.size(flooded) - lineStart[kept], read.droppedBytes(), "everything from the first record dropped is unread");

        List<String> notes = JvmNotes.aboutTheDirectory(read);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.getFirst().contains("past the first " + records.size() + " were dropped"), notes.getFirst());
        assertTrue(notes.getFirst().contains(read.droppedBytes() + " bytes left unread"), notes.getFirst());
    }

    @Test
    void aFileWithinTheBudgetIsReadWholeWithoutANote(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("jvm-9.tsv"), "N\t100\t9\t21\ta\nN\t200\t9\t21\tb\n");
        AgentRecords reader = new AgentRecords((pid, hostPid) -> pid);
        reader.read(dir);
        AgentRecords.Read read = reader.result();
        assertEquals(2, read.records().size());
        assertFalse(read.keptFull());
        assertEquals(List.of(), JvmNotes.aboutTheDirectory(read));
    }
}
