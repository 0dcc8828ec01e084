package dev.jthreadtrace.ptrace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** execvp's search, as glibc does it (posix/execvpe.c). */
class ExecSearchTest {
    private static List<String> candidates(String name, String path) {
        return ExecSearch.candidates(name.getBytes(StandardCharsets.UTF_8), path == null ? null : path.getBytes(StandardCharsets.UTF_8))
                .stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aNameWithASlashIsUsedAsItIs() {
        assertEquals(List.of("./x"), candidates("./x", "/bin"));
        assertEquals(List.of("/usr/bin/env"), candidates("/usr/bin/env", null));
    }

    @Test
    void eachPathDirectoryInTurnAnEmptyOneMeaningTheCurrentDirectory() {
        assertEquals(List.of("/a/ls", "ls", "/b/ls", "ls"), candidates("ls", "/a::/b:"));
        assertEquals(List.of("/bin/ls", "/usr/bin/ls"), candidates("ls", null), "glibc's default when PATH is unset");
        assertEquals(List.of(), candidates("", "/bin"));
    }

    @Test
    void permissionDeniedAndNotFoundGoOnOtherErrorsStop() {
        assertTrue(ExecSearch.tryNext(ExecSearch.EACCES) && ExecSearch.tryNext(ExecSearch.ENOENT) && ExecSearch.tryNext(ExecSearch.ENOTDIR));
        assertFalse(ExecSearch.tryNext(7), "E2BIG ends the search");
        assertFalse(ExecSearch.tryNext(ExecSearch.ENOEXEC));
    }

    @Test
    void aFileWithoutMagicRunsUnderTheShell() {
        List<byte[]> argv = List.of("s".getBytes(), "a".getBytes());
        assertEquals(List.of("/bin/sh", "/tmp/s", "a"), ExecSearch.scriptArgv("/tmp/s".getBytes(), argv).stream().map(String::new).toList());
    }

    @Test
    void aBinaryIsToldAsBashTellsIt() {
        assertTrue(ExecSearch.looksBinary(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}), "an ELF header, of any machine");
        assertTrue(ExecSearch.looksBinary("x\0y\n".getBytes()), "a NUL in the first line");
        assertFalse(ExecSearch.looksBinary("echo hi\n\0".getBytes()), "a NUL after the first line: a script");
        assertFalse(ExecSearch.looksBinary("echo hi".getBytes()));
        assertFalse(ExecSearch.looksBinary(new byte[0]), "an empty file runs under the shell (and does nothing)");
    }
}
