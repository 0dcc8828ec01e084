package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the tool can read about the limits it runs under, for {@link RefusalDiagnosis}: its seccomp
 * state, capabilities, uid and namespaces from {@code /proc/self/status}, Yama's ptrace_scope, the
 * /proc mount's hidepid, an AppArmor profile, and whether it looks like a container. Read only
 * after something failed (setup I/O, never in the stop loop), from under {@code root} ("/" for
 * real; a directory of fake /proc text in tests).
 *
 * @param procSelfPid  what /proc/self points at (-1: no /proc); differs from {@code pid} when /proc
 *                     belongs to another PID namespace
 * @param capEff       effective capabilities (-1: unknown); {@code capBnd}, {@code capPrm} likewise
 * @param initialPidNamespace whether we run in the machine's own PID namespace (not a container's)
 * @param yamaScope    kernel.yama.ptrace_scope, -1 without Yama
 * @param hidepid      the /proc mount's hidepid= value, null when none
 * @param apparmor     the AppArmor profile we run under, null when none or unconfined
 */
record TracingFacts(int pid, int procSelfPid, int seccompMode, int seccompFilters, long capEff, long capBnd, long capPrm,
                    int uid, boolean initialPidNamespace, boolean initialUserNamespace, int overflowUid, int yamaScope,
                    boolean container, String hidepid, String apparmor) {
    static final int CAP_SYS_PTRACE = 19;

    /** The running process's facts. */
    static TracingFacts current(int pid) {
        return read(Path.of("/"), System.getenv(), pid);
    }

    static TracingFacts read(Path root, Map<String, String> env, int pid) {
        Path proc = root.resolve("proc");
        ProcStatus self = ProcStatus.read(proc.resolve("self/status"));
        if (self == null) self = ProcStatus.EMPTY;
        String uids = self.text("Uid");
        return new TracingFacts(pid, procSelfPid(proc), (int) self.number("Seccomp", -1), (int) self.number("Seccomp_filters", -1),
                self.hex("CapEff", -1), self.hex("CapBnd", -1), self.hex("CapPrm", -1),
                effectiveUid(uids),
                initialPidNamespace(proc), initialUserNamespace(proc),
                (int) number(proc.resolve("sys/kernel/overflowuid"), 65534), (int) number(proc.resolve("sys/kernel/yama/ptrace_scope"), -1),
                container(root, env), hidepid(proc), apparmor(proc));
    }

    boolean procMounted() {
        return procSelfPid > 0;
    }

    /** Whether we hold {@code capability} in {@code set} (an unreadable set counts as not). */
    static boolean holds(long set, int capability) {
        return set != -1 && (set & 1L << capability) != 0;
    }

    boolean mayPtraceAnyone() {
        return holds(capEff, CAP_SYS_PTRACE);
    }

    /**
     * What was read about a process to attach to. {@code uid}: effective, as seen from our user
     * namespace. {@code outsideOurUserNamespace}: its user namespace is not ours (its ns/user link
     * differs, or cannot be read: with CAP_SYS_PTRACE in our namespace, one of ours can be).
     * {@code nonDumpable}: it made itself non-dumpable (prctl PR_SET_DUMPABLE 0); /proc/PID/status
     * has no such field, but the kernel then gives the files under /proc/PID (status, mem, fd/) to
     * root, while the directory stays its user's.
     */
    record Target(int pid, int uid, long capPrm, boolean descendant, boolean outsideOurUserNamespace, boolean nonDumpable) {
        static Target read(Path root, int pid, int self) {
            Path proc = root.resolve("proc");
            ProcStatus status = ProcStatus.read(proc.resolve(pid + "/status"));
            if (status == null) return new Target(pid, -1, -1, false, false, false);
            int uid = effectiveUid(status.text("Uid"));
            boolean descendant = false;
            int at = (int) status.number("PPid", 0);
            for (int hops = 0; at > 1 && hops < 4096 && !descendant; hops++) {
                descendant = at == self;
                ProcStatus up = ProcStatus.read(proc.resolve(at + "/status"));
                at = up == null ? 0 : (int) up.number("PPid", 0);
            }
            String ours = link(proc.resolve(self + "/ns/user")), theirs = link(proc.resolve(pid + "/ns/user"));
            return new Target(pid, uid, status.hex("CapPrm", -1), descendant, ours != null && !ours.equals(theirs),
                    owner(proc.resolve(pid + "/status")) == 0 && owner(proc.resolve(Integer.toString(pid))) > 0);
        }

        private static int owner(Path path) {
            try {
                return (Integer) Files.getAttribute(path, "unix:uid");
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }

        private static String link(Path path) {
            try {
                return Files.readSymbolicLink(path).toString();
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** The second of /proc's "Uid:" values (real, effective, saved, filesystem); -1 when unreadable. */
    private static int effectiveUid(String uids) {
        String[] ids = uids.strip().split("\\s+");
        try {
            return ids.length > 1 ? Integer.parseInt(ids[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** What {@code proc}/self points at: our pid as that /proc numbers it; -1 without a /proc there. */
    static int procSelfPid(Path proc) {
        try {
            return Integer.parseInt(Files.readSymbolicLink(proc.resolve("self")).toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The machine's PID namespace has a fixed inode, PROC_PID_INIT_INO (NSpid cannot tell: it lists
     * only the levels the /proc mount's namespace sees, one in a container with its own /proc).
     */
    private static boolean initialPidNamespace(Path proc) {
        try {
            return Files.readSymbolicLink(proc.resolve("self/ns/pid")).toString().equals("pid:[4026531836]");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** A user namespace maps ids; the machine's own maps all of them to themselves ("0 0 4294967295"). */
    private static boolean initialUserNamespace(Path proc) {
        String map = text(proc.resolve("self/uid_map"));
        return map == null || map.strip().split("\\s+").length != 3 || map.strip().matches("0\\s+0\\s+4294967295");
    }

    /** Hints a container runtime leaves: its marker files, its variables, its cgroup names for PID 1. */
    private static boolean container(Path root, Map<String, String> env) {
        if (env.containsKey("container") || env.containsKey("KUBERNETES_SERVICE_HOST")) return true;
        if (Files.exists(root.resolve(".dockerenv")) || Files.exists(root.resolve("run/.containerenv"))) return true;
        String cgroup = text(root.resolve("proc/1/cgroup"));
        return cgroup != null && List.of("docker", "kubepods", "containerd", "libpod", "lxc", "crio").stream().anyMatch(cgroup::contains);
    }

    /**
     * hidepid= as users write it in a mount command or an fstab (0, 1, 2, 4): kernels since 5.8 show
     * it in /proc/self/mountinfo by name (off, noaccess, invisible, ptraceable), which both accept.
     */
    static String hidepidAsWritten(String shown) {
        return switch (shown) {
            case "off" -> "0";
            case "noaccess" -> "1";
            case "invisible" -> "2";
            case "ptraceable" -> "4";
            default -> shown;
        };
    }

    /** The hidepid= option of the proc mount on /proc, from /proc/self/mountinfo. */
    private static String hidepid(Path proc) {
        String info = text(proc.resolve("self/mountinfo"));
        if (info == null) return null;
        for (String line : info.lines().toList()) {
            String[] halves = line.split(" - ", 2);
            String[] mount = halves[0].split(" ");
            if (halves.length < 2 || mount.length < 5 || !mount[4].equals("/proc")) continue;
            for (String option : halves[1].replace(' ', ',').split(",")) {
                if (option.startsWith("hidepid=")) return hidepidAsWritten(option.substring("hidepid=".length()));
            }
        }
        return null;
    }

    private static String apparmor(Path proc) {
        String profile = text(proc.resolve("self/attr/apparmor/current"));
        if (profile == null) profile = text(proc.resolve("self/attr/current"));
        if (profile == null) return null;
        profile = profile.replace("\0", "").strip();
        return profile.isEmpty() || profile.equals("unconfined") || !profile.contains("(") ? null : profile;
    }

    private static long number(Path file, long otherwise) {
        String text = text(file);
        try {
            return text == null ? otherwise : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
