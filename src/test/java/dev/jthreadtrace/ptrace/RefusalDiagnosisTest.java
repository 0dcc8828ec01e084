package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagnosis of a refused ptrace, from fake /proc text: each cause the kernel does not name
 * (a seccomp profile, Yama, a missing CAP_SYS_PTRACE, a user or PID namespace, hidepid, an AppArmor
 * profile) gives its one line, worded for a container or for a machine, and the fix that fits how
 * the capability went missing. The same conditions made for real are in InContainerIT.
 */
class RefusalDiagnosisTest {
    private static final int SELF = 4242;
    private static final String ALL_CAPS = "000001ffffffffff", NO_PTRACE = "000001fffff7ffff", NONE = "0000000000000000";
    private static final String EPERM = "EPERM (Operation not permitted)";

    @TempDir
    Path root;

    /** A fake root: our status (uid, capabilities, seccomp), the init PID and user namespaces, no Yama, no container. */
    private void self(int uid, String capEff, String capBnd, int filters) throws IOException {
        Path proc = Files.createDirectories(root.resolve("proc/" + SELF));
        if (!Files.exists(root.resolve("proc/self"))) Files.createSymbolicLink(root.resolve("proc/self"), Path.of(Integer.toString(SELF)));
        Files.writeString(proc.resolve("status"), "Name:\tjava\nPid:\t" + SELF + "\nPPid:\t1\nUid:\t" + uid + "\t" + uid + "\t" + uid
                + "\t" + uid + "\nCapInh:\t" + NONE + "\nCapPrm:\t" + capEff + "\nCapEff:\t" + capEff + "\nCapBnd:\t" + capBnd
                + "\nNoNewPrivs:\t" + (filters > 0 ? 1 : 0) + "\nSeccomp:\t" + (filters > 0 ? 2 : 0) + "\nSeccomp_filters:\t" + filters + "\n");
        Files.createDirectories(proc.resolve("ns"));
        link(proc.resolve("ns/pid"), "pid:[4026531836]");
        Files.writeString(proc.resolve("uid_map"), "         0          0 4294967295\n");
        Files.writeString(proc.resolve("mountinfo"), "21 26 0:20 / /proc rw,relatime - proc proc rw\n");
    }

    private static void link(Path at, String to) throws IOException {
        Files.deleteIfExists(at);
        Files.createSymbolicLink(at, Path.of(to));
    }

    private void write(String path, String text) throws IOException {
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), text);
    }

    private void target(int pid, int uid, int ppid, String capPrm) throws IOException {
        write("proc/" + pid + "/status", "Name:\tserver\nPid:\t" + pid + "\nPPid:\t" + ppid + "\nUid:\t" + uid + "\t" + uid + "\t"
                + uid + "\t" + uid + "\nCapPrm:\t" + capPrm + "\n");
    }

    private TracingFacts facts() {
        return TracingFacts.read(root, Map.of(), SELF);
    }

    private TracingFacts facts(Map<String, String> env) {
        return TracingFacts.read(root, env, SELF);
    }

    private String attach(int pid, int probe) {
        return RefusalDiagnosis.attachRefused(Errno.EPERM, probe, facts(), TracingFacts.Target.read(root, pid, SELF));
    }

    @Test
    void ptraceRefusedBeforeTheKernelIsASeccompFilterWordedForWhereItRuns() throws IOException {
        self(0, ALL_CAPS, ALL_CAPS, 2);
        assertEquals("ptrace is blocked by a seccomp filter jthreadtrace inherited (ptrace(PTRACE_SEIZE) failed: " + EPERM
                + "; Seccomp_filters: 2 in /proc/self/status): start it outside that sandbox (systemd's SystemCallFilter=, a"
                + " sandboxing launcher); a filter cannot be removed",
                RefusalDiagnosis.launchRefused(Errno.EPERM, Errno.EPERM, facts(), 0, null));
        write("proc/1/cgroup", "0::/kubepods/besteffort/pod1234/cri-containerd-abc\n");
        String container = "ptrace is blocked by this container's seccomp profile (ptrace(PTRACE_SEIZE) failed: ENOSYS (Function not"
                + " implemented)): run it with --security-opt seccomp=unconfined, or a profile that allows ptrace (Docker's default"
                + " profile allows it with --cap-add SYS_PTRACE; Kubernetes: securityContext.seccompProfile.type: Unconfined)";
        // ENOSYS is a filter's answer whatever the probe says: the kernel has ptrace.
        assertEquals(container, RefusalDiagnosis.launchRefused(Errno.ENOSYS, Errno.ESRCH, facts(), 0, null));
        target(777, 0, 1, ALL_CAPS);
        assertTrue(attach(777, Errno.EPERM).startsWith("ptrace is blocked by this container's seccomp profile"), "attach too");
    }

    @Test
    void containerHints() throws IOException {
        self(0, ALL_CAPS, ALL_CAPS, 0);
        assertFalse(facts().container());
        assertTrue(facts(Map.of("container", "podman")).container());
        assertTrue(facts(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")).container());
        write(".dockerenv", "");
        assertTrue(facts().container());
    }

    @Test
    void yamaScopes() throws IOException {
        self(1000, NONE, ALL_CAPS, 0);
        write("proc/sys/kernel/yama/ptrace_scope", "3\n");
        assertEquals("kernel.yama.ptrace_scope is 3: no process can be traced on this machine (ptrace(PTRACE_SEIZE) failed: "
                + EPERM + "); only a reboot lowers it", RefusalDiagnosis.launchRefused(Errno.EPERM, Errno.ESRCH, facts(), 0, null));
        write("proc/sys/kernel/yama/ptrace_scope", "2\n");
        assertEquals("kernel.yama.ptrace_scope is 2: only a tracer with CAP_SYS_PTRACE may trace (ptrace(PTRACE_SEIZE) failed: "
                + EPERM + "): run jthreadtrace as root (sudo)", RefusalDiagnosis.launchRefused(Errno.EPERM, Errno.ESRCH, facts(), 0, null));
        write("proc/sys/kernel/yama/ptrace_scope", "1\n");
        target(777, 1000, 1, NONE);
        assertEquals("kernel.yama.ptrace_scope is 1: only a descendant of jthreadtrace can be traced without CAP_SYS_PTRACE"
                + " (ptrace(PTRACE_SEIZE) failed: " + EPERM + "): start the program with jthreadtrace run, or run jthreadtrace as"
                + " root (sudo)", attach(777, Errno.ESRCH));
        target(778, 1000, SELF, NONE);
        assertTrue(attach(778, Errno.ESRCH).startsWith("ptrace(PTRACE_SEIZE) of pid 778 refused: " + EPERM + ": it belongs"),
                "a descendant is not Yama's refusal: " + attach(778, Errno.ESRCH));
    }

    @Test
    void attachWithoutTheCapabilityNamesTheFixThatFitsHowItWentMissing() throws IOException {
        self(0, NO_PTRACE, NO_PTRACE, 0);
        target(777, 1001, 1, NONE);
        String otherUser = "attach needs CAP_SYS_PTRACE here: pid 777 runs as uid 1001, jthreadtrace as uid 0 (ptrace(PTRACE_SEIZE)"
                + " failed: " + EPERM + "): ";
        assertEquals(otherUser + "start jthreadtrace with CAP_SYS_PTRACE (whoever started it dropped it: capsh, setpriv, systemd's"
                + " CapabilityBoundingSet=)", attach(777, Errno.ESRCH));
        write(".dockerenv", "");
        assertEquals(otherUser + "docker run --cap-add SYS_PTRACE (podman too), or in Kubernetes securityContext.capabilities.add:"
                + " [SYS_PTRACE]", attach(777, Errno.ESRCH));
        target(778, 0, 1, ALL_CAPS);
        assertEquals("attach needs CAP_SYS_PTRACE here: pid 778 has capabilities jthreadtrace lacks (ptrace(PTRACE_SEIZE) failed: "
                + EPERM + "): docker run --cap-add SYS_PTRACE (podman too), or in Kubernetes securityContext.capabilities.add:"
                + " [SYS_PTRACE]", attach(778, Errno.ESRCH));
        self(1000, NONE, NO_PTRACE, 0);
        assertEquals("attach needs CAP_SYS_PTRACE here: pid 778 runs as uid 0, jthreadtrace as uid 1000 (ptrace(PTRACE_SEIZE) failed: "
                + EPERM + "): run jthreadtrace as root in a container started with --cap-add SYS_PTRACE (Kubernetes:"
                + " securityContext.capabilities.add: [SYS_PTRACE]); a user other than root gets no capability from it",
                attach(778, Errno.ESRCH));
    }

    @Test
    void aUserOutsideOurUserNamespaceCannotBeReached() throws IOException {
        self(0, ALL_CAPS, ALL_CAPS, 0);
        write("proc/" + SELF + "/uid_map", "         0     100000      65536\n");
        target(777, 65534, 1, NONE);
        assertEquals("pid 777 belongs to a user outside jthreadtrace's user namespace (it shows as uid 65534; ptrace(PTRACE_SEIZE)"
                + " failed: " + EPERM + "): ptrace cannot reach into a namespace above its own; run jthreadtrace in the namespace"
                + " that owns the process (on the host)", attach(777, Errno.ESRCH));
    }

    /**
     * From inside a user namespace (unshare --user --map-root-user) to a process outside it whose
     * uid is mapped (root): not the overflow uid, and our CAP_SYS_PTRACE counts in our namespace
     * only. It got the catch-all line.
     */
    @Test
    void aProcessOutsideOurUserNamespaceWithAMappedUidGetsTheNamespaceLine() throws IOException {
        self(0, ALL_CAPS, ALL_CAPS, 0);
        write("proc/" + SELF + "/uid_map", "         0          0          1\n");
        link(root.resolve("proc/" + SELF + "/ns/user"), "user:[4026532180]");
        target(777, 0, 1, ALL_CAPS);
        assertEquals("pid 777 belongs to a user outside jthreadtrace's user namespace (it shows as uid 0; ptrace(PTRACE_SEIZE)"
                + " failed: " + EPERM + "): ptrace cannot reach into a namespace above its own; run jthreadtrace in the namespace"
                + " that owns the process (on the host)", attach(777, Errno.ESRCH));
        Files.createDirectories(root.resolve("proc/777/ns"));
        link(root.resolve("proc/777/ns/user"), "user:[4026532180]");
        assertTrue(attach(777, Errno.ESRCH).startsWith("ptrace(PTRACE_SEIZE) of pid 777 refused"), "one of our namespace: as before");
    }

    @Test
    void anAppArmorProfileIsNamedWhenTheCapabilityIsThere() throws IOException {
        self(0, ALL_CAPS, ALL_CAPS, 0);
        write("proc/" + SELF + "/attr/current", "docker-default (enforce)\n");
        target(777, 0, 1, ALL_CAPS);
        assertEquals("ptrace is denied by the AppArmor profile docker-default (enforce) (ptrace(PTRACE_SEIZE) failed: " + EPERM
                + "): run it with --security-opt apparmor=unconfined, or a profile that allows ptrace (trace)", attach(777, Errno.ESRCH));
        write("proc/" + SELF + "/attr/current", "unconfined\n");
        assertTrue(attach(777, Errno.ESRCH).startsWith("ptrace(PTRACE_SEIZE) of pid 777 refused"));
    }

    @Test
    void anotherTracerHoldingTheGateIsNamedAndItsNameIsOnlyData() throws IOException {
        self(0, ALL_CAPS, ALL_CAPS, 0);
        assertEquals("ptrace(PTRACE_SEIZE) refused: " + EPERM + ": jthreadtrace is itself traced by pid 99 (st?race?x?), which"
                + " follows the processes it starts, and a task has one tracer: trace without following children (strace without"
                + " -f), or trace the command with jthreadtrace alone",
                RefusalDiagnosis.launchRefused(Errno.EPERM, Errno.ESRCH, facts(), 99, "st\nrace{x}"));
    }

    @Test
    void procOfAnotherNamespaceOrNone() throws IOException {
        assertEquals("/proc is not mounted: jthreadtrace reads /proc/PID of what it traces; mount it (mount -t proc proc /proc)",
                RefusalDiagnosis.procProblem(facts()));
        self(0, ALL_CAPS, ALL_CAPS, 0);
        assertNull(RefusalDiagnosis.procProblem(facts()));
        assertEquals("/proc shows another PID namespace than jthreadtrace's (/proc/self is 4242, its pid is 1): mount a /proc of its"
                + " own namespace (unshare --pid --fork --mount-proc, or mount -t proc proc /proc in the container)",
                RefusalDiagnosis.procProblem(TracingFacts.read(root, Map.of(), 1)));
    }

    @Test
    void noSuchProcessSaysWhatHidesOne() throws IOException {
        self(1000, NONE, ALL_CAPS, 0);
        assertNull(RefusalDiagnosis.noSuchProcess(777, Errno.ESRCH, facts()), "gone is gone");
        write("proc/" + SELF + "/mountinfo", "21 26 0:20 / /proc rw,relatime shared:12 - proc proc rw,hidepid=invisible\n");
        // Kernels since 5.8 show hidepid=2 by name: the line says it as users write it.
        assertEquals("no such process: 777: it exists, but /proc is mounted with hidepid=2, which hides other users'"
                + " processes: run jthreadtrace as the process's user, or with CAP_SYS_PTRACE",
                RefusalDiagnosis.noSuchProcess(777, Errno.EPERM, facts()));
        link(root.resolve("proc/" + SELF + "/ns/pid"), "pid:[4026532179]");
        assertEquals("no such process: 777 in jthreadtrace's PID namespace (it runs in a container, whose processes are numbered"
                + " apart from the host's): use the PID that ps shows inside the container, or share the namespace (docker run"
                + " --pid=host or --pid=container:NAME; Kubernetes: shareProcessNamespace: true)",
                RefusalDiagnosis.noSuchProcess(777, Errno.ESRCH, facts()));
    }

    @Test
    void otherCallsAndTheFilterNote() throws IOException {
        self(0, ALL_CAPS, ALL_CAPS, 1);
        assertEquals("wait4 is blocked by a seccomp filter jthreadtrace inherited (waitpid failed: " + EPERM + "; Seccomp_filters: 1"
                + " in /proc/self/status): start it outside that sandbox; a filter cannot be removed",
                RefusalDiagnosis.blocked("wait4", "waitpid", Errno.EPERM, facts()));
        assertNull(RefusalDiagnosis.blocked("wait4", "waitpid", Errno.EINVAL, facts()), "the kernel's own errors are not a filter's");
        assertNull(RefusalDiagnosis.seccompRefused("seccomp", Errno.ENOMEM, false));
        assertEquals("note: jthreadtrace's seccomp filter could not be installed: a seccomp filter it inherited answers prctl() with "
                + EPERM + "; traced every syscall instead, which is slower: allow prctl in the seccomp profile (--security-opt"
                + " seccomp=unconfined), or pass --no-seccomp to trace so on purpose",
                RefusalDiagnosis.seccompRefused("prctl", Errno.EPERM, true));
    }
}
