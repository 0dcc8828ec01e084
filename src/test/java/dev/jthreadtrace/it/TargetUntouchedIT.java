package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.ShowJavaState;
import dev.jthreadtrace.sys.ProcStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
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
 * environment, every descriptor, SigIgn, SigBlk, resource limits, umask, directory,
 * coredump_filter; a JVM's view
 * from fixtures/ShowJavaState) must be the same. The documented differences are left out of the
 * comparison, and only those: {@code _} (the shell sets it to the program it starts: the tool), a
 * JVM's input arguments (the one {@code -javaagent} option) and, while its agent writes, the
 * descriptor of its record file, and NoNewPrivs when the seccomp filter needs it (not as root);
 * a blocked SIGCHLD, which bash unblocks at its start, is checked on its own.
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
                + " JAVA_TOOL_OPTIONS=-Dfor.the.users.jvms=1 JDK_JAVA_OPTIONS= JTHREADTRACE_USER_X=kept JAVA_HOME=/theirs _JAVA_OPTIONS=-Dalso.theirs=1 ", SHOW, "");
        for (String kept : List.of("env a.b=unusual name", "env X=\\xff", "env OLDPWD=/nowhere", "env SHLVL=9", "env PWD=/wrong",
                "env JAVA_TOOL_OPTIONS=-Dfor.the.users.jvms=1", "env JDK_JAVA_OPTIONS=", "env JTHREADTRACE_USER_X=kept",
                "env JAVA_HOME=/theirs", "env _JAVA_OPTIONS=-Dalso.theirs=1")) {
            assertTrue(r.out().contains(kept + "\n"), kept + " in " + r.out());
        }
    }

    /**
     * An environment only execve can make (native/exec_env): repeated names (getenv takes the
     * first, bash the last, of PATH too), an entry without '=', an empty entry, bytes that are not
     * UTF-8, and 1.5 MB of it (the launcher once passed it as arguments, twice: "Argument list too
     * long" from 1.1 MB). The command gets the block as the launcher got it.
     */
    @Test
    void anEnvironmentNoShellCanMakeRepeatedNamesNoEqualsAndMegabytes(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (String entry : List.of("PATH=/usr/bin:/bin", "A=first", "NO_EQUALS_SIGN", "A=second", "", "=empty name",
                "PATH=/nowhere", "SHLVL=7")) {
            block.writeBytes(entry.getBytes(StandardCharsets.UTF_8));
            block.write(0);
        }
        block.writeBytes(new byte[] {'X', '=', (byte) 0xff, (byte) 0xfe, 0});
        Path small = Files.write(dir.resolve("small.env"), block.toByteArray());
        Run r = assertUntouched(dir, Traced.fixture("exec_env") + " " + small + " ", SHOW, "");
        for (String kept : List.of("env A=first\nenv NO_EQUALS_SIGN\nenv A=second\nenv \nenv =empty name\nenv PATH=/nowhere\n",
                "env X=\\xff\\xfe\n")) {
            assertTrue(r.out().contains(kept), kept + " in " + r.out());
        }
        String filler = "x".repeat(1000);
        for (int i = 0; i < 1500; i++) {
            block.writeBytes(("BIG" + i + "=" + filler).getBytes(StandardCharsets.US_ASCII));
            block.write(0);
        }
        Path big = Files.write(dir.resolve("big.env"), block.toByteArray());
        assertTrue(Files.size(big) > 1_500_000, "1.5 MB of environment");
        Run large = assertUntouched(dir, Traced.fixture("exec_env") + " " + big + " ", SHOW, "");
        assertTrue(large.out().contains("env BIG1499=" + filler + "\n"), "the last of 1500 variables");
    }

    /**
     * A directory with a libjvm.so in LD_LIBRARY_PATH makes the JDK's java launcher (the tool's)
     * re-execute itself with its own library directories in front; the command gets the
     * LD_LIBRARY_PATH it would get untraced, so its dlopen("libjvm.so") finds the same library.
     */
    @Test
    void theLdLibraryPathAsGivenNotAsTheToolsJavaLauncherRewroteIt(@TempDir Path dir) throws Exception {
        Path jvmDir = Files.createDirectories(dir.resolve("some-jdk/lib/server"));
        Files.writeString(jvmDir.resolve("libjvm.so"), "");
        Run r = assertUntouched(dir, "LD_LIBRARY_PATH=" + jvmDir + " ", SHOW, "");
        assertTrue(r.out().contains("env LD_LIBRARY_PATH=" + jvmDir + "\n"), r.out());
        // Empty stays empty, unset stays unset: of these, and of JAVA_HOME, which the launcher sets for the tool.
        Run empty = assertUntouched(dir, "LD_LIBRARY_PATH= JAVA_HOME= ", SHOW, "");
        assertTrue(empty.out().contains("env LD_LIBRARY_PATH=\n") && empty.out().contains("env JAVA_HOME=\n"), empty.out());
        Run unset = assertUntouched(dir, "env -u LD_LIBRARY_PATH -u JAVA_HOME -u LD_PRELOAD ", SHOW, "");
        assertTrue(!unset.out().contains("env LD_LIBRARY_PATH") && !unset.out().contains("env JAVA_HOME"), unset.out());
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
        // A closed stderr: bash opens the launcher script on the lowest free descriptor and keeps 2.
        for (String closed : List.of("2>&-", "<&- 2>&-")) {
            Run noStderr = assertUntouched(dir, "", SHOW, closed);
            assertTrue(!noStderr.out().contains("fd 2 "), closed + ": " + noStderr.out());
        }
        // stdout closed too: show_state writes to a file it opens after listing its descriptors.
        for (String closed : List.of(">&- 2>&-", "<&- >&- 2>&-", "<&- >&-")) {
            Path untraced = dir.resolve("untraced.state"), traced = dir.resolve("traced.state");
            Run u = run(launcher(), dir, "", SHOW + " --to " + untraced, closed, false);
            Run t = run(launcher(), dir, "", SHOW + " --to " + traced, closed, true);
            assertEquals(u, t, closed);
            assertEquals(state(dir, untraced, false), state(dir, traced, true), closed);
            String seen = state(dir, traced, true);
            assertTrue(!seen.contains("fd 1 ") && seen.contains("fd 2 ") != closed.contains("2>&-"), closed + ": " + seen);
        }
        // And the tool still traces, its live lines and its report going to a file, with all three closed.
        Path trace = dir.resolve("trace.txt");
        Process p = new ProcessBuilder("bash", "-c", launcher() + " run -o " + trace + " -- " + SHOW + " --to "
                + dir.resolve("t.state") + " <&- >&- 2>&-").directory(dir.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue());
        assertTrue(Files.readString(trace).contains("execve(\"" + SHOW + "\""), Files.readString(trace));
    }

    /** What show_state --to FILE wrote, with FILE's and the run's own file names and the documented differences left out. */
    private static String state(Path dir, Path file, boolean traced) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1).replace(file.toString(), "STATE");
        return normalized(text, dir.resolve(traced ? "traced.out" : "untraced.out"), dir.resolve(traced ? "traced.err" : "untraced.err"));
    }

    @Test
    void ignoredSignalsAndTheBlockedMaskAsInherited(@TempDir Path dir) throws Exception {
        Run r = assertUntouched(dir, "trap '' HUP INT QUIT PIPE TERM; ", SHOW, "");
        assertEquals(0x5007, mask(r, "SigIgn") & 0x5007, r.out());
        Run blocked = assertUntouched(dir, Traced.fixture("with_signals") + " 10,34 12,15,40 ", SHOW, "");
        assertEquals(0x8000004800L, mask(blocked, "SigBlk"), blocked.out());
        assertEquals(0x200000200L, mask(blocked, "SigIgn") & 0x200000200L, blocked.out());
        // SIGCHLD ignored (bash, which runs the launcher, catches it itself): children are reaped by the kernel.
        Run chld = assertUntouched(dir, Traced.fixture("with_signals") + " 17,3 - ", SHOW, "");
        assertEquals(0x10004L, mask(chld, "SigIgn") & 0x10004L, chld.out());
        // The one documented difference: a blocked SIGCHLD, which bash unblocks at its start without
        // a trace of it (README, Safety). Everything else, the rest of the mask included, is the same.
        String blockedChld = Traced.fixture("with_signals") + " - 10,17 ";
        Run u = run(launcher(), dir, blockedChld, SHOW, "", false), t = run(launcher(), dir, blockedChld, SHOW, "", true);
        assertEquals(0x10200L, mask(u, "SigBlk"), u.out());
        assertEquals(0x200L, mask(t, "SigBlk"), t.out());
        assertEquals(u.out().replaceAll("SigBlk:.*", ""), t.out().replaceAll("SigBlk:.*", ""));
        assertEquals(u.code(), t.code());
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

    /**
     * A descriptor above the command's own soft limit, and a small limit: the start gate once kept
     * stdin above the highest inherited descriptor (dup2: EBADF, exit 125). An address-space limit
     * the tool's JVM did not start under (it reserved 1 GiB of class space).
     */
    @Test
    void aDescriptorAboveTheSoftLimitASmallLimitAndAnAddressSpaceLimit(@TempDir Path dir) throws Exception {
        Run above = assertUntouched(dir, "exec 100</dev/null; ulimit -Sn 64; ", SHOW, "");
        assertTrue(above.out().contains("fd 100 /dev/null") && above.out().contains("rlimit 7 64 "), above.out());
        Run small = assertUntouched(dir, "ulimit -n 20; ", SHOW, "");
        assertTrue(small.out().contains("rlimit 7 20 20\n"), small.out());
        Run as = assertUntouched(dir, "ulimit -v 2000000; ", SHOW, "");
        assertTrue(as.out().contains("rlimit 9 2048000000 "), as.out());
        // A data limit C programs live with: the tool's JVM, with its default heap, failed with exit 1 and an hs_err file.
        Run data = assertUntouched(dir, "ulimit -d 400000; ", SHOW, "");
        assertTrue(data.out().contains("rlimit 2 409600000 "), data.out());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "no JVM crash log in the user's directory");
        }
    }

    /** The JVM's own files in the user's directory are not the tool's: no warning about them, none read. */
    @Test
    void theJvmFilesOfTheCurrentDirectoryAreNotTheTools(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".hotspotrc"), "+PrintVMOptions\n");
        Files.writeString(dir.resolve(".hotspot_compiler"), "exclude java/lang/String length\n");
        assertUntouched(dir, "", SHOW, "");
    }

    /**
     * What an exec keeps and a fork drops: the interval timers and the pending signals of whoever
     * exec'd the tool are the command's. {@code alarm 5; exec jthreadtrace run ...} (a harness's
     * watchdog) killed the tool's own JVM with SIGALRM, its report lost, and the command never got
     * the signal its handler waited for; timers set with setitimer (a real one, a periodic CPU-time
     * one) and blocked signals pending for the process and for its thread were gone in the command.
     */
    @Test
    void intervalTimersAndPendingSignalsAsAnExecKeepsThem(@TempDir Path dir) throws Exception {
        Run alarm = assertUntouched(dir, "perl -e 'alarm 5; exec @ARGV' ",
                "sh -c 'trap \"kill \\$!; echo got SIGALRM; exit 3\" ALRM; sleep 30 & wait'", "");
        assertEquals("got SIGALRM", alarm.out());
        assertEquals(3, alarm.code());
        // SIGWINCH pending for the process (kill), SIGUSR1 for the thread (tgkill), both blocked.
        Run kept = assertUntouched(dir, "perl -MPOSIX -MTime::HiRes=setitimer -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(28, 10));"
                        + " kill 28, $$; syscall(234, $$, $$, 10); setitimer(0, 100, 0); setitimer(2, 50, 5); exec @ARGV' ",
                "perl -MTime::HiRes=getitimer -e 'my @r = getitimer(0); my @p = getitimer(2);"
                        + " printf \"real %d every %g, prof %d every %g\\n\", $r[0] > 50, $r[1], $p[0] > 40, $p[1];"
                        + " open S, \"/proc/self/status\"; print grep /^(SigPnd|ShdPnd|SigBlk)/, <S>'", "");
        assertTrue(kept.out().contains("real 1 every 0, prof 1 every 5\n"), kept.out());
        assertEquals(0x200L, mask(kept, "SigPnd"), kept.out());
        assertEquals(0x8000000L, mask(kept, "ShdPnd"), kept.out());
    }

    /** The coredump_filter the command inherits, not the one HotSpot set in the tool's JVM. */
    @Test
    void theCoredumpFilterAsInherited(@TempDir Path dir) throws Exception {
        Run r = assertUntouched(dir, "echo 0x23 > /proc/self/coredump_filter; ", SHOW, "");
        assertTrue(r.out().lines().toList().contains("coredump_filter 00000023"), r.out());
        assertUntouched(dir, "", "cat /proc/self/coredump_filter", "");
    }

    /**
     * What the user's environment says to bash is for the command, never for the launcher's own
     * shell: no xtrace of it, no BASH_ENV sourced, no import errors of broken functions, no limits
     * on its functions or its command search.
     */
    @Test
    void theLaunchersShellTakesNothingFromTheUsersEnvironment(@TempDir Path dir) throws Exception {
        Path bashEnv = Files.writeString(dir.resolve("bash_env"), "echo BASH_ENV was sourced >&2\n");
        String hostile = "env SHELLOPTS=xtrace:errtrace PS4='+ traced: ' BASH_ENV=" + bashEnv + " 'BASH_FUNC_echo%%=() { broken'"
                + " 'BASH_FUNC_readlink%%=() { echo hijacked; }' FUNCNEST=1 EXECIGNORE='*' CDPATH=/ TMOUT=1 BASH_COMPAT=3.1"
                + " GLOBIGNORE='*' BASHOPTS=failglob:nullglob POSIXLY_CORRECT=1 IFS=/ ";
        Run r = assertUntouched(dir, hostile, SHOW, "");
        assertTrue(r.out().contains("env SHELLOPTS=xtrace:errtrace\n") && r.out().contains("env BASH_ENV=" + bashEnv + "\n")
                && r.err().isEmpty(), r.out() + r.err());
        assertUntouched(dir, hostile, "bash -c 'echo the command has them'", "");
    }

    /**
     * When the tool's JVM cannot start, the exit status is the tool's (125) with one line, never
     * the JVM's 1 (or a stack trace), which would look like the command's.
     */
    @Test
    void whenTheToolCannotStartItSaysSoWith125(@TempDir Path dir) throws Exception {
        Run gone = run(launcher(), dir, "mkdir gone && cd gone && rmdir ../gone && ", SHOW, "", true);
        assertEquals(125, gone.code(), gone.err());
        assertTrue(gone.err().endsWith("jthreadtrace: the current directory no longer exists; cd to one that does"), gone.err());
        Run tiny = run(launcher(), dir, "ulimit -v 300000; ", SHOW, "", true);
        assertEquals(125, tiny.code(), tiny.err());
        assertTrue(tiny.err().startsWith("jthreadtrace: the tool's JVM needs at least") && tiny.err().lines().count() == 1, tiny.err());
        Run noData = run(launcher(), dir, "ulimit -d 100000; ", SHOW, "", true);
        assertEquals(125, noData.code(), noData.err());
        assertEquals("jthreadtrace: the tool's JVM needs at least 128 MiB of data segment; ulimit -d allows 97 MiB", noData.err().strip());
        // Too few descriptors for the JVM (it crashed with a stack trace, "libc has no symbol syscall").
        Run few = run(launcher(), dir, "ulimit -n 12; ", SHOW, "", true);
        assertEquals(125, few.code(), few.err());
        assertTrue(few.err().startsWith("jthreadtrace: the tool's JVM needs 12 free descriptors; ulimit -n 12 leaves")
                && few.err().lines().count() == 1, few.err());
    }

    /**
     * A command that cannot start: the exit status a shell (and env) gives, 127 for one not found,
     * 126 for one that is not executable, and one line on stderr that names it, as the shell's does.
     */
    @Test
    void aCommandThatCannotStartExitsAsUntracedWithOneLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("not-executable"), "echo hi\n");
        Files.createDirectory(dir.resolve("a-directory"));
        Files.writeString(dir.resolve("bad-interpreter"), "#!/nonexistent/interpreter\necho hi\n");
        assertTrue(dir.resolve("bad-interpreter").toFile().setExecutable(true));
        for (String command : List.of("no-such-command-xyz", "/nonexistent/command", "./not-executable", "./a-directory",
                "./bad-interpreter")) {
            Run untraced = run(launcher(), dir, "", command, "", false);
            Run traced = run(launcher(), dir, "", command, "", true);
            assertEquals(untraced.code(), traced.code(), command + ": " + traced.err());
            assertTrue(untraced.code() == 126 || untraced.code() == 127, command + ": " + untraced);
            assertEquals("", traced.out(), command);
            assertTrue(traced.err().startsWith("jthreadtrace: " + command + ": ") && traced.err().lines().count() == 1,
                    command + ": " + traced.err());
        }
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
        // The resource roots are the program's class path alone, the agent's boot directory none of them (it was one).
        assertTrue(r.out().contains("resource-root file:" + Path.of(JvmIT.java("X").get(4)).toAbsolutePath() + "/\n"), r.out());
        assertTrue(r.out().contains("platform-resources  []") && r.out().contains("platform-resources dev []"), r.out());
    }
}
