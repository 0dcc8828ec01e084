package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

    /**
     * A JDK 25 JVM that fails at start (an option it refuses) writes no records, on either route:
     * the note says it ended before its agent started, not that it needs JDK 25 (said of it through
     * JAVA_TOOL_OPTIONS) nor that the agent's errors are on its standard error (the agent is
     * silent when it cannot start). An older JDK through JAVA_TOOL_OPTIONS is named by its version.
     */
    @Test
    void aJvmThatFailsAtStartIsSaidToHaveEndedAndAnOlderOneToBeOlder() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> failing = List.of(java, "-XX:ReservedCodeCacheSize=2m", "-version");
        Tool.Result untraced = Tool.run(failing);
        assertTrue(untraced.code() != 0, "the JVM refuses the option: " + untraced.err());
        for (String route : List.of("on", "env")) {
            List<String> cmd = new ArrayList<>(Tool.jar("run", "--jvm", route, "--no-live", "--report", "none", "--"));
            cmd.addAll(failing);
            Tool.Result r = Tool.run(cmd);
            assertEquals(untraced.code(), r.code(), route + ": " + r.err());
            List<String> notes = r.err().lines().filter(l -> l.startsWith("jthreadtrace: note:")).toList();
            assertEquals(1, notes.size(), route + ": " + r.err());
            assertTrue(notes.getFirst().contains("it ended before its agent started"), route + ": " + notes);
            assertFalse(notes.getFirst().contains("needs JDK 25") || notes.getFirst().contains("standard error"), route + ": " + notes);
        }
        Path older = AttachIT.olderJdk();
        assertNotNull(older, "no JDK 11..24 under /usr/lib/jvm: scripts/test installs openjdk-17-jdk-headless");
        Tool.Result r = Tool.run(Tool.jar("run", "--jvm", "env", "--no-live", "--report", "none", "--",
                older.resolve("bin/java").toString(), "-version"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("jthreadtrace: note: JVM ") && l.contains("reported no Java threads: it is JDK ")
                && l.contains("(the agent needs JDK 25 or newer)")), r.err());
    }

    /**
     * A program that is no JVM but is called {@code java} (a C program in a {@code bin/}) ran as it
     * does untraced, on either route, with no note calling it a JVM: a JVM is told by a fact, its
     * program needing libjli.so as every JDK launcher does, not by its name.
     */
    @Test
    void aProgramCalledJavaThatIsNoJvmIsNotCalledOne(@TempDir Path tmp) throws Exception {
        Path fake = Files.copy(Path.of("/bin/echo"), Files.createDirectories(tmp.resolve("jdk/bin")).resolve("java"));
        List<String> command = List.of(fake.toString(), "-cp", "x", "Main");
        Tool.Result untraced = Tool.run(command);
        assertEquals("-cp x Main\n", untraced.out());
        for (String route : List.of("on", "env")) {
            List<String> cmd = new ArrayList<>(Tool.jar("run", "--jvm", route, "--no-live", "--report", "none", "--"));
            cmd.addAll(command);
            Tool.Result r = Tool.run(cmd);
            assertEquals(0, r.code(), route + ": " + r.err());
            assertEquals(untraced.out(), r.out(), route + ": its argv untouched");
            assertFalse(r.err().contains("JVM") || r.err().contains("note:"), route + ": " + r.err());
        }
    }

    @Test
    void aKernelThreadIsSaidToBeOne() {
        Tool.Result r = Tool.run(Tool.jar("attach", "2"));
        assertEquals(125, r.code(), r.err());
        assertEquals("jthreadtrace: pid 2 (kthreadd) is a kernel thread: it runs no program of its own, and the kernel lets no"
                + " one trace it\n", r.err());
    }
}
