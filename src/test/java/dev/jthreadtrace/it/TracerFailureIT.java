package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bug in the ptrace thread, injected (-Djthreadtrace.fault.loop-after-stops=N) into a real trace:
 * the trace ends with one line on stderr and exit 125, no Java stack trace, and the traced command
 * is not left behind.
 */
@Timeout(120)
class TracerFailureIT {
    @Test
    void aFailureOfTheLoopThreadIsOneLineAnd125AndKillsTheCommand() throws IOException {
        String marker = "29"; // sleeper's argument: how we find it afterwards, if it were left running
        List<String> cmd = new ArrayList<>(Tool.jar("run", "--no-live", "--report", "tree", "--",
                Traced.fixture("sleeper").toString(), marker));
        // Stop 2 comes before the sleep (the loader's first mmap); the stops after it depend on which exits are
        // waited for (--no-live waits for fewer): a later one may be the sleeper's exit.
        cmd.add(1, "-Djthreadtrace.fault.loop-after-stops=2");
        long started = System.nanoTime();
        Tool.Result r = Tool.run(cmd);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        assertEquals(125, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().startsWith("jthreadtrace: the tracer failed (IllegalStateException: fault injected at stop 2"),
                r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in thread"), "no stack trace: " + r.err());
        assertTrue(seconds < 25, "the command was killed, not waited for (sleeper sleeps 29 s): took " + seconds + " s");
        assertFalse(sleeperStillRunning(marker), "no traced process is left behind");
    }

    private static boolean sleeperStillRunning(String marker) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).anyMatch(p -> {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")));
                    return cmdline.contains("sleeper\0" + marker);
                } catch (IOException e) {
                    return false; // gone while we looked
                }
            });
        }
    }
}
