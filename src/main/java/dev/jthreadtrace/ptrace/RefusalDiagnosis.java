package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.ptrace.RefusalText.Fix;
import dev.jthreadtrace.ptrace.RefusalText.Line;
import dev.jthreadtrace.sys.Errno;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why the kernel refused to let tracing start, from what the tool can read ({@link TracingFacts})
 * and what a probe answered, as one line naming the fix ({@link RefusalText}). The usual places:
 * a container's seccomp profile (Docker's default blocks ptrace on old kernels and without
 * CAP_SYS_PTRACE), a missing CAP_SYS_PTRACE for attach (a container drops it), Yama, a user or
 * PID namespace, /proc mounted with hidepid or from another PID namespace. Pure: tested on fake facts.
 */
final class RefusalDiagnosis {
    static final String SEIZE = "ptrace(PTRACE_SEIZE)";

    private RefusalDiagnosis() {}

    /**
     * The start gate, our own child, could not be seized.
     *
     * @param probe  {@link dev.jthreadtrace.sys.Probe#ptrace}'s errno: ESRCH when ptrace reaches the kernel
     * @param tracer the gate's TracerPid when another tracer already holds it (strace -f of the tool), else 0
     */
    static String launchRefused(int errno, int probe, TracingFacts facts, int tracer, String tracerName) {
        Map<String, String> values = values(SEIZE, errno, facts);
        if (filtered(errno, probe)) return seccompPtrace(facts, values);
        if (tracer > 0) {
            values.put("tracer", Integer.toString(tracer));
            values.put("name", printable(tracerName));
            return RefusalText.render(Line.TRACED_ALREADY, values);
        }
        if (facts.yamaScope() == 3) return RefusalText.render(Line.YAMA_3, values);
        if (facts.yamaScope() == 2 && !facts.mayPtraceAnyone()) return withFix(Line.YAMA_2, values, facts);
        if (facts.apparmor() != null) return apparmor(facts, values);
        return RefusalText.render(Line.LAUNCH_OTHER, values);
    }

    /** {@code jthreadtrace attach}: PTRACE_SEIZE of {@code target}'s first thread was refused. */
    static String attachRefused(int errno, int probe, TracingFacts facts, TracingFacts.Target target) {
        Map<String, String> values = values(SEIZE, errno, facts);
        values.put("pid", Integer.toString(target.pid()));
        values.put("uid", Integer.toString(target.uid()));
        if (filtered(errno, probe)) return seccompPtrace(facts, values);
        if (facts.yamaScope() == 3) return RefusalText.render(Line.YAMA_3, values);
        // A uid that our user namespace does not map shows as the overflow uid; no capability of ours reaches it.
        // Or one mapped into ours that lives outside it (an ancestor's): our CAP_SYS_PTRACE counts in ours only.
        if (!facts.initialUserNamespace() && (target.uid() == facts.overflowUid()
                || facts.mayPtraceAnyone() && target.outsideOurUserNamespace())) {
            return RefusalText.render(Line.OTHER_USER_NAMESPACE, values);
        }
        if (!facts.mayPtraceAnyone()) {
            if (facts.yamaScope() == 2) return withFix(Line.YAMA_2, values, facts);
            if (target.uid() >= 0 && facts.uid() >= 0 && target.uid() != facts.uid()) return withFix(Line.OTHER_USER, values, facts);
            // The kernel lets a tracer without CAP_SYS_PTRACE attach only to a task whose permitted set is within its own.
            if (target.capPrm() != -1 && facts.capPrm() != -1 && (target.capPrm() & ~facts.capPrm()) != 0) {
                return withFix(Line.MORE_PRIVILEGED, values, facts);
            }
            if (facts.yamaScope() == 1 && !target.descendant()) return withFix(Line.YAMA_1, values, facts);
            // Same user, no more privileges: the kernel still refuses a process that made itself non-dumpable.
            if (target.nonDumpable() && target.uid() == facts.uid()) return withFix(Line.NON_DUMPABLE, values, facts);
        }
        if (facts.apparmor() != null) return apparmor(facts, values);
        return RefusalText.render(Line.ATTACH_OTHER, values);
    }

    /** A filter kills the caller of ptrace: a child that called it died of SIGSYS ({@link dev.jthreadtrace.sys.Probe#ptraceInChild}). */
    static String ptraceKills(TracingFacts facts) {
        Map<String, String> values = values(SEIZE + " in a probe process", 0, facts);
        values.put("errno", "killed by SIGSYS");
        return seccompPtrace(facts, values);
    }

    /** A call the tracer needs ({@code syscall}, made as {@code call}) failed with an errno only a filter gives; null if not that. */
    static String blocked(String syscall, String call, int errno, TracingFacts facts) {
        if (errno != Errno.EPERM && errno != Errno.EACCES && errno != Errno.ENOSYS) return null;
        Map<String, String> values = values(call, errno, facts);
        values.put("syscall", syscall);
        return RefusalText.render(facts.container() ? Line.SECCOMP_CALL_CONTAINER : Line.SECCOMP_CALL_HOST, values);
    }

    /** Why /proc cannot be used to find the traced processes, or null when it can. */
    static String procProblem(TracingFacts facts) {
        if (!facts.procMounted()) return RefusalText.render(Line.PROC_MISSING, Map.of());
        if (facts.procSelfPid() != facts.pid()) {
            return RefusalText.render(Line.PROC_OTHER_NAMESPACE, Map.of("procpid", Integer.toString(facts.procSelfPid()),
                    "pid", Integer.toString(facts.pid())));
        }
        return null;
    }

    /**
     * {@code pid} has no readable /proc entry. {@code killErrno}: {@link dev.jthreadtrace.sys.Probe#kill}'s
     * answer (0 or EPERM: it exists). Null when nothing explains it better than "no such process".
     */
    static String noSuchProcess(int pid, int killErrno, TracingFacts facts) {
        Map<String, String> values = Map.of("pid", Integer.toString(pid), "hidepid", String.valueOf(facts.hidepid()));
        boolean exists = killErrno == 0 || killErrno == Errno.EPERM;
        if (exists && facts.hidepid() != null && !facts.hidepid().equals("0") && !facts.hidepid().equals("off")) {
            return RefusalText.render(Line.HIDDEN_BY_HIDEPID, values);
        }
        if (!exists && !facts.initialPidNamespace()) return RefusalText.render(Line.OTHER_PID_NAMESPACE, values);
        return null;
    }

    /**
     * The seccomp filter could not go into the start gate: {@code syscall} (seccomp or prctl) failed
     * with {@code errno}, and {@code filtered} says a filter of ours, inherited by the gate, refused it.
     * The note to print instead of the plain one, or null.
     */
    static String seccompRefused(String syscall, int errno, boolean filtered) {
        if (!filtered) return null;
        return RefusalText.render(Line.SECCOMP_REFUSED, Map.of("syscall", syscall, "errno", Errno.describe(errno)));
    }

    /** The start gate died of SIGSYS in the seccomp() call that installs our filter. */
    static String seccompKills() {
        return RefusalText.render(Line.SECCOMP_KILLS, Map.of());
    }

    /** Refused before the kernel looked at the request: ENOSYS, or the probe did not get ptrace's ESRCH. */
    private static boolean filtered(int errno, int probe) {
        return errno == Errno.ENOSYS || probe != 0 && probe != Errno.ESRCH;
    }

    private static String seccompPtrace(TracingFacts facts, Map<String, String> values) {
        return RefusalText.render(facts.container() ? Line.SECCOMP_PTRACE_CONTAINER : Line.SECCOMP_PTRACE_HOST, values);
    }

    private static String apparmor(TracingFacts facts, Map<String, String> values) {
        values.put("profile", printable(facts.apparmor()));
        return RefusalText.render(Line.APPARMOR, values);
    }

    private static String withFix(Line line, Map<String, String> values, TracingFacts facts) {
        values.put("fix", fix(facts).template);
        return RefusalText.render(line, values);
    }

    /**
     * How to get CAP_SYS_PTRACE: a container drops it from the bounding set (only the runtime can
     * add it back); with it in the bounding set, a user other than root just is not root.
     */
    static Fix fix(TracingFacts facts) {
        boolean available = TracingFacts.holds(facts.capBnd(), TracingFacts.CAP_SYS_PTRACE);
        if (!available) return facts.container() ? facts.uid() == 0 ? Fix.CONTAINER : Fix.CONTAINER_NOT_ROOT : Fix.DROPPED;
        return facts.uid() != 0 ? Fix.ROOT : Fix.DROPPED;
    }

    private static Map<String, String> values(String call, int errno, TracingFacts facts) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("call", call);
        values.put("errno", Errno.describe(errno));
        values.put("ouruid", Integer.toString(facts.uid()));
        values.put("filters", Integer.toString(facts.seccompFilters()));
        return values;
    }

    /** A name from another process (its comm, a profile): printable ASCII only, the rest as '?'. */
    private static String printable(String text) {
        if (text == null) return "?";
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> out.append(c >= 0x20 && c < 0x7f && c != '{' && c != '}' ? (char) c : '?'));
        return out.toString();
    }
}
