package dev.jthreadtrace.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Go program is told by its ELF file: the Go fixture is one, a C program, a JDK launcher and junk are not. */
class GoBinaryTest {
    private static Path fixture(String name) {
        Path p = Path.of(System.getProperty("jthreadtrace.native", "target/native"), name);
        assertTrue(Files.isExecutable(p), name + " not built (the build's native/build; go_threads needs golang-go)");
        return p;
    }

    @Test
    void theGoFixturesAreGoAndAnythingElseIsNot(@TempDir Path tmp) throws Exception {
        assertTrue(GoBinary.is(fixture("go_threads")));
        assertTrue(GoBinary.is(fixture("go_exec")));
        assertFalse(GoBinary.is(fixture("threads")), "a C program");
        assertFalse(GoBinary.is(Path.of(System.getProperty("java.home"), "bin", "java")), "a JDK launcher");
        assertFalse(GoBinary.is(Files.writeString(tmp.resolve("script"), "#!/bin/sh\necho .go.buildinfo Go\n")));
        byte[] cut = Files.readAllBytes(fixture("go_threads"));
        assertFalse(GoBinary.is(Files.write(tmp.resolve("cut"), java.util.Arrays.copyOf(cut, 100))), "a cut ELF file is not read past its end");
        assertFalse(GoBinary.is(tmp.resolve("missing")));
    }
}
