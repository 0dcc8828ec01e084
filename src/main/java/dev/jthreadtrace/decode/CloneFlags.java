package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code clone}, {@code clone3}, {@code fork} and {@code vfork}: the CLONE_* table
 * ({@code <linux/sched.h>}) and the argument layouts, rendered like strace.
 */
public final class CloneFlags {
    public static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
            CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
            CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
            CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_NEWCGROUP = 0x2000000,
            CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000,
            CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000, CLONE_IO = 0x80000000L,
            CLONE_CLEAR_SIGHAND = 0x100000000L, CLONE_INTO_CGROUP = 0x200000000L;

    public static final FlagTable TABLE = FlagTable.of(
            CLONE_VM, "CLONE_VM", CLONE_FS, "CLONE_FS", CLONE_FILES, "CLONE_FILES", CLONE_SIGHAND, "CLONE_SIGHAND",
            CLONE_PIDFD, "CLONE_PIDFD", CLONE_PTRACE, "CLONE_PTRACE", CLONE_VFORK, "CLONE_VFORK",
            CLONE_PARENT, "CLONE_PARENT", CLONE_THREAD, "CLONE_THREAD", CLONE_NEWNS, "CLONE_NEWNS",
            CLONE_SYSVSEM, "CLONE_SYSVSEM", CLONE_SETTLS, "CLONE_SETTLS", CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID",
            CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID", CLONE_DETACHED, "CLONE_DETACHED",
            CLONE_UNTRACED, "CLONE_UNTRACED", CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID",
            CLONE_NEWCGROUP, "CLONE_NEWCGROUP", CLONE_NEWUTS, "CLONE_NEWUTS", CLONE_NEWIPC, "CLONE_NEWIPC",
            CLONE_NEWUSER, "CLONE_NEWUSER", CLONE_NEWPID, "CLONE_NEWPID", CLONE_NEWNET, "CLONE_NEWNET",
            CLONE_IO, "CLONE_IO", CLONE_CLEAR_SIGHAND, "CLONE_CLEAR_SIGHAND", CLONE_INTO_CGROUP, "CLONE_INTO_CGROUP");

    /** The flags that decide what a new task shares with its creator instead of copying. */
    public static final long SHARING = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND;

    /** Sizes of {@code struct clone_args}: VER0 (5.3), VER1 adds set_tid (5.5), VER2 adds cgroup (5.7). */
    public static final int CLONE_ARGS_SIZE_VER0 = 64, CLONE_ARGS_SIZE_VER1 = 80, CLONE_ARGS_SIZE_VER2 = 88;

    private CloneFlags() {}

    /** clone's first argument: CLONE_* flags with the exit signal in the low byte ({@code ...|SIGCHLD}). */
    public static String renderCloneFlags(long flags) {
        int exitSignal = (int) (flags & 0xff);
        String names = TABLE.render(flags & ~0xffL, "");
        if (exitSignal == 0) return names.isEmpty() ? "0" : names;
        return names.isEmpty() ? Signals.name(exitSignal) : names + "|" + Signals.name(exitSignal);
    }

    /** All flag names of a spawn, for JSON: CLONE_* names and the exit signal. */
    public static List<String> names(long flags) {
        List<String> out = new ArrayList<>(TABLE.names(flags & ~0xffL));
        if ((flags & 0xff) != 0) out.add(Signals.name((int) (flags & 0xff)));
        return out;
    }

    /** x86-64 {@code clone(flags, stack, parent_tid, child_tid, tls)}, with strace's argument names. */
    public static String renderClone(long[] a) {
        return renderClone(a, null);
    }

    /** The same with what the kernel wrote at exit: the parent's copy of the child's tid ({@code parent_tid=[1234]}). */
    public static String renderClone(long[] a, byte[] parentTid) {
        long flags = a[0];
        StringBuilder out = new StringBuilder("child_stack=").append(Args.pointer(a[1]))
                .append(", flags=").append(renderCloneFlags(flags));
        if ((flags & (CLONE_PARENT_SETTID | CLONE_PIDFD)) != 0) {
            out.append(", parent_tid=").append(parentTid != null && parentTid.length == 4
                    ? "[" + Args.le(parentTid).getInt(0) + "]" : Args.pointer(a[2]));
        }
        if ((flags & CLONE_SETTLS) != 0) out.append(", tls=").append(Args.pointer(a[4]));
        if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) != 0) {
            out.append(", child_tidptr=").append(Args.pointer(a[3]));
        }
        return out.toString();
    }

    /** The fields of a captured {@code struct clone_args}. */
    public record CloneArgs(long flags, long pidfd, long childTid, long parentTid, long exitSignal, long stack,
                            long stackSize, long tls, long setTid, long setTidSize, long cgroup, int size) {
        public static CloneArgs parse(byte[] bytes) {
            ByteBuffer b = Args.le(bytes);
            int n = bytes.length;
            return new CloneArgs(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32),
                    b.getLong(40), b.getLong(48), b.getLong(56),
                    n >= CLONE_ARGS_SIZE_VER1 ? b.getLong(64) : 0, n >= CLONE_ARGS_SIZE_VER1 ? b.getLong(72) : 0,
                    n >= CLONE_ARGS_SIZE_VER2 ? b.getLong(80) : 0, n);
        }
    }

    /** At clone's exit: the tid the kernel stored at parent_tid (CLONE_PARENT_SETTID or CLONE_PIDFD), 4 bytes. */
    static byte[] gatherParentTid(MemoryReader memory, long[] args, long ret) {
        return ret > 0 && (args[0] & (CLONE_PARENT_SETTID | CLONE_PIDFD)) != 0 && args[2] != 0 ? memory.read(args[2], 4) : null;
    }

    /**
     * At clone3's exit: what the kernel stored through clone_args (re-read, as strace does): the
     * pidfd (CLONE_PIDFD) and the parent's copy of the child's tid (CLONE_PARENT_SETTID), as chunks.
     */
    static byte[] gatherStored(MemoryReader memory, long[] args, long ret) {
        if (ret <= 0 || args[0] == 0 || args[1] < CLONE_ARGS_SIZE_VER0) return null;
        byte[] head = memory.read(args[0], 32);
        if (head == null) return null;
        ByteBuffer b = Args.le(head);
        long flags = b.getLong(0);
        return new Chunks.Writer().add(head)
                .add((flags & CLONE_PIDFD) != 0 ? memory.read(b.getLong(8), 4) : null)
                .add((flags & CLONE_PARENT_SETTID) != 0 ? memory.read(b.getLong(24), 4) : null).bytes();
    }

    /** {@code clone3({flags=..., ...}, 88)}; the struct as strace prints it, or its address when unreadable. */
    public static String renderClone3(long[] a, byte[] bytes) {
        return renderClone3(a, bytes, null);
    }

    /** The same with {@code => {parent_tid=[1234]}}: what the kernel stored at exit ({@link #gatherStored}). */
    public static String renderClone3(long[] a, byte[] bytes, byte[] stored) {
        String struct;
        if (bytes == null || bytes.length < CLONE_ARGS_SIZE_VER0) {
            struct = Args.pointer(a[0]);
        } else {
            CloneArgs c = CloneArgs.parse(bytes);
            StringBuilder out = new StringBuilder("{flags=").append(TABLE.render(c.flags(), "0"));
            if ((c.flags() & CLONE_PIDFD) != 0) out.append(", pidfd=").append(Args.pointer(c.pidfd()));
            if ((c.flags() & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) != 0) {
                out.append(", child_tid=").append(Args.pointer(c.childTid()));
            }
            if ((c.flags() & CLONE_PARENT_SETTID) != 0) out.append(", parent_tid=").append(Args.pointer(c.parentTid()));
            out.append(", exit_signal=").append(c.exitSignal() == 0 ? "0" : Signals.name((int) c.exitSignal()));
            out.append(", stack=").append(Args.pointer(c.stack()));
            out.append(", stack_size=").append(Args.hex(c.stackSize()));
            if ((c.flags() & CLONE_SETTLS) != 0) out.append(", tls=").append(Args.pointer(c.tls()));
            if (c.size() >= CLONE_ARGS_SIZE_VER1 && c.setTidSize() != 0) {
                out.append(", set_tid=").append(Args.pointer(c.setTid()))
                        .append(", set_tid_size=").append(c.setTidSize());
            }
            if (c.size() >= CLONE_ARGS_SIZE_VER2 && (c.flags() & CLONE_INTO_CGROUP) != 0) {
                out.append(", cgroup=").append(c.cgroup());
            }
            struct = out.append('}').toString();
        }
        return struct + storedAtExit(stored) + ", " + Args.ulong(a[1]);
    }

    private static String storedAtExit(byte[] stored) {
        Chunks.Reader in = new Chunks.Reader(stored);
        byte[] head = in.next();
        if (head == null) return "";
        long flags = Args.le(head).getLong(0);
        byte[] pidfd = in.next(), parentTid = in.next();
        StringBuilder out = new StringBuilder();
        if ((flags & CLONE_PIDFD) != 0) out.append("pidfd=").append(pidfd == null ? "?" : "[" + Args.le(pidfd).getInt(0) + "]");
        if ((flags & CLONE_PARENT_SETTID) != 0) {
            if (!out.isEmpty()) out.append(", ");
            out.append("parent_tid=").append(parentTid == null ? "?" : "[" + Args.le(parentTid).getInt(0) + "]");
        }
        return out.isEmpty() ? "" : " => {" + out + "}";
    }
}
