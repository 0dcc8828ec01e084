package dev.jthreadtrace.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set-user-ID program the command runs gains its privileges under the tool exactly when the
 * kernel grants them to a traced exec: with a tracer that holds CAP_SYS_PTRACE and no no_new_privs.
 * Otherwise it runs without them, and the tool says so in one note (the program's own error would
 * not say why). The oracle is the untraced run with the same capabilities: a copy of the ids
 * fixture owned by uid 65534 and set-user-ID, run by root without CAP_SETUID (so that only the
 * set-user-ID bit can change its effective uid).
 */
@Timeout(120)
class PrivilegedExecIT {
    private static final String RAISED = "euid=65534", KEPT = "euid=0 ";
    @TempDir
    static Path dir;
    private static Path program;

    @BeforeAll
    static void setUidCopy() throws IOException, InterruptedException {
        program = Files.copy(Traced.fixture("ids"), dir.resolve("ids_suid"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Process chmod = new ProcessBuilder("sh", "-c", "chown 65534 \"$0\" && chmod 4755 \"$0\"", program.toString()).inheritIO().start();
        assertEquals(0, chmod.waitFor(), "chown/chmod of the set-user-ID copy (the tests run as root)");
    }

    /** Root without {@code caps} (bounding and inheritable sets), running {@code command}. */
    private static List<String> without(String caps, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=" + caps, "--bounding-set=" + caps));
        cmd.addAll(command);
        return cmd;
    }

    private static List<String> traced(String... options) {
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--report", "none", "--jvm", "off"));
        args.addAll(List.of(options));
        args.add("--");
        args.add(program.toString());
        return Tool.jar(args.toArray(String[]::new));
    }

    private static String note(String why) {
        return "ran " + program + ", a set-user-ID program (owner uid 65534), without its privileges: " + why;
    }

    @Test
    void aTracerWithoutCapSysPtraceGetsNoPrivilegesAndSaysSo() {
        Tool.Result untraced = Tool.run(without("-setuid,-sys_ptrace", List.of(program.toString())));
        assertTrue(untraced.out().contains(RAISED), "untraced, the set-user-ID bit takes (is " + dir + " on a nosuid mount?): " + untraced);

        Tool.Result r = Tool.run(without("-setuid,-sys_ptrace", traced()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("uid=0 " + KEPT), "traced by a tracer without CAP_SYS_PTRACE the kernel withholds it: " + r.out());
        assertTrue(r.err().contains(note("the kernel raises none at an exec traced by a tracer without CAP_SYS_PTRACE")), r.err());
    }

    @Test
    void noNewPrivsForTheFilterWithholdsThemAndNoSeccompGivesThemBack() {
        // With CAP_SYS_PTRACE but not CAP_SYS_ADMIN the tool sets no_new_privs for its seccomp filter.
        Tool.Result r = Tool.run(without("-setuid,-sys_admin", traced()));
        assertTrue(r.out().startsWith("uid=0 " + KEPT), r.out() + r.err());
        assertTrue(r.err().contains(note("no_new_privs, which jthreadtrace sets for its seccomp filter, withholds them;"
                + " --no-seccomp traces it with them")), r.err());

        Tool.Result noFilter = Tool.run(without("-setuid,-sys_admin", traced("--no-seccomp")));
        assertTrue(noFilter.out().contains(RAISED), noFilter.out() + noFilter.err());
        assertFalse(noFilter.err().contains("without its privileges"), noFilter.err());
    }

    @Test
    void aTracerWithCapSysPtraceLetsTheProgramRaiseThem() {
        Tool.Result r = Tool.run(without("-setuid", traced()));
        assertTrue(r.out().contains(RAISED), r.out() + r.err());
        assertFalse(r.err().contains("without its privileges"), r.err());
    }
}
