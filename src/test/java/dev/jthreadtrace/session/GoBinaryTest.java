package dev.jthreadtrace.session;

import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /**
     * A process gone by the time its exec is looked at (no task has pid 2^31-1), exec'd by a relative path:
     * the file the kernel named at the exec stop says what it ran; without it, nothing is guessed.
     */
    @Test
    void aProgramGoneSinceItsExecIsReadThroughTheFileNamedAtTheExecStop() {
        int gone = Integer.MAX_VALUE;
        String go = fixture("go_threads").toAbsolutePath().toString(), c = fixture("threads").toAbsolutePath().toString();
        assertEquals(TraceEvent.Exec.GO, EventConsumer.withRuntime(new TraceEvent.Exec(0, gone, gone, "./go_threads", null, go, null)).runtime());
        assertNull(EventConsumer.withRuntime(new TraceEvent.Exec(0, gone, gone, "./threads", null, c, null)).runtime());
        assertNull(EventConsumer.withRuntime(new TraceEvent.Exec(0, gone, gone, "./go_threads", null, null, null)).runtime());
        assertEquals(TraceEvent.Exec.GO, EventConsumer.withRuntime(new TraceEvent.Exec(0, gone, gone, go, null, null, null)).runtime());
    }
}
