package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a container takes away, made for real (#33): a seccomp filter that refuses ptrace (EPERM,
 * as Docker's default profile without CAP_SYS_PTRACE on old kernels, or ENOSYS), waitpid, or
 * seccomp itself, or kills its caller ({@code native/seccomp_deny.c}, which installs one and execs
 * the tool); CAP_SYS_PTRACE dropped ({@code setpriv}) for an attach to another user's or a more
 * privileged process; a /proc of another PID namespace, a PID of another namespace, a /proc mounted
 * with hidepid ({@code unshare}). Each time: exit 125 (or the command's own status when only the
 * filter is lost), exactly one line on stderr, the one the README names, no stack trace.
 * <p>
 * The tool runs with {@code container=test} in its environment (the variable systemd and podman set
 * in a container), so it words its fixes for a container whether or not this machine is one; the
 * wording outside containers is tested on fake /proc text in {@code RefusalDiagnosisTest}.
 */
@Timeout(180)
class InContainerIT {
    private static final Map<String, String> IN_CONTAINER = Map.of("container", "test");
    private static final String SEIZE_EPERM = "ptrace(PTRACE_SEIZE) failed: EPERM (Operation not permitted)";
    private static final String CAP_FIX_CONTAINER = "docker run --cap-add SYS_PTRACE (podman too), or in Kubernetes"
            + " securityContext.capabilities.add: [SYS_PTRACE]";
    private final List<Process> started = new ArrayList<>();
    private final AsNobody nobody = new AsNobody();

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "a process this test started is gone");
        }
        nobody.close();
    }

    @Test
    void aSeccompProfileThatRefusesPtraceIsNamedWithItsFix() {
        for (String errno : List.of("1", "38")) {
            Tool.Result r = underFilter(errno, "ptrace", "/bin/true");
            String described = errno.equals("1") ? "EPERM (Operation not permitted)" : "ENOSYS (Function not implemented)";
            assertOneLine(125, "jthreadtrace: ptrace is blocked by this container's seccomp profile (ptrace(PTRACE_SEIZE) failed: "
                    + described + "): run it with --security-opt seccomp=unconfined, or a profile that allows ptrace (Docker's"
                    + " default profile allows it with --cap-add SYS_PTRACE; Kubernetes: securityContext.seccompProfile.type:"
                    + " Unconfined)", r);
        }
    }

    /**
     * A profile that kills the caller of ptrace (SECCOMP_RET_KILL_PROCESS, _THREAD) ended the tool
     * by SIGSYS (159) without a word; under a filter ptrace is now tried in a child first.
     */
    @Test
    void aProfileThatKillsTheCallerOfPtraceIsOneLineNotASigsys() throws IOException {
        String line = "jthreadtrace: ptrace is blocked by this container's seccomp profile (ptrace(PTRACE_SEIZE) in a probe"
                + " process failed: killed by SIGSYS): run it with --security-opt seccomp=unconfined, or a profile that allows"
                + " ptrace (Docker's default profile allows it with --cap-add SYS_PTRACE; Kubernetes:"
                + " securityContext.seccompProfile.type: Unconfined)";
        for (String action : List.of("kill", "kill-thread")) assertOneLine(125, line, underFilter(action, "ptrace", "/bin/echo", "never"));
        Process target = start(List.of("sleep", "60"));
        List<String> cmd = new ArrayList<>(List.of(Traced.fixture("seccomp_deny").toString(), "kill", "ptrace"));
        cmd.addAll(Tool.jar("attach", "--jvm", "off", "--duration", "1s", Long.toString(target.pid())));
        assertOneLine(125, line, Tool.run(cmd, IN_CONTAINER));
        assertTrue(target.isAlive(), "the target runs on, untouched");
    }

    /**
     * Under any filter the tool runs its ptrace probe in a child made from a 150-byte program: it was
     * written into a memfd, and a profile that kills the caller of memfd_create (a hardened one that
     * forbids "fileless" programs) killed the tool itself at every start, by SIGSYS and without a word
     * (a thread of its JVM, for kill-thread). The probe's file is a file of its own now: the command
     * runs and its output is its own, and a profile that kills ptrace too is still named.
     */
    @Test
    void aProfileThatKillsTheCallerOfMemfdCreateLetsTheToolStartAndSpeak() {
        String ptraceLine = "jthreadtrace: ptrace is blocked by this container's seccomp profile (ptrace(PTRACE_SEIZE) in a probe"
                + " process failed: killed by SIGSYS): run it with --security-opt seccomp=unconfined, or a profile that allows"
                + " ptrace (Docker's default profile allows it with --cap-add SYS_PTRACE; Kubernetes:"
                + " securityContext.seccompProfile.type: Unconfined)";
        for (String action : List.of("kill", "kill-thread")) {
            Tool.Result r = underFilter(action, "memfd_create", "/bin/echo", "traced");
            assertEquals(0, r.code(), action + ": " + r.out() + r.err());
            assertEquals("traced\n", r.out(), action);
            assertOneLine(125, ptraceLine, underFilter(action, "ptrace,memfd_create", "/bin/echo", "never"));
        }
    }

    @Test
    void aProfileThatRefusesWaitpidIsNamedToo() {
        assertOneLine(125, "jthreadtrace: wait4 is blocked by this container's seccomp profile (waitpid failed: EPERM (Operation"
                + " not permitted)): run it with --security-opt seccomp=unconfined, or a profile that allows wait4 (Kubernetes:"
                + " securityContext.seccompProfile.type: Unconfined)", underFilter("1", "wait4", "/bin/true"));
    }

    /**
     * The launcher is a bash script, and bash spins for ever (at full CPU, deaf to SIGTERM) in its
     * first command substitution when wait4 fails: it names the filter first. ENOSYS as well as
     * EPERM; the normal start under a filter (the probe answers) is every other test here.
     */
    @Test
    void theLauncherNamesAProfileThatRefusesWaitpidInsteadOfSpinning() {
        String launcher = Tool.basedir().resolve("scripts/jthreadtrace").toString();
        for (String errno : List.of("1", "38")) {
            Tool.Result r = Tool.run(List.of(Traced.fixture("seccomp_deny").toString(), errno, "wait4", launcher,
                    "run", "--", "/bin/true"), IN_CONTAINER, 30);
            assertOneLine(125, "jthreadtrace: wait4 is blocked by a seccomp filter jthreadtrace inherited (a shell could not"
                    + " wait for its child): run it where wait4 is allowed (docker, podman: --security-opt"
                    + " seccomp=unconfined; Kubernetes: securityContext.seccompProfile.type: Unconfined)", r);
        }
        Tool.Result traced = Tool.run(List.of(Traced.fixture("seccomp_deny").toString(), "1", "seccomp", launcher,
                "run", "--no-live", "--report", "none", "--no-seccomp", "--", "/bin/echo", "under a filter"), IN_CONTAINER, 90);
        assertEquals("under a filter\n", traced.out(), traced.err());
        assertEquals("", traced.err());
        assertEquals(0, traced.code(), traced.err());
    }

    @Test
    void aProfileThatRefusesSeccompCostsOnlyTheFilterAndSaysSo() {
        Tool.Result r = underFilter("1", "seccomp", "/bin/echo", "traced all the same");
        assertOneLine(0, "jthreadtrace: note: jthreadtrace's seccomp filter could not be installed: a seccomp filter it inherited"
                + " answers seccomp() with EPERM (Operation not permitted); traced every syscall instead, which is slower: allow"
                + " seccomp in the seccomp profile (--security-opt seccomp=unconfined), or pass --no-seccomp to trace so on"
                + " purpose", r);
        assertEquals("traced all the same\n", r.out(), "the command ran, traced");
        Tool.Result quiet = Tool.run(underFilterCommand("1", "seccomp", "--no-seccomp", "/bin/echo", "x"), IN_CONTAINER);
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err(), "--no-seccomp asks for no filter: nothing to say");
    }

    @Test
    void aProfileThatKillsTheCallerOfSeccompIsOneLineNotACrash() {
        assertOneLine(125, "jthreadtrace: a seccomp filter jthreadtrace inherited kills the process that calls seccomp() (the start"
                + " gate died of SIGSYS when jthreadtrace installed its own filter): run it with --no-seccomp, or where seccomp()"
                + " is allowed (docker, podman: --security-opt seccomp=unconfined)", underFilter("kill", "seccomp", "/bin/true"));
        Tool.Result plain = Tool.run(underFilterCommand("kill", "seccomp", "--no-seccomp", "/bin/echo", "ok"), IN_CONTAINER);
        assertEquals(0, plain.code(), plain.err());
        assertEquals("ok\n", plain.out(), "the fix the line names works");
    }

    @Test
    void attachWithoutCapSysPtraceToAnotherUsersProcess() throws IOException {
        Process target = start(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sleep", "60"));
        Tool.Result r = Tool.run(withoutCapSysPtrace(Tool.jar("attach", "--jvm", "off", "--duration", "1s",
                Long.toString(target.pid()))), IN_CONTAINER);
        assertOneLine(125, "jthreadtrace: attach needs CAP_SYS_PTRACE here: pid " + target.pid() + " runs as uid 65534, jthreadtrace"
                + " as uid 0 (" + SEIZE_EPERM + "): " + CAP_FIX_CONTAINER, r);
        assertTrue(target.isAlive(), "the target runs on, untouched");
    }

    @Test
    void attachWithoutCapSysPtraceToAProcessWithMoreCapabilities() throws IOException {
        Process target = start(List.of("sleep", "60")); // root, with every capability this test has
        Tool.Result r = Tool.run(withoutCapSysPtrace(Tool.jar("attach", "--jvm", "off", "--duration", "1s",
                Long.toString(target.pid()))), IN_CONTAINER);
        assertOneLine(125, "jthreadtrace: attach needs CAP_SYS_PTRACE here: pid " + target.pid() + " has capabilities jthreadtrace"
                + " lacks (" + SEIZE_EPERM + "): " + CAP_FIX_CONTAINER, r);
        assertTrue(target.isAlive());
    }

    @Test
    void attachAsAnotherUserNamesRootAsTheFix() throws IOException {
        Process target = start(List.of("sleep", "60"));
        Tool.Result r = Tool.run(nobody.tool("attach", "--jvm", "off", "--duration", "1s", Long.toString(target.pid())),
                IN_CONTAINER);
        assertOneLine(125, "jthreadtrace: attach needs CAP_SYS_PTRACE here: pid " + target.pid() + " runs as uid 0, jthreadtrace"
                + " as uid 65534 (" + SEIZE_EPERM + "): run jthreadtrace as root (sudo)", r);
    }

    /**
     * From inside a user namespace of its own (a rootless container's, unshare --user
     * --map-root-user) to a process outside it: root's uid is mapped, so it is not the overflow
     * uid, and the tool's CAP_SYS_PTRACE counts in its namespace only. It got the catch-all line.
     */
    @Test
    void attachFromInsideAUserNamespaceToAProcessOutsideIt() throws IOException {
        Process target = start(List.of("sleep", "60"));
        List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user"));
        cmd.addAll(Tool.jar("attach", "--jvm", "off", "--duration", "1s", Long.toString(target.pid())));
        assertOneLine(125, "jthreadtrace: pid " + target.pid() + " belongs to a user outside jthreadtrace's user namespace (it"
                + " shows as uid 0; " + SEIZE_EPERM + "): ptrace cannot reach into a namespace above its own; run jthreadtrace in"
                + " the namespace that owns the process (on the host)", Tool.run(cmd, IN_CONTAINER));
        assertTrue(target.isAlive(), "the target runs on, untouched");
    }

    @Test
    void aProcessHiddenByHidepidIsNotJustNoSuchProcess() throws IOException {
        Process target = start(List.of("sleep", "60"));
        // A mount namespace of its own: the proc mounted there with hidepid goes with it, the machine's /proc is untouched.
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t proc -o hidepid=2 proc /proc && exec \"$@\"", "sh"));
        cmd.addAll(nobody.tool("attach", "--jvm", "off", "--duration", "1s", Long.toString(target.pid())));
        Tool.Result r = Tool.run(cmd, IN_CONTAINER);
        assertNoStackTrace(r);
        assertEquals(125, r.code(), r.err());
        // hidepid=2 is shown as "invisible" by kernels since 5.8: the line says it as the mount option was written.
        assertEquals("jthreadtrace: no such process: " + target.pid() + ": it exists, but /proc is mounted with hidepid=2, which"
                + " hides other users' processes: run jthreadtrace as the process's user, or with CAP_SYS_PTRACE\n", r.err());
        assertTrue(target.isAlive());
    }

    @Test
    void aProcOfAnotherPidNamespaceIsRefusedBeforeAnythingIsTraced() {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork"));
        cmd.addAll(Tool.jar("run", "--no-live", "--report", "none", "--", "/bin/echo", "never"));
        Tool.Result r = Tool.run(cmd, IN_CONTAINER);
        assertNoStackTrace(r);
        assertEquals(125, r.code(), r.err());
        assertEquals("", r.out(), "nothing ran");
        assertTrue(r.err().matches(PROC_OTHER_NAMESPACE), r.err());
    }

    private static final String PROC_OTHER_NAMESPACE = "jthreadtrace: /proc shows another PID namespace than jthreadtrace's"
            + " \\(/proc/self is \\d+, its pid is 1\\): mount a /proc of its own namespace \\(unshare --pid --fork --mount-proc,"
            + " or mount -t proc proc /proc in the container\\)\n";

    /**
     * The launcher reads /proc/$$ (environment, descriptors, signal state) before the JVM starts:
     * there $$ is 1, the host's init ("/bin/cat: /proc/1/environ: Permission denied"). It refuses
     * first, in the JVM's words.
     */
    @Test
    void theLauncherRefusesAProcOfAnotherPidNamespaceInTheToolsWords() {
        Tool.Result r = Tool.run(List.of("unshare", "--pid", "--fork", Tool.basedir().resolve("scripts/jthreadtrace").toString(),
                "run", "--", "true"), IN_CONTAINER);
        assertEquals(125, r.code(), r.err());
        assertEquals("", r.out(), "nothing ran");
        assertTrue(r.err().matches(PROC_OTHER_NAMESPACE), r.err());
    }

    @Test
    void aPidFromOutsideTheContainersPidNamespaceIsExplained() throws IOException {
        Process target = start(List.of("sleep", "60"));
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
        cmd.addAll(Tool.jar("attach", "--jvm", "off", "--duration", "1s", Long.toString(target.pid())));
        assertOneLine(125, "jthreadtrace: no such process: " + target.pid() + " in jthreadtrace's PID namespace (it runs in a"
                + " container, whose processes are numbered apart from the host's): use the PID that ps shows inside the"
                + " container, or share the namespace (docker run --pid=host or --pid=container:NAME; Kubernetes:"
                + " shareProcessNamespace: true)", Tool.run(cmd, IN_CONTAINER));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** The tool under a filter from {@code seccomp_deny ACTION SYSCALLS}, running {@code command}. */
    private static Tool.Result underFilter(String action, String syscalls, String... command) {
        return Tool.run(underFilterCommand(action, syscalls, null, command), IN_CONTAINER);
    }

    private static List<String> underFilterCommand(String action, String syscalls, String option, String... command) {
        List<String> cmd = new ArrayList<>(List.of(Traced.fixture("seccomp_deny").toString(), action, syscalls));
        cmd.addAll(Tool.jar("run", "--no-live", "--report", "none"));
        if (option != null) cmd.add(option);
        cmd.add("--");
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** As root without CAP_SYS_PTRACE: out of the bounding and inheritable sets, so the exec'd JVM has none. */
    private static List<String> withoutCapSysPtrace(List<String> tool) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=-sys_ptrace", "--bounding-set=-sys_ptrace"));
        cmd.addAll(tool);
        return cmd;
    }

    private Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        started.add(p);
        return p;
    }

    private static void assertNoStackTrace(Tool.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no Java stack trace: " + r.err());
    }

    private static void assertOneLine(int code, String line, Tool.Result r) {
        assertNoStackTrace(r);
        assertEquals(line + "\n", r.err());
        assertEquals(code, r.code(), r.err());
    }
}
