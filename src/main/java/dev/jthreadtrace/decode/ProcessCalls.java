package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * The registry rows of waiting for children, process ids and credentials ({@code %creds}), and
 * their renderers: wait statuses as strace writes them ({@code [{WIFEXITED(s) && WEXITSTATUS(s)
 * == 3}]}), waitid's siginfo, user and group ids, capabilities.
 */
final class ProcessCalls {
    static final FlagTable WAIT_OPTIONS = FlagTable.of(1, "WNOHANG", 2, "WSTOPPED", 4, "WEXITED", 8, "WCONTINUED",
            0x1000000, "WNOWAIT", 0x20000000, "__WNOTHREAD", 0x40000000, "__WALL", 0x80000000L, "__WCLONE");
    static final ValueTable ID_TYPES = ValueTable.of(0, "P_ALL", 1, "P_PID", 2, "P_PGID", 3, "P_PIDFD");
    static final ValueTable PRIORITY_WHICH = ValueTable.of(0, "PRIO_PROCESS", 1, "PRIO_PGRP", 2, "PRIO_USER");
    static final ValueTable CAP_VERSIONS = ValueTable.of(0x19980330L, "_LINUX_CAPABILITY_VERSION_1",
            0x20071026L, "_LINUX_CAPABILITY_VERSION_2", 0x20080522L, "_LINUX_CAPABILITY_VERSION_3");
    private static final String[] CAPABILITIES = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
    private static final int RUSAGE_SIZE = 144, GROUPS_MAX = 65536;

    private ProcessCalls() {}

    private static Capture id(int arg) {
        return new Capture.Bytes(arg, 4, AT_EXIT);
    }

    static List<SyscallSpec> rows() {
        return List.of(
                Row.of("wait4").capture(new Capture.Bytes(1, 4, AT_EXIT), new Capture.Bytes(3, RUSAGE_SIZE, AT_EXIT))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + status(a[1], c.bytes(1)) + ", " + waitOptions(a[2]) + ", "
                                + ResourceCalls.rusage(a[3], c.bytes(3))),
                Row.of("waitid").capture(new Capture.Bytes(2, Siginfo.SIZE, AT_EXIT), new Capture.Bytes(4, RUSAGE_SIZE, AT_EXIT))
                        .render((a, c, s) -> ID_TYPES.render(a[0] & 0xffffffffL, "P_") + ", " + Args.intArg(a[1]) + ", "
                                + Siginfo.render(a[2], c.bytes(2)) + ", " + waitOptions(a[3]) + ", " + ResourceCalls.rusage(a[4], c.bytes(4))),
                Row.of("getpid").render((a, c, s) -> ""),
                Row.of("getppid").render((a, c, s) -> ""),
                Row.of("gettid").render((a, c, s) -> ""),
                Row.of("getpgrp").render((a, c, s) -> ""),
                Row.of("setsid").render((a, c, s) -> ""),
                Row.of("getpgid").render((a, c, s) -> Args.intArg(a[0])),
                Row.of("getsid").render((a, c, s) -> Args.intArg(a[0])),
                Row.of("setpgid").render((a, c, s) -> Args.intArg(a[0]) + ", " + Args.intArg(a[1])),
                Row.of("getuid").render((a, c, s) -> ""),
                Row.of("geteuid").render((a, c, s) -> ""),
                Row.of("getgid").render((a, c, s) -> ""),
                Row.of("getegid").render((a, c, s) -> ""),
                Row.of("setuid").render((a, c, s) -> FileCalls.id(a[0])),
                Row.of("setgid").render((a, c, s) -> FileCalls.id(a[0])),
                Row.of("setfsuid").render((a, c, s) -> FileCalls.id(a[0])),
                Row.of("setfsgid").render((a, c, s) -> FileCalls.id(a[0])),
                Row.of("setreuid").render((a, c, s) -> FileCalls.id(a[0]) + ", " + FileCalls.id(a[1])),
                Row.of("setregid").render((a, c, s) -> FileCalls.id(a[0]) + ", " + FileCalls.id(a[1])),
                Row.of("setresuid").render((a, c, s) -> FileCalls.id(a[0]) + ", " + FileCalls.id(a[1]) + ", " + FileCalls.id(a[2])),
                Row.of("setresgid").render((a, c, s) -> FileCalls.id(a[0]) + ", " + FileCalls.id(a[1]) + ", " + FileCalls.id(a[2])),
                Row.of("getresuid").capture(id(0), id(1), id(2)).render(ProcessCalls::threeIds),
                Row.of("getresgid").capture(id(0), id(1), id(2)).render(ProcessCalls::threeIds),
                Row.of("getgroups").capture(new Capture.Gather(1, AT_EXIT, (m, a, r) -> r < 0 || a[1] == 0 ? null
                                : m.read(a[1], (int) Math.min(r, GROUPS_MAX) * 4)))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + groups(a[1], c.bytes(1), s)),
                Row.of("setgroups").capture(new Capture.Gather(1, AT_ENTRY, (m, a, r) -> a[1] == 0 || (int) a[0] <= 0 ? null
                                : m.read(a[1], (int) Math.min(a[0], GROUPS_MAX) * 4)))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + groups(a[1], (int) a[0] == 0 ? new byte[0] : c.bytes(1), s)),
                Row.of("getpriority").render((a, c, s) -> PRIORITY_WHICH.render(a[0] & 0xffffffffL, "PRIO_") + ", " + Args.intArg(a[1])),
                Row.of("setpriority").render((a, c, s) -> PRIORITY_WHICH.render(a[0] & 0xffffffffL, "PRIO_") + ", " + Args.intArg(a[1])
                        + ", " + Args.intArg(a[2])),
                Row.of("capget").capture(new Capture.Bytes(0, 8, AT_ENTRY), new Capture.Bytes(1, 24, AT_EXIT))
                        .render((a, c, s) -> capHeader(a[0], c.bytes(0)) + ", " + capData(a[1], c.bytes(1))),
                Row.of("capset").capture(new Capture.Bytes(0, 8, AT_ENTRY), new Capture.Bytes(1, 24, AT_ENTRY))
                        .render((a, c, s) -> capHeader(a[0], c.bytes(0)) + ", " + capData(a[1], c.bytes(1))));
    }

    static String waitOptions(long options) {
        return WAIT_OPTIONS.render(options & 0xffffffffL, "0", "W");
    }

    /** A wait status: {@code [{WIFEXITED(s) && WEXITSTATUS(s) == 3}]}; NULL, or the pointer when unread. */
    static String status(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        int status = Args.le(bytes).getInt(0);
        int low = status & 0x7f;
        StringBuilder out = new StringBuilder("[");
        if ((status & 0xff) == 0x7f) {
            int sig = (status >> 8) & 0xff;
            out.append("{WIFSTOPPED(s) && WSTOPSIG(s) == ").append(Signals.name(sig & 0x7f)).append((sig & 0x80) != 0 ? " | 0x80" : "").append('}');
            status &= ~((sig << 8) | 0x7f);
        } else if (low != 0 && low != 0x7f) {
            out.append("{WIFSIGNALED(s) && WTERMSIG(s) == ").append(Signals.name(low)).append((status & 0x80) != 0 ? " && WCOREDUMP(s)" : "")
                    .append('}');
            status &= ~(low | 0x80);
        } else if (low == 0) {
            out.append("{WIFEXITED(s) && WEXITSTATUS(s) == ").append((status >> 8) & 0xff).append('}');
            status &= ~(status & 0xff00);
        } else {
            return out.append(Args.hex(status & 0xffffffffL)).append(']').toString();
        }
        if (status != 0) {
            int event = status >>> 16;
            if (event != 0) {
                out.append('|').append(event).append("<<16");
                status &= 0xffff;
            }
            if (status != 0) out.append('|').append(Args.hex(status));
        }
        return out.append(']').toString();
    }

    private static String threeIds(long[] a, Captures c, int s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            if (i > 0) out.append(", ");
            byte[] b = c.bytes(i);
            out.append(a[i] == 0 ? "NULL" : b == null ? Args.pointer(a[i]) : "[" + FileCalls.id(Args.le(b).getInt(0)) + "]");
        }
        return out.toString();
    }

    private static String groups(long pointer, byte[] bytes, int s) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        StringBuilder out = new StringBuilder("[");
        int n = bytes.length / 4;
        for (int i = 0; i < n && i < s; i++) out.append(i > 0 ? ", " : "").append(FileCalls.id(b.getInt(4 * i)));
        if (n > s) out.append(s > 0 ? ", ..." : "...");
        return out.append(']').toString();
    }

    private static String capHeader(long pointer, byte[] bytes) {
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{version=" + CAP_VERSIONS.render(b.getInt(0) & 0xffffffffL, "_LINUX_CAPABILITY_VERSION_") + ", pid=" + b.getInt(4) + "}";
    }

    /** {@code {effective=1<<CAP_CHOWN|..., permitted=..., inheritable=0}} from the two 32-bit halves of each set. */
    private static String capData(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{effective=" + capSet(b, 0) + ", permitted=" + capSet(b, 4) + ", inheritable=" + capSet(b, 8) + "}";
    }

    private static String capSet(ByteBuffer b, int at) {
        long set = (b.getInt(at) & 0xffffffffL) | (long) b.getInt(at + 12) << 32;
        if (set == 0) return "0";
        StringBuilder out = new StringBuilder();
        for (int bit = 0; bit < 64; bit++) {
            if ((set & (1L << bit)) == 0) continue;
            if (!out.isEmpty()) out.append('|');
            out.append("1<<").append(bit < CAPABILITIES.length ? CAPABILITIES[bit] : Integer.toString(bit));
        }
        return out.toString();
    }
}
