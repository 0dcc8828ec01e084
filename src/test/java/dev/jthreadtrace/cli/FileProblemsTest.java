package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A file problem's reason is one escaped line: Java's message for most IOExceptions is the path
 * itself, and a path may hold ESC (a terminal's escape sequence) and a newline (a forged line).
 */
class FileProblemsTest {
    private static final String EVIL = "/tmp/evil\u001b]0;TITLE\u0007\n/x";
    private static final String ESCAPED = "/tmp/evil\\33]0;TITLE\\7\\n/x";

    @Test
    void javasMessageThatIsThePathIsEscaped() {
        assertEquals(ESCAPED, FileProblems.reason(new FileAlreadyExistsException(EVIL)));
        assertEquals(ESCAPED + " (Is a directory)", FileProblems.reason(new FileNotFoundException(EVIL + " (Is a directory)")));
        assertEquals("cannot write " + ESCAPED + ": " + ESCAPED, FileProblems.cannotWrite(Path.of(EVIL), new FileAlreadyExistsException(EVIL)));
    }

    @Test
    void aFileSystemExceptionsReasonIsEscapedToo() {
        assertEquals("Is a directory", FileProblems.reason(new FileSystemException(EVIL, null, "Is a directory")));
        assertEquals("bad\\n", FileProblems.reason(new FileSystemException(EVIL, null, "bad\n")));
    }

    /** An --assert-file that cannot be read (a directory) named with ESC and a newline: the message escapes the name. */
    @Test
    void anAssertFilesNameIsEscapedInItsMessage(@TempDir Path dir) throws Exception {
        Path evil = Files.createDirectory(dir.resolve("evil\u001b]0;TITLE\u0007\n"));
        CliTest.Result r = CliTest.run("check", "--assert-file", evil.toString(), dir.resolve("t.jsonl").toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        String first = r.err().lines().findFirst().orElseThrow();
        assertEquals("jthreadtrace: cannot read --assert-file " + dir + "/evil\\33]0;TITLE\\7\\n: Is a directory", first, r.err());
        assertFalse(r.err().contains("\u001b") || r.err().contains("\u0007"), r.err());
    }
}
