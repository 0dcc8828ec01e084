package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A record file the agent maps (agent/RecordFile): its chunk's room is NUL bytes, which the tool
 * does not read past; a record copied there later is read from where the last read stopped, and the
 * room is not counted as records left unread.
 */
class AgentFileTest {
    private static final String RENAMED_1 = "N\t100\t7\t21\tfirst-name\n", RENAMED_2 = "N\t200\t7\t21\tsecond-name\n";

    @Test
    void aMappedFileIsReadUpToItsRoomAndOnWhenItIsFilled(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jvm-7.tsv");
        byte[] first = RENAMED_1.getBytes(StandardCharsets.UTF_8), second = RENAMED_2.getBytes(StandardCharsets.UTF_8);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(first), 0);
            out.write(ByteBuffer.wrap(new byte[4096]), first.length);
            AgentFile agentFile = AgentFile.open(file);
            assertNotNull(agentFile);
            try (agentFile) {
                List<JavaRecord> before = new ArrayList<>();
                agentFile.newRecords(before::add);
                assertEquals(1, before.size(), before.toString());
                assertEquals(first.length, agentFile.bytesRead());
                assertEquals(0, agentFile.unread(), "the room is no record left unread");
                out.write(ByteBuffer.wrap(second), first.length);
                List<JavaRecord> after = new ArrayList<>();
                agentFile.newRecords(after::add);
                assertEquals(1, after.size(), after.toString());
                assertEquals(first.length + second.length, agentFile.bytesRead());
            }
        }
    }

    /**
     * A file followed for live names holds at most {@link AgentFile#LIVE_MAX_LINE} of a line between
     * reads (256 such files are followed at once): a longer record is skipped there, the next one read;
     * the report's reading takes it whole.
     */
    @Test
    void aLiveReadSkipsALineLongerThanItsBoundAndReadsOn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jvm-7.tsv");
        String longName = "n".repeat(AgentFile.LIVE_MAX_LINE);
        java.nio.file.Files.writeString(file, "N\t100\t7\t21\t" + longName + "\n" + RENAMED_2);
        for (boolean live : new boolean[] {true, false}) {
            try (AgentFile agentFile = live ? AgentFile.openLive(file) : AgentFile.open(file)) {
                List<JavaRecord> records = new ArrayList<>();
                agentFile.newRecords(records::add);
                assertEquals(live ? List.of("second-name") : List.of(longName, "second-name"),
                        records.stream().map(r -> ((JavaRecord.Renamed) r).name()).toList());
            }
        }
    }
}
