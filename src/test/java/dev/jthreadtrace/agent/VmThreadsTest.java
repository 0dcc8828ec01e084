package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounds of the dump the agent takes in the target's exit: its time (threads) and its memory (heap). */
class VmThreadsTest {
    private static final long MB = 1L << 20;

    @Test
    void aServersThreadsAreDumpedWithTheHeapOfADefaultJvm() {
        // 258 threads of embedded Tomcat: at worst 64.5 MB of dump, so 129 MB of headroom suffice.
        assertTrue(VmThreads.affordable(258, 129 * MB, VmThreads.MAX_DUMP_THREADS));
        assertTrue(VmThreads.affordable(VmThreads.MAX_DUMP_THREADS, 4096 * MB, VmThreads.MAX_DUMP_THREADS));
    }

    @Test
    void noDumpPastTheThreadsWhoseTimeIsBounded() {
        assertFalse(VmThreads.affordable(VmThreads.MAX_DUMP_THREADS + 1, Long.MAX_VALUE, VmThreads.MAX_DUMP_THREADS));
        assertFalse(VmThreads.affordable(10_000, Long.MAX_VALUE, VmThreads.MAX_DUMP_THREADS));
    }

    @Test
    void noDumpThatCouldExhaustTheHeapAtExit() {
        // An OutOfMemoryError at exit would run -XX:OnOutOfMemoryError or change the status under ExitOnOutOfMemoryError.
        assertFalse(VmThreads.affordable(258, 128 * MB, VmThreads.MAX_DUMP_THREADS));
        assertFalse(VmThreads.affordable(20, 8 * MB, VmThreads.MAX_DUMP_THREADS));
        assertTrue(VmThreads.affordable(20, 11 * MB, VmThreads.MAX_DUMP_THREADS));
    }

    @Test
    void atMostTwiceTheLargestDumpOfTheThreadsAllowed() {
        // 512 threads of 1024 frames: 128 MB of String at worst.
        assertTrue(VmThreads.affordable(VmThreads.MAX_DUMP_THREADS, 256 * MB, VmThreads.MAX_DUMP_THREADS));
        assertFalse(VmThreads.affordable(VmThreads.MAX_DUMP_THREADS, 256 * MB - 1, VmThreads.MAX_DUMP_THREADS));
    }

    @Test
    void atADetachTheHeapAloneBoundsIt() {
        // The JVM runs on: a pause like the one the tool's attach took of the same threads.
        assertTrue(VmThreads.affordable(519, 260 * MB, Integer.MAX_VALUE));
        assertFalse(VmThreads.affordable(10_000, 4096 * MB, Integer.MAX_VALUE));
    }

    @Test
    void anUnknownThreadCountIsNoDump() {
        assertFalse(VmThreads.affordable(-1, Long.MAX_VALUE, VmThreads.MAX_DUMP_THREADS));
        assertFalse(VmThreads.affordable(0, Long.MAX_VALUE, VmThreads.MAX_DUMP_THREADS));
    }
}
