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

/**
 * The record file: owner-only from its creation (#33: it was 0644 inside the run's 0700 directory),
 * appended to, and never written through a link.
 */
class RecordWriterTest {
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
        assertEquals("X\t1\t2\nX\t3\t4\n", Files.readString(file));
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
        assertEquals("X\t1\t2\n", Files.readString(records.resolve("jvm-3.tsv")));
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
    }
}
