package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.ShowJavaState;
import dev.jthreadtrace.sys.ProcStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The traced command runs as it runs untraced: each fixture runs under bash as a user would start
 * it, once alone and once under {@code scripts/jthreadtrace run} (the agent on, as by default;
 * PackageIT does the same with the installed launcher of the release), and
 * its exit status, its output and what it reports of itself (native/show_state.c: argv, the
 * environment, every descriptor, SigIgn, SigBlk, resource limits, umask, directory; a JVM's view
 * from fixtures/ShowJavaState) must be the same. The documented differences are left out of the
 * comparison, and only those: {@code _} (the shell sets it to the program it starts: the tool), a
 * JVM's input arguments (the one {@code -javaagent} option) and, while its agent writes, the
 * descriptor of its record file, and NoNewPrivs when the seccomp filter needs it (not as root).
 */
@Timeout(600)
class TargetUntouchedIT {
    private static final String SHOW = Traced.fixture("show_state").toString();

    record Run(int code, String out, String err) {}

    private static Path launcher() {
        return Tool.basedir().resolve("scripts/jthreadtrace").toAbsolutePath();
    }

    /** {@code bash -c "PREFIX [LAUNCHER run --no-live --report none --] COMMAND SUFFIX"}, stdin from /dev/null. */
    static Run run(Path launcher, Path dir, String prefix, String command, String suffix, boolean traced)
            throws IOException, InterruptedException {
        String tool = traced ? launcher + " run --no-live --report none -- " : "";
        Path out = dir.resolve(traced ? "traced.out" : "untraced.out"), err = dir.resolve(traced ? "traced.err" : "untraced.err");
        Process p = new ProcessBuilder("bash", "-c", prefix + tool + command + " " + suffix)
                .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Run(p.exitValue(), normalized(Files.readString(out, StandardCharsets.ISO_8859_1), out, err),
                normalized(Files.readString(err, StandardCharsets.ISO_8859_1), out, err));
    }

    /** The run's own file names (each run writes its own) and the documented differences left out. */
    private static String normalized(String text, Path out, Path err) {
        boolean root = "0".equals(ProcStatus.self().text("Uid").split("\\s+")[0]);
        return text.lines()
                .map(l -> l.replace(out.toString(), "OUT").replace(err.toString(), "ERR"))
                .filter(l -> !l.startsWith("env _="))
                .filter(l -> !l.startsWith("vm-arg -javaagent:"))
                .filter(l -> !l.matches("fd \\d+ .*/jthreadtrace-[^/]*/jvm-\\d+\\.tsv"))
                .filter(l -> root || !l.startsWith("NoNewPrivs:"))
                .collect(Collectors.joining("\n"));
    }

    /** Runs both ways (traced by the checkout's launcher) and compares; returns the untraced run for more checks. */
    static Run assertUntouched(Path dir, String prefix, String command, String suffix) throws Exception {
        return assertUntouched(launcher(), dir, prefix, command, suffix);
    }

    /** Runs both ways, traced by {@code launcher}, and compares; returns the untraced run. */
    static Run assertUntouched(Path launcher, Path dir, String prefix, String command, String suffix) throws Exception {
        Run untraced = run(launcher, dir, prefix, command, suffix, false);
        Run traced = run(launcher, dir, prefix, command, suffix, true);
        String what = prefix + command + " " + suffix;
        assertEquals(untraced.out(), traced.out(), "standard output of: " + what);
        assertEquals(untraced.err(), traced.err(), "standard error of: " + what);
        assertEquals(untraced.code(), traced.code(), "exit status of: " + what);
        return untraced;
    }

    static long mask(Run r, String key) {
        return r.out().lines().filter(l -> l.startsWith(key + ":")).map(l -> Long.parseUnsignedLong(l.substring(key.length() + 1).strip(), 16))
                .findFirst().orElseThrow();
    }

    @Test
    void argumentsExactlyAsGivenBytesAndAtFilesIncluded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("at.txt"), "if this is printed, @at.txt was expanded\n");
        Run r = assertUntouched(dir, "", SHOW + " plain 'two words' '' $'\\xff\\xfe bytes' @at.txt -J-javaagent:x --", "");
        assertTrue(r.out().contains("argv[5] @at.txt\n") && r.out().contains("argv[4] \\xff\\xfe bytes\n"), r.out());
    }

    @Test
    void theEnvironmentByteForByteInItsOrder(@TempDir Path dir) throws Exception {
        Run r = assertUntouched(dir, "env -i 'a.b=unusual name' PATH=/usr/bin:/bin X=$'\\xff' OLDPWD=/nowhere SHLVL=9 PWD=/wrong"
                + " JAVA_TOOL_OPTIONS=-Dfor.the.users.jvms=1 JDK_JAVA_OPTIONS= JTHREADTRACE_USER_X=kept JAVA_HOME=/theirs ", SHOW, "");
        for (String kept : List.of("env a.b=unusual name", "env X=\\xff", "env OLDPWD=/nowhere", "env SHLVL=9", "env PWD=/wrong",
                "env JAVA_TOOL_OPTIONS=-Dfor.the.users.jvms=1", "env JDK_JAVA_OPTIONS=", "env JTHREADTRACE_USER_X=kept",
                "env JAVA_HOME=/theirs")) {
            assertTrue(r.out().contains(kept + "\n"), kept + " in " + r.out());
        }
    }

    @Test
    void descriptorsAboveTwoPipesOfProcessSubstitutionAndFilesOpenedByTheShell(@TempDir Path dir) throws Exception {
        Run r = assertUntouched(dir, "", SHOW, "5>five.txt 7<five.txt 9<>rw.txt 12</dev/null");
        assertTrue(r.out().contains("fd 5 " + dir.resolve("five.txt")) && r.out().contains("fd 12 /dev/null"), r.out());
        assertUntouched(dir, "", "cat <(echo from a process substitution)", "");
        assertUntouched(dir, "", "sh -c 'echo through fd 5 >&5; cat five.txt'", "5>five.txt");
    }

    @Test
    void closedStandardDescriptorsStayClosed(@TempDir Path dir) throws Exception {
        Run r = assertUntouched(dir, "", SHOW, "<&-");
        assertTrue(!r.out().contains("fd 0 "), r.out());
        assertUntouched(dir, "", "sh -c 'echo out; echo to a closed stdout gives EBADF >&2; exit 0'", ">&-");
        assertUntouched(dir, "", "sh -c 'read x; echo read: $?'", "<&-");
    }

    @Test
    void ignoredSignalsAndTheBlockedMaskAsInherited(@TempDir Path dir) throws Exception {
        Run r = assertUntouched(dir, "trap '' HUP INT QUIT PIPE TERM; ", SHOW, "");
        assertEquals(0x5007, mask(r, "SigIgn") & 0x5007, r.out());
        Run blocked = assertUntouched(dir, Traced.fixture("with_signals") + " 10,34 12,15,40 ", SHOW, "");
        assertEquals(0x8000004800L, mask(blocked, "SigBlk"), blocked.out());
        assertEquals(0x200000200L, mask(blocked, "SigIgn") & 0x200000200L, blocked.out());
        // nohup's command survives its own SIGHUP, traced as untraced.
        Run nohup = assertUntouched(dir, "nohup ", "sh -c 'kill -HUP $$; echo survived'", "");
        assertTrue(nohup.out().contains("survived"), nohup.out());
        assertUntouched(dir, "trap '' INT; ", "sh -c 'kill -INT $$; echo still here'", "");
    }

    @Test
    void limitsUmaskAndDirectory(@TempDir Path dir) throws Exception {
        Run r = assertUntouched(dir, "ulimit -n 512; ulimit -c 0; umask 027; cd /; ", SHOW, "");
        assertTrue(r.out().contains("rlimit 7 512 ") && r.out().contains("umask 027") && r.out().contains("cwd /\n"), r.out());
    }

    @Test
    void exitStatusOutputAndSignals(@TempDir Path dir) throws Exception {
        assertUntouched(dir, "", "sh -c 'echo out; echo err >&2; exit 7'", "");
        assertEquals(143, assertUntouched(dir, "", "sh -c 'kill -TERM $$'", "").code());
    }

    @Test
    void aJvmSeesItsOwnEnvironmentCommandLineAndDescriptors(@TempDir Path dir) throws Exception {
        String java = String.join(" ", JvmIT.java(ShowJavaState.class.getName(), "first", "'second arg'"));
        Run r = assertUntouched(dir, "JAVA_TOOL_OPTIONS= ", java, "5>five.txt");
        assertTrue(r.out().contains("arg second arg") && r.out().contains("fd 5 "), r.out());
    }
}
