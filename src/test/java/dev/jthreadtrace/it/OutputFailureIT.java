package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An output that fails must not cost the command its run: with -o /dev/full (a full disk) the
 * command runs to its end with its own effects, the tool says once what was lost and exits 125. A
 * reader that goes away (| head) ends the run promptly, even while the command is quiet.
 */
@Timeout(120)
class OutputFailureIT {
    @Test
    void aFullDiskStopsTheOutputNotTheCommand(@TempDir Path tmp) throws Exception {
        Path marker = tmp.resolve("done");
        Tool.Result r = Tool.run(Tool.jar("run", "-o", "/dev/full", "--", "/bin/sh", "-c",
                "sleep 0.3; echo finished > " + marker + "; exit 3"));
        assertEquals(125, r.code(), "the data loss is reported: " + r.err());
        assertEquals("finished\n", Files.readString(marker), "the command ran to its end");
        assertEquals(List.of("jthreadtrace: cannot write /dev/full: No space left on device; the traced command ran on"
                + " to its end, the rest of the trace is lost"), r.err().lines().toList());
    }

    @Test
    void reportToAFullDiskIsOneLineAnd125() {
        Path trace = Path.of(System.getProperty("java.io.tmpdir"), "jtt-full-" + ProcessHandle.current().pid() + ".jsonl");
        try {
            Tool.Result saved = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/true"));
            assertEquals(0, saved.code(), saved.err());
            Tool.Result r = Tool.run(Tool.jar("report", "-o", "/dev/full", trace.toString()));
            assertEquals(125, r.code());
            assertEquals(List.of("jthreadtrace: cannot write /dev/full: No space left on device"), r.err().lines().toList());
        } finally {
            trace.toFile().delete();
        }
    }

    /**
     * A command that makes its standard output non-blocking (Node.js does, for a pipe) makes the
     * tool's too: they share the open file description. The pipe's reader here starts reading only
     * after the command has filled it, and still gets every line, the report, and the command's 0.
     */
    @Test
    void aCommandThatMakesTheSharedPipeNonBlockingLosesNoLine(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        String tool = String.join(" ", Tool.jar("run", "-e", "getppid", "--", Traced.fixture("nonblock_stdout").toString(), "20000"));
        Tool.Result r = Tool.run(List.of("bash", "-c", tool + " | (sleep 2; cat > " + out + "); echo \"status=${PIPESTATUS[0]}\""));
        assertTrue(r.out().contains("status=0"), r.out() + r.err());
        assertEquals("", r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(20000, lines.stream().filter(l -> l.contains("getppid()")).count());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SUMMARY")), "the report is there too");
    }

    @Test
    void aClosedPipeEndsAQuietRunPromptly() {
        long started = System.nanoTime();
        Tool.Result r = Tool.run(List.of("bash", "-c", String.join(" ", Tool.jar("run", "-e", "prctl", "--",
                Traced.fixture("sleeper").toString(), "60")) + " | head -1 >/dev/null; echo \"status=${PIPESTATUS[0]}\""));
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertTrue(r.out().contains("status=141"), r.out() + r.err());
        assertEquals("", r.err());
        assertTrue(seconds < 20, "ended when head went away, not when sleeper ended 60 s later: " + seconds + " s");
    }

    /**
     * When the output's reader goes away the tool ends the trace, and no traced code runs after
     * that: the tree was killed one process after another, and a shell whose {@code sleep} was
     * killed first saw it die of SIGKILL and ran on before its own SIGKILL came: dash printed
     * "Killed" (3 of 30 runs of this script before the fix; the script's marker is for a shell
     * that would run further still). And a program killed at its exec is no JVM: no "no Java view
     * of JVM" note for it. Many runs: the moment the pipe closes falls anywhere in the loop.
     */
    @Test
    @Timeout(300)
    void aClosedPipeKillsTheTreeSoNoneOfItRunsOn(@TempDir Path tmp) throws Exception {
        Path marker = tmp.resolve("ran-on"), script = tmp.resolve("loop.sh");
        Files.writeString(script, "#!/bin/sh\n"
                + "for i in 1 2 3 4 5 6 7 8; do\n"
                + "  sleep 0.3; rc=$?\n"
                + "  [ $rc -ne 0 ] && echo \"ran on after its child was killed: $rc\" >> " + marker + "\n"
                + "done\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        for (int run = 0; run < 20; run++) {
            Tool.Result r = Tool.run(List.of("bash", "-c", String.join(" ", Tool.jar("run", "-e", "%memory", "--", script.toString()))
                    + " | head -50 >/dev/null; echo \"status=${PIPESTATUS[0]}\""));
            assertTrue(r.out().contains("status=141"), "run " + run + ": " + r.out() + r.err());
            assertEquals("", r.err(), "run " + run + ": nothing of the command's nor a JVM note");
            assertFalse(Files.exists(marker), "run " + run + ": " + (Files.exists(marker) ? Files.readString(marker) : ""));
        }
    }
}
