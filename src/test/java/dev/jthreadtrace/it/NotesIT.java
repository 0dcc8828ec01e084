package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A note names the real cause. A JDK 25 JVM cut short because the tool's reader went away
 * ({@code | head}) is not said to need JDK 25; a kernel thread cannot be attached to because it
 * is a kernel thread, not because it belongs to another user. (The causes decided at a JVM's exec,
 * an older JDK, no java.instrument, an AOT cache, a private /tmp, are in AgentEntryIT.)
 */
@Timeout(120)
class NotesIT {
    @Test
    void aJvmCutShortByAClosedOutputIsNotBlamedOnItsVersion() {
        String tool = String.join(" ", Tool.jar("run", "-e", "all", "--"));
        String java = String.join(" ", JvmIT.java(NestedThreads.class.getName()));
        Tool.Result r = Tool.run(List.of("bash", "-c", tool + " " + java + " | head -1; echo \"status ${PIPESTATUS[0]}\""));
        assertTrue(r.out().endsWith("status 141\n"), "ended as strace does when its reader goes: " + r.out());
        assertFalse(r.err().contains("needs JDK 25") || r.err().contains("JDK 25+"), r.err());
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void aKernelThreadIsSaidToBeOne() {
        Tool.Result r = Tool.run(Tool.jar("attach", "2"));
        assertEquals(125, r.code(), r.err());
        assertEquals("jthreadtrace: pid 2 (kthreadd) is a kernel thread: it runs no program of its own, and the kernel lets no"
                + " one trace it\n", r.err());
    }
}
