package dev.jthreadtrace.ptrace;

import java.util.Map;

/**
 * The one-line diagnoses {@link RefusalDiagnosis} chooses from, when tracing cannot start (or the
 * seccomp filter cannot go in): a cause, and what to change. {@code {name}} stands for a value
 * filled in; a {@code {fix}} is one of {@link Fix}. The README's "Running jthreadtrace inside a
 * container" lists every template as written here (a test compares them).
 */
final class RefusalText {
    private RefusalText() {}

    /** A whole line (without the "jthreadtrace: " every message of the tool starts with). */
    enum Line {
        PROC_MISSING("/proc is not mounted: jthreadtrace reads /proc/PID of what it traces; mount it (mount -t proc proc /proc)"),
        PROC_OTHER_NAMESPACE("/proc shows another PID namespace than jthreadtrace's (/proc/self is {procpid}, its pid is {pid}):"
                + " mount a /proc of its own namespace (unshare --pid --fork --mount-proc, or mount -t proc proc /proc in the container)"),
        SECCOMP_PTRACE_CONTAINER("ptrace is blocked by this container's seccomp profile ({call} failed: {errno}): run it with"
                + " --security-opt seccomp=unconfined, or a profile that allows ptrace (Docker's default profile allows it with"
                + " --cap-add SYS_PTRACE; Kubernetes: securityContext.seccompProfile.type: Unconfined)"),
        SECCOMP_PTRACE_HOST("ptrace is blocked by a seccomp filter jthreadtrace inherited ({call} failed: {errno}; Seccomp_filters:"
                + " {filters} in /proc/self/status): start it outside that sandbox (systemd's SystemCallFilter=, a sandboxing"
                + " launcher); a filter cannot be removed"),
        SECCOMP_CALL_CONTAINER("{syscall} is blocked by this container's seccomp profile ({call} failed: {errno}): run it with"
                + " --security-opt seccomp=unconfined, or a profile that allows {syscall} (Kubernetes:"
                + " securityContext.seccompProfile.type: Unconfined)"),
        SECCOMP_CALL_HOST("{syscall} is blocked by a seccomp filter jthreadtrace inherited ({call} failed: {errno}; Seccomp_filters:"
                + " {filters} in /proc/self/status): start it outside that sandbox; a filter cannot be removed"),
        SECCOMP_KILLS("a seccomp filter jthreadtrace inherited kills the process that calls seccomp() (the start gate died of"
                + " SIGSYS when jthreadtrace installed its own filter): run it with --no-seccomp, or where seccomp() is allowed"
                + " (docker, podman: --security-opt seccomp=unconfined)"),
        SECCOMP_REFUSED("note: jthreadtrace's seccomp filter could not be installed: a seccomp filter it inherited answers"
                + " {syscall}() with {errno}; traced every syscall instead, which is slower: allow {syscall} in the seccomp profile"
                + " (--security-opt seccomp=unconfined), or pass --no-seccomp to trace so on purpose"),
        YAMA_3("kernel.yama.ptrace_scope is 3: no process can be traced on this machine ({call} failed: {errno}); only a"
                + " reboot lowers it"),
        YAMA_2("kernel.yama.ptrace_scope is 2: only a tracer with CAP_SYS_PTRACE may trace ({call} failed: {errno}): {fix}"),
        YAMA_1("kernel.yama.ptrace_scope is 1: only a descendant of jthreadtrace can be traced without CAP_SYS_PTRACE ({call}"
                + " failed: {errno}): start the program with jthreadtrace run, or {fix}"),
        OTHER_USER("attach needs CAP_SYS_PTRACE here: pid {pid} runs as uid {uid}, jthreadtrace as uid {ouruid} ({call} failed:"
                + " {errno}): {fix}"),
        MORE_PRIVILEGED("attach needs CAP_SYS_PTRACE here: pid {pid} has capabilities jthreadtrace lacks ({call} failed:"
                + " {errno}): {fix}"),
        NON_DUMPABLE("attach needs CAP_SYS_PTRACE here: pid {pid} made itself non-dumpable (prctl PR_SET_DUMPABLE 0, as"
                + " ssh-agent and other guarded programs do; the files under /proc/{pid} belong to root) ({call} failed: {errno}): {fix}"),
        OTHER_USER_NAMESPACE("pid {pid} belongs to a user outside jthreadtrace's user namespace (it shows as uid {uid}; {call}"
                + " failed: {errno}): ptrace cannot reach into a namespace above its own; run jthreadtrace in the namespace that"
                + " owns the process (on the host)"),
        APPARMOR("ptrace is denied by the AppArmor profile {profile} ({call} failed: {errno}): run it with --security-opt"
                + " apparmor=unconfined, or a profile that allows ptrace (trace)"),
        TRACED_ALREADY("{call} refused: {errno}: jthreadtrace is itself traced by pid {tracer} ({name}), which follows the"
                + " processes it starts, and a task has one tracer: trace without following children (strace without -f),"
                + " or trace the command with jthreadtrace alone"),
        HIDDEN_BY_HIDEPID("no such process: {pid}: it exists, but /proc is mounted with hidepid={hidepid}, which hides other"
                + " users' processes: run jthreadtrace as the process's user, or with CAP_SYS_PTRACE"),
        OTHER_PID_NAMESPACE("no such process: {pid} in jthreadtrace's PID namespace (it runs in a container, whose processes"
                + " are numbered apart from the host's): use the PID that ps shows inside the container, or share the"
                + " namespace (docker run --pid=host or --pid=container:NAME; Kubernetes: shareProcessNamespace: true)"),
        LAUNCH_OTHER("{call} refused: {errno} (check kernel.yama.ptrace_scope (must be 0 or 1, see sysctl"
                + " kernel.yama.ptrace_scope), that a container runtime allows ptrace (docker: --cap-add=SYS_PTRACE, seccomp"
                + " profile), or run with CAP_SYS_PTRACE)"),
        ATTACH_OTHER("{call} of pid {pid} refused: {errno}: it belongs to another user, or runs with more privileges"
                + " (set-user-ID, capabilities), or a security module forbids ptrace");

        final String template;

        Line(String template) {
            this.template = template;
        }
    }

    /** What gives jthreadtrace CAP_SYS_PTRACE, where it runs. */
    enum Fix {
        CONTAINER("docker run --cap-add SYS_PTRACE (podman too), or in Kubernetes securityContext.capabilities.add:"
                + " [SYS_PTRACE]"),
        CONTAINER_NOT_ROOT("run jthreadtrace as root in a container started with --cap-add SYS_PTRACE (Kubernetes:"
                + " securityContext.capabilities.add: [SYS_PTRACE]); a user other than root gets no capability from it"),
        ROOT("run jthreadtrace as root (sudo)"),
        DROPPED("start jthreadtrace with CAP_SYS_PTRACE (whoever started it dropped it: capsh, setpriv, systemd's"
                + " CapabilityBoundingSet=)");

        final String template;

        Fix(String template) {
            this.template = template;
        }
    }

    /** {@code line} with each {@code {name}} replaced by its value ({@code values} holds "fix" already rendered). */
    static String render(Line line, Map<String, String> values) {
        String out = line.template;
        for (var entry : values.entrySet()) out = out.replace("{" + entry.getKey() + "}", entry.getValue());
        return out;
    }
}
