package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether the tool's uid is mapped in a JVM's user namespace, from the kernel's uid_map text. */
class UidMapTest {
    @Test
    void hostRootMappedBesideASubordinateRangeIsMapped() {
        UidMap map = new UidMap("         0          0          1\n         1     100001      65535\n");
        assertTrue(map.mapsOutside(0));
        assertTrue(map.mapsOutside(100001));
        assertTrue(map.mapsOutside(165535));
        assertFalse(map.mapsOutside(165536), "one past the range");
        assertFalse(map.mapsOutside(1000));
    }

    @Test
    void aRootlessContainerMapsItsUserButNotHostRoot() {
        UidMap map = new UidMap("         0       1000          1\n         1     100000      65536\n");
        assertFalse(map.mapsOutside(0), "host root is not in a rootless container's map");
        assertTrue(map.mapsOutside(1000));
        assertFalse(map.mapsOutside(999));
    }

    @Test
    void theInitialNamespaceMapsEveryone() {
        assertTrue(new UidMap("         0          0 4294967295\n").mapsOutside(0));
        assertTrue(new UidMap("         0          0 4294967295\n").mapsOutside(4294967294L));
    }

    @Test
    void anEmptyOrUnreadableMapMapsNothing() {
        assertFalse(new UidMap("").mapsOutside(0), "a namespace whose map is not written yet");
        assertFalse(new UidMap("0 x 1\n0 0\n").mapsOutside(0));
    }
}
