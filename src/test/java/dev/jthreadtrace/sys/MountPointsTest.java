package dev.jthreadtrace.sys;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountPointsTest {
    private static final MountPoints TABLE = MountPoints.of(List.of(
            "22 1 0:21 / / rw,relatime - ext4 /dev/root rw",
            "30 22 0:25 / /tmp rw,nosuid - tmpfs tmpfs rw",
            "41 30 0:25 /victim /tmp/jthreadtrace-9-1-effffffc-00000000000000bb/m rw - tmpfs tmpfs rw",
            "42 30 0:25 /x /tmp/with\\040space/inside rw - tmpfs tmpfs rw"));

    @Test
    void aBindMountInsideADirectoryIsFoundItsNeighboursAndParentsAreNot() {
        assertTrue(TABLE.within(Path.of("/tmp/jthreadtrace-9-1-effffffc-00000000000000bb")));
        assertTrue(TABLE.within(Path.of("/tmp/jthreadtrace-9-1-effffffc-00000000000000bb/m")));
        assertFalse(TABLE.within(Path.of("/tmp/jthreadtrace-9-1-effffffc-00000000000000b")), "a name that is only a prefix");
        assertFalse(TABLE.within(Path.of("/tmp/jthreadtrace-9-1-effffffc-00000000000000bc")));
        assertTrue(TABLE.within(Path.of("/tmp/with space")), "the kernel's octal escapes are read");
    }

    @Test
    void thisProcessesOwnTableIsRead() {
        assertTrue(MountPoints.read().within(Path.of("/proc")), "/proc is a mount point");
        assertFalse(MountPoints.read().within(Path.of("/proc/self/no-such-dir")));
    }
}
