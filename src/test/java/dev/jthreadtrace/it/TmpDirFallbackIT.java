package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher hands the environment on through a file it makes in $TMPDIR, else /tmp, else
 * /dev/shm: a $TMPDIR that is full, read-only or missing is passed over (a full one ended the
 * launcher with bash's "printf: write error" and 125), and the command still sees its own TMPDIR.
 * Each run that needs a full or read-only directory makes it in a mount namespace of its own
 * ({@code unshare -m}: nothing is left mounted), the untraced run the same way as the traced one.
 */
@Timeout(300)
class TmpDirFallbackIT {
    private static final String SHOW = Traced.fixture("show_state").toString();
    private static final Path LAUNCHER = Tool.basedir().resolve("scripts/jthreadtrace").toAbsolutePath();

    /**
     * {@code sh mounts.sh COMMAND...}: a 64 KiB tmpfs filled up on $TMPDIR, and with "all" a
     * read-only /tmp (itself, bound read-only: a checkout under /tmp stays visible) and a full tmpfs on
     * /dev/shm, then the command.
     */
    private static String mounts(Path dir, boolean all) throws Exception {
        Path script = dir.resolve("mounts.sh");
        Files.writeString(script, """
                full() { mount -t tmpfs -o size=64k none "$1" && { dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; true; }; }
                if [ "$ALL" = 1 ]; then mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp && full /dev/shm || exit 99; fi
                full "$TMPDIR" || exit 99
                exec "$@"
                """);
        return "ALL=" + (all ? 1 : 0) + " unshare -m sh " + script + " ";
    }

    @Test
    void aFullTmpdirIsPassedOverAndTheCommandKeepsItsTmpdir(@TempDir Path dir) throws Exception {
        Path full = Files.createDirectory(dir.resolve("full"));
        TargetUntouchedIT.Run r = TargetUntouchedIT.assertUntouched(LAUNCHER, dir, "TMPDIR=" + full + " " + mounts(dir, false), SHOW, "");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("env TMPDIR=" + full)), r.out());
    }

    @Test
    void aMissingOrReadOnlyTmpdirIsPassedOver(@TempDir Path dir) throws Exception {
        assertUntouched(dir, "TMPDIR=" + dir.resolve("missing") + " ");
        assertUntouched(dir, "TMPDIR=/proc/self ");
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path script = dir.resolve("ro.sh");
        Files.writeString(script, "mount -t tmpfs -o ro none \"$TMPDIR\" || exit 99\nexec \"$@\"\n");
        assertUntouched(dir, "TMPDIR=" + ro + " unshare -m sh " + script + " ");
    }

    private static void assertUntouched(Path dir, String prefix) throws Exception {
        TargetUntouchedIT.Run r = TargetUntouchedIT.assertUntouched(LAUNCHER, dir, prefix, SHOW, "");
        assertEquals(0, r.code(), prefix + r.err());
    }

    /** When no directory will do: 125 and one line naming each with the step that failed and the kernel's answer. */
    @Test
    void whenEveryDirectoryFailsOneLineSaysWhereAndWhy(@TempDir Path dir) throws Exception {
        // In the checkout: its own full tmpfs is mounted after /tmp is made read-only.
        Path full = Files.createTempDirectory(Tool.basedir().resolve("target").toAbsolutePath(), "full-tmpdir");
        full.toFile().deleteOnExit();
        TargetUntouchedIT.Run r = TargetUntouchedIT.run(LAUNCHER, dir, "TMPDIR=" + full + " " + mounts(dir, true), SHOW, "", true);
        assertEquals(125, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("jthreadtrace: cannot make the temporary file that hands the environment on to the command"), r.err());
        assertTrue(r.err().contains(full + ": cannot write a file there (No space left on device)"), r.err());
        assertTrue(r.err().contains("/tmp: cannot create a file there (Read-only file system)"), r.err());
        assertTrue(r.err().contains("/dev/shm: cannot write a file there (No space left on device)"), r.err());
    }
}
