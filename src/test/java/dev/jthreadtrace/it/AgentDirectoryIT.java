package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The traced program can write the agent's directory: a FIFO, a link to /dev/zero, a 1 GiB file
 * without newlines, a bad name and a subdirectory there (native/agent_dir_attack.c) must not hang,
 * crash or exhaust the tool. The report comes, one note names what was ignored, the directory goes.
 */
@Timeout(120)
class AgentDirectoryIT {
    @Test
    void whatTheTargetLeavesInTheAgentsDirectoryCannotHangOrCrashTheTool() {
        long started = System.nanoTime();
        Tool.Result r = Tool.run(Tool.jar("run", "-e", "mkdir", "--report", "tree", "--", Traced.fixture("agent_dir_attack").toString()));
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(seconds < 60, "no hang: " + seconds + " s");
        assertTrue(r.out().contains("THREADS BY CREATOR") && r.out().contains("agent_dir_attac"), "the report came: " + r.out());
        List<String> notes = r.err().lines().filter(l -> l.startsWith("jthreadtrace: note: ignored")).toList();
        assertEquals(1, notes.size(), r.err());
        for (String name : List.of("jvm-1.tsv", "jvm-2.tsv", "jvm-3.tsv", "jvm-abc.tsv", "sub")) {
            assertTrue(notes.getFirst().contains(name), notes.getFirst());
        }
        assertFalse(r.err().contains("internal error"), r.err());
        String dir = r.out().lines().filter(l -> l.contains("jthreadtrace-")).findFirst().orElse("");
        Path agentDir = Path.of(dir.substring(dir.indexOf("/tmp/")).replaceAll("[\",)].*", ""));
        assertFalse(Files.exists(agentDir), "the agent's directory was removed: " + agentDir);
    }

    /**
     * Well-formed records by the hundred megabytes (4 files of 64 MiB, threads that never existed)
     * are read up to the tool's bound, in a heap of 512 MiB where reading them all ran it out of
     * memory: the report comes, and one note says how much was left unread.
     */
    @Test
    void aFloodOfWellFormedRecordsIsReadUpToABoundAndSaidSo() {
        List<String> cmd = new ArrayList<>(Tool.jar("run", "-e", "mkdir", "--report", "tree", "--",
                Traced.fixture("agent_dir_attack").toString(), "flood", "4", "64"));
        cmd.add(1, "-Xmx512m");
        Tool.Result r = Tool.run(cmd);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("THREADS BY CREATOR"), "the report came: " + r.out());
        List<String> notes = r.err().lines().filter(l -> l.contains("left unread")).toList();
        assertEquals(1, notes.size(), r.err());
        assertTrue(notes.getFirst().contains("64 MiB"), notes.getFirst());
        assertFalse(r.err().contains("out of memory") || r.err().contains("internal error"), r.err());
    }
}
