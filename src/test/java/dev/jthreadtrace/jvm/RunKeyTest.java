package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user's key for run directories' marks: made once, owner-only, and refused wherever someone else could read or plant it. */
@Timeout(60)
class RunKeyTest {
    private static final int UID = uid();

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path keyDirectory(Path tmp) {
        return tmp.resolve(RunKey.DIRECTORY_PREFIX + UID);
    }

    @Test
    void madeOnceOwnerOnlyAndTheSameForEveryRun(@TempDir Path tmp) throws Exception {
        RunKey first = RunKey.ofUser(tmp, UID);
        assertNotNull(first);
        Path dir = keyDirectory(tmp), file = dir.resolve(RunKey.FILE);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(RunKey.BYTES, Files.size(file));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "the key alone: its temporary name is gone");
        }
        String name = "jthreadtrace-1-2-3-0000000000000001";
        String mark = first.markOf(name);
        assertTrue(RunKey.isMark(mark), mark);
        assertEquals(mark, RunKey.ofUser(tmp, UID).markOf(name), "a later run reads the same key");
        assertNotEquals(mark, first.markOf("jthreadtrace-1-2-3-0000000000000002"), "a mark names one directory");
        Files.delete(file);
        assertNotEquals(mark, RunKey.ofUser(tmp, UID).markOf(name), "a new key, new marks");
    }

    @Test
    void noKeyFromADirectoryOrFileSomeoneElseCouldReadOrPlant(@TempDir Path tmp, @TempDir Path elsewhere) throws Exception {
        Path dir = keyDirectory(tmp);
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertNull(RunKey.ofUser(tmp, UID), "a key directory others can read");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", 65534);
        assertNull(RunKey.ofUser(tmp, UID), "another user's directory");
        Files.delete(dir);
        Files.createSymbolicLink(dir, Files.createDirectory(elsewhere.resolve("k")));
        assertNull(RunKey.ofUser(tmp, UID), "a link");
        Files.delete(dir);

        assertNotNull(RunKey.ofUser(tmp, UID));
        Path file = dir.resolve(RunKey.FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertNull(RunKey.ofUser(tmp, UID), "a key others can read");
        Files.delete(file);
        Files.writeString(file, "short");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertNull(RunKey.ofUser(tmp, UID), "not a key's size");
        Files.delete(file);
        Files.createSymbolicLink(file, Files.write(elsewhere.resolve("key"), new byte[RunKey.BYTES]));
        assertNull(RunKey.ofUser(tmp, UID), "a link to a file");
    }

    /** A FIFO put where the key is opens at once and is refused: the run's sweeping thread, which the run's end joins, never waits on it. */
    @Test
    void aFifoForTheKeyIsRefusedWithoutWaiting(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(keyDirectory(tmp), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path fifo = dir.resolve(RunKey.FILE);
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).inheritIO().start().waitFor());
        assertNull(RunKey.ofUser(tmp, UID));
    }
}
