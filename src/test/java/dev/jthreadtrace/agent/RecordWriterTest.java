package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record file: owner-only from its creation (#33: it was 0644 inside the run's 0700 directory),
 * appended to through its mapping (the tool reads up to the first NUL byte), grown by chunks only
 * while the run's directory is the one found at the start, and never written through a link.
 */
class RecordWriterTest {
    /** The records in {@code file}: its bytes up to the first NUL (the chunk's room not written yet), as the tool reads them. */
    static String records(Path file) throws IOException {
        String all = Files.readString(file);
        int room = all.indexOf('\0');
        return room < 0 ? all : all.substring(0, room);
    }

    @Test
    void theRecordFileIsCreatedOwnerOnlyAndAppended(@TempDir Path run) throws IOException {
        try {
            RecordWriter.open(run, "jvm-1.tsv");
            RecordWriter.write(new StringBuilder("X\t1\t2"), true);
            RecordWriter.write(new StringBuilder("X\t3\t4"), true);
        } finally {
            RecordWriter.close();
        }
        Path file = run.resolve("jvm-1.tsv");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
        assertEquals("X\t1\t2\nX\t3\t4\n", records(file));
    }

    /**
     * Appended at first, then mapped; a write never split over chunk ends; a JVM attached to again
     * (or a pid used again in one run) goes on after the records already in the file, mapped or not.
     */
    @Test
    void aSecondWriterGoesOnAfterTheRecordsAndAcrossChunks(@TempDir Path run) throws IOException {
        String big = "Y\t" + "y".repeat(100_000);
        try {
            RecordWriter.open(run, "jvm-4.tsv");
            RecordWriter.write(new StringBuilder("X\t1"), true);
        } finally {
            RecordWriter.close();
        }
        try {
            RecordWriter.open(run, "jvm-4.tsv");
            for (int i = 0; i < RecordFile.APPENDS_BEFORE_MAPPING; i++) RecordWriter.write(new StringBuilder("X\t2"), true);
            RecordWriter.write(new StringBuilder(big), true);
            RecordWriter.write(new StringBuilder("X\t3"), true);
            RecordWriter.write(new StringBuilder(big), true);
        } finally {
            RecordWriter.close();
        }
        try {
            RecordWriter.open(run, "jvm-4.tsv");
            for (int i = 0; i <= RecordFile.APPENDS_BEFORE_MAPPING; i++) RecordWriter.write(new StringBuilder("X\t4"), true);
        } finally {
            RecordWriter.close();
        }
        String appended = "X\t2\n".repeat(RecordFile.APPENDS_BEFORE_MAPPING);
        assertEquals("X\t1\n" + appended + big + "\nX\t3\n" + big + "\n" + "X\t4\n".repeat(RecordFile.APPENDS_BEFORE_MAPPING + 1),
                records(run.resolve("jvm-4.tsv")));
    }

    /**
     * The run's directory, same inode, now another user's (as one another user makes by name under
     * /tmp after the tool removed it: ext4 gives the same inode number at once): never written again.
     * Made here by chown, which needs root (the suite runs as root, as ptrace does).
     */
    @Test
    void aDirectoryOfTheSameInodeButAnotherOwnerIsNotWritten(@TempDir Path run) throws IOException {
        Path records = Files.createDirectory(run.resolve("records"));
        try {
            RecordWriter.open(records, "jvm-3.tsv");
            RecordWriter.write(new StringBuilder("X\t1\t2"), true);
            Files.setAttribute(records, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
            assertThrows(IOException.class, () -> RecordWriter.write(new StringBuilder("X\t3\t4"), true));
        } finally {
            RecordWriter.close();
        }
        assertEquals("X\t1\t2\n", records(records.resolve("jvm-3.tsv")));
    }

    /** The same once the file is mapped: the chunk mapped already is the file's own, the next one is not mapped. */
    @Test
    void aDirectoryOfAnotherOwnerGetsNoMoreChunks(@TempDir Path run) throws IOException {
        Path records = Files.createDirectory(run.resolve("records"));
        StringBuilder expected = new StringBuilder();
        try {
            RecordWriter.open(records, "jvm-5.tsv");
            for (int i = 0; i <= RecordFile.APPENDS_BEFORE_MAPPING; i++) {
                RecordWriter.write(new StringBuilder("X\t" + i), true);
                expected.append("X\t").append(i).append('\n');
            }
            Files.setAttribute(records, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
            RecordWriter.write(new StringBuilder("X\tmapped"), true);
            assertThrows(IOException.class, () -> RecordWriter.write(new StringBuilder("Y\t" + "y".repeat(70_000)), true));
            assertThrows(IOException.class, () -> RecordWriter.write(new StringBuilder("X\tafter"), true));
        } finally {
            RecordWriter.close();
        }
        assertEquals(expected + "X\tmapped\n", records(records.resolve("jvm-5.tsv")));
    }

    @Test
    void aLinkWhereTheFileWouldBeIsNotFollowed(@TempDir Path run) throws IOException {
        Path victim = Files.writeString(run.resolve("victim"), "");
        Path records = Files.createDirectory(run.resolve("records"));
        Files.createSymbolicLink(records.resolve("jvm-2.tsv"), victim);
        try {
            RecordWriter.open(records, "jvm-2.tsv");
            assertThrows(IOException.class, () -> RecordWriter.write(new StringBuilder("X\t1\t2"), true));
        } finally {
            RecordWriter.close();
        }
        assertEquals("", Files.readString(victim));
        assertEquals(0, Files.size(victim));
    }

    /**
     * A carrier's mount count goes out with the flush even when held construction records filled
     * the buffer just before it: the count was left for "the next flush", and the flush at the JVM's
     * exit has none (CI saw 881 mounts for 1000 virtual threads).
     */
    @Test
    void theMountCountsGoOutWhenTheBufferIsFull(@TempDir Path run) throws IOException {
        HookState constructor = new HookState(), carrier = new HookState();
        Thread virtual = Thread.ofVirtual().unstarted(() -> { });
        String held = "C\t" + "c".repeat(64 * 1024 - 8);
        try {
            RecordWriter.open(run, "jvm-6.tsv");
            RecordWriter.bufferUntilExit();
            carrier.mounts = 5;
            carrier.carrierTid = "123";
            RecordWriter.carrier(carrier);
            RecordWriter.hold(constructor, virtual, new StringBuilder(held), "");
            RecordWriter.started(constructor, virtual, null); // the held record into the buffer, a few bytes left
            RecordWriter.flush();
        } finally {
            RecordWriter.close();
        }
        String records = records(run.resolve("jvm-6.tsv"));
        assertTrue(records.startsWith(held + "\n"), records.length() + " bytes");
        assertTrue(records.matches("(?s).*\nM\t\\d+\t123\t5\n"), records.substring(held.length()));
    }
}
