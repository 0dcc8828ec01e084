package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What a write to a /proc comm file leaves as the thread's name, as fs/proc/base.c's comm_write
 * does it (the cases native/comm_writes.c makes the kernel do, checked there against /proc).
 */
class CommFileTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theDescriptorsLinkSaysWhichThreadIsNamed() {
        assertEquals(1234, CommFile.targetOfLink("/proc/1234/comm"));
        assertEquals(1240, CommFile.targetOfLink("/proc/1234/task/1240/comm"));
        assertEquals(77, CommFile.targetOfLink("/mnt/proc/77/comm"), "procfs mounted elsewhere: the caller checks the file system");
        assertEquals(-1, CommFile.targetOfLink("/proc/1234/cmdline"));
        assertEquals(-1, CommFile.targetOfLink("/proc/self/comm"), "a link is resolved: self never appears in one");
        assertEquals(-1, CommFile.targetOfLink("/tmp/comm"));
        assertEquals(-1, CommFile.targetOfLink("/proc/99999999999/comm"), "not a tid");
        assertEquals(-1, CommFile.targetOfLink(null));
    }

    @Test
    void aWriteKeepsFifteenBytesUpToANulAndItsNewline() {
        assertArrayEquals(b("0123456789abcde"), CommFile.afterWrite(b("0123456789abcde"), false));
        assertArrayEquals(b("nul"), CommFile.afterWrite(b("nul\0-13"), false));
        assertArrayEquals(b("nl-14\n"), CommFile.afterWrite(b("nl-14\n"), false));
        assertArrayEquals(new byte[0], CommFile.afterWrite(new byte[0], false), "a zero-length write names the thread \"\"");
        assertArrayEquals(b("\u00ff\u00fe-bad"), CommFile.afterWrite(b("\u00ff\u00fe-bad"), false), "bytes, not UTF-8");
        assertNull(CommFile.afterWrite(b("pwrite-16"), true), "an error (ESPIPE for pwrite64) names nobody");
        assertNull(CommFile.afterWrite(null, false), "unreadable bytes: no name made up");
    }

    @Test
    void aVectoredWriteIsOneNamePerSegmentTheLastWrittenStays() {
        long[] lengths = {8, 0, 8};
        byte[][] heads = {b("ignored-"), new byte[0], b("writev-2")};
        assertArrayEquals(b("writev-2"), CommFile.afterVectoredWrite(lengths, heads, 16, false));
        assertArrayEquals(b("ignored-"), CommFile.afterVectoredWrite(lengths, heads, 8, false), "a short write: the segments it reached");
        assertNull(CommFile.afterVectoredWrite(new long[] {0, 0}, new byte[][] {new byte[0], new byte[0]}, 0, false),
                "nothing to write: vfs_writev calls no write");
        assertArrayEquals(new byte[0], CommFile.afterVectoredWrite(new long[] {0, 5}, new byte[][] {new byte[0], null}, -14, true),
                "an empty first segment names \"\" before the next one faults");
        assertNull(CommFile.afterVectoredWrite(new long[] {2, 10}, new byte[][] {b("x-"), b("pwritev-17")}, -29, true),
                "ESPIPE: nothing written");
        assertNull(CommFile.afterVectoredWrite(null, null, 5, false), "the iovec was unreadable");
    }
}
