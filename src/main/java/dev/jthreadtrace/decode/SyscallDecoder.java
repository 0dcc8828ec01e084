package dev.jthreadtrace.decode;

import dev.jthreadtrace.sys.Errno;

import java.util.List;

/**
 * Turns one recorded syscall into strace's text: {@code name(args)} and {@code = ret}. Pure: it
 * reads only the registers and the memory the tracer captured. One table entry per decoded
 * syscall; any other syscall is shown with its raw arguments in hex.
 */
public final class SyscallDecoder {
    private interface ArgsRenderer {
        String render(long[] args, Captures captures, int stringMax);
    }

    private enum ReturnStyle { DECIMAL, HEX, NONE }

    private static final ArgsRenderer[] RENDERERS = new ArgsRenderer[SyscallTable.MAX_NR];
    private static final ReturnStyle[] RETURNS = new ReturnStyle[SyscallTable.MAX_NR];

    static {
        RENDERERS[SyscallTable.CLONE] = (a, c, s) -> CloneFlags.renderClone(a);
        RENDERERS[SyscallTable.CLONE3] = (a, c, s) -> CloneFlags.renderClone3(a, c.bytes(0));
        RENDERERS[SyscallTable.FORK] = (a, c, s) -> "";
        RENDERERS[SyscallTable.VFORK] = (a, c, s) -> "";
        RENDERERS[SyscallTable.FUTEX] = (a, c, s) -> FutexOps.render(a, c);
        RENDERERS[SyscallTable.FUTEX_WAITV] = (a, c, s) -> FutexOps.renderWaitv(a, c);
        RENDERERS[SyscallTable.SET_ROBUST_LIST] = (a, c, s) -> Args.pointer(a[0]) + ", " + Args.ulong(a[1]);
        RENDERERS[SyscallTable.SET_TID_ADDRESS] = (a, c, s) -> Args.pointer(a[0]);
        RENDERERS[SyscallTable.MMAP] = (a, c, s) -> MemoryFlags.renderMmap(a, c);
        RENDERERS[SyscallTable.MUNMAP] = (a, c, s) -> MemoryFlags.renderMunmap(a);
        RENDERERS[SyscallTable.MPROTECT] = (a, c, s) -> MemoryFlags.renderMprotect(a);
        RENDERERS[SyscallTable.MREMAP] = (a, c, s) -> MemoryFlags.renderMremap(a);
        RENDERERS[SyscallTable.MADVISE] = (a, c, s) -> MemoryFlags.renderMadvise(a);
        RENDERERS[SyscallTable.PRCTL] = Prctl::render;
        RENDERERS[SyscallTable.RT_SIGPROCMASK] = (a, c, s) -> sigprocmaskHow(a[0]) + ", "
                + Signals.renderSetArg(a[1], c.bytes(1)) + ", " + Signals.renderSetArg(a[2], c.bytes(2)) + ", "
                + Args.ulong(a[3]);
        RENDERERS[SyscallTable.SCHED_SETAFFINITY] = (a, c, s) -> Args.intArg(a[0]) + ", " + Args.ulong(a[1]) + ", "
                + (c.bytes(2) != null ? CpuSet.render(c.bytes(2)) : Args.pointer(a[2]));
        RENDERERS[SyscallTable.SCHED_GETAFFINITY] = RENDERERS[SyscallTable.SCHED_SETAFFINITY];
        RENDERERS[SyscallTable.SECCOMP] = (a, c, s) -> Seccomp.render(a, c);
        RENDERERS[SyscallTable.EXECVE] = (a, c, s) -> execve(c.string(0), c.strings(1), a[0], a[1], a[2], s);
        RENDERERS[SyscallTable.EXECVEAT] = (a, c, s) -> Args.intArg(a[0]) + ", "
                + execve(c.string(1), c.strings(2), a[1], a[2], a[3], s) + ", " + Args.hex(a[4]);
        RENDERERS[SyscallTable.EXIT] = (a, c, s) -> Args.intArg(a[0]);
        RENDERERS[SyscallTable.EXIT_GROUP] = RENDERERS[SyscallTable.EXIT];

        RETURNS[SyscallTable.MMAP] = ReturnStyle.HEX;
        RETURNS[SyscallTable.MREMAP] = ReturnStyle.HEX;
        RETURNS[SyscallTable.EXIT] = ReturnStyle.NONE;
        RETURNS[SyscallTable.EXIT_GROUP] = ReturnStyle.NONE;
    }

    private SyscallDecoder() {}

    /** Whether the syscall has a decoder of its own (others are printed raw). */
    public static boolean decodes(int nr) {
        return nr >= 0 && nr < RENDERERS.length && RENDERERS[nr] != null;
    }

    /** {@code name(arguments)}. */
    public static String call(int nr, long[] args, Captures captures, int stringMax) {
        ArgsRenderer renderer = decodes(nr) ? RENDERERS[nr] : null;
        String rendered = renderer != null ? renderer.render(args, captures, stringMax) : raw(args);
        return SyscallTable.name(nr) + "(" + rendered + ")";
    }

    /**
     * {@code 1237}, {@code 0x7f2c1c000000}, {@code -1 EAGAIN (Resource temporarily unavailable)},
     * or {@code ?} for a call that never returned.
     */
    public static String result(int nr, long ret, boolean error, boolean returned) {
        if (!returned) return "?";
        if (error) return "-1 " + Errno.describe((int) -ret);
        ReturnStyle style = nr >= 0 && nr < RETURNS.length && RETURNS[nr] != null ? RETURNS[nr] : ReturnStyle.DECIMAL;
        return switch (style) {
            case HEX -> Args.hex(ret);
            case NONE -> "?";
            case DECIMAL -> Long.toString(ret);
        };
    }

    private static String sigprocmaskHow(long how) {
        return switch ((int) how) {
            case 0 -> "SIG_BLOCK";
            case 1 -> "SIG_UNBLOCK";
            case 2 -> "SIG_SETMASK";
            default -> "0x" + Long.toHexString(how) + " /* SIG_??? */";
        };
    }

    private static String execve(String path, List<String> argv, long pathPointer, long argvPointer, long envp,
                                 int stringMax) {
        return (path != null ? Args.quoted(path, Math.max(stringMax, 4096)) : Args.pointer(pathPointer)) + ", "
                + (argv != null ? Args.stringArray(argv, stringMax) : Args.pointer(argvPointer)) + ", "
                + Args.pointer(envp);
    }

    private static String raw(long[] args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            if (i > 0) out.append(", ");
            out.append(Args.hex(args[i]));
        }
        return out.toString();
    }
}
