package dev.jthreadtrace.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compiles a C program with the machine's gcc and headers and returns what it prints: how tests
 * check our tables and struct layouts against the kernel's uapi headers (as strace's
 * {@code xlat/gen.sh} does with {@code static_assert}), instead of against our own literals.
 */
public final class CProgram {
    private CProgram() {}

    public static List<String> output(Path workDir, String source) throws IOException, InterruptedException {
        Path c = workDir.resolve("facts.c"), exe = workDir.resolve("facts");
        Files.writeString(c, source);
        run(List.of("gcc", "-O0", "-w", "-o", exe.toString(), c.toString()), "gcc (installed with the C fixtures' build) compiles");
        return run(List.of(exe.toString()), "the compiled program runs").lines().toList();
    }

    private static String run(List<String> command, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), what + ": timed out");
        assertEquals(0, p.exitValue(), what + ":\n" + out);
        return out;
    }
}
