package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** /proc/PID/maps lines: the shared ones, with the device and inode of what they map. */
class SharedMapsTest {
    @Test
    void aSharedLineGivesItsRangeOffsetDeviceAndInode() {
        assertEquals(new TraceEvent.SharedMapping(0x7f3774ead000L, 0x7f3774eae000L, 0x1000, 0x1a, 4242),
                SharedMaps.parse("7f3774ead000-7f3774eae000 rw-s 00001000 00:1a 4242                       /dev/zero (deleted)"));
        // A path with spaces is the program's: never parsed.
        assertEquals(new TraceEvent.SharedMapping(0x1000, 0x3000, 0, 0x103 << 20 | 0x2, 77),
                SharedMaps.parse("1000-3000 r--s 00000000 103:02 77   /tmp/a b  c"));
    }

    @Test
    void aPrivateOrMalformedLineIsNone() {
        assertNull(SharedMaps.parse("55d0c1a00000-55d0c1a21000 rw-p 00000000 00:00 0                          [heap]"));
        assertNull(SharedMaps.parse("zz-3000 rw-s 00000000 00:01 1"));
        assertNull(SharedMaps.parse("3000-1000 rw-s 00000000 00:01 1"));
        assertNull(SharedMaps.parse(""));
    }
}
