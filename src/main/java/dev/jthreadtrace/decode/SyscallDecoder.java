package dev.jthreadtrace.decode;

import dev.jthreadtrace.sys.Errno;

/**
 * Turns one recorded syscall into strace's text: {@code name(args)} and {@code = ret}, using the
 * renderer and return style of its {@link Syscalls} row. Pure: it reads only the registers and the
 * memory the tracer captured. A syscall without a decoder is shown with its raw arguments in hex.
 */
public final class SyscallDecoder {
    private SyscallDecoder() {}

    /** {@code name(arguments)}. */
    public static String call(int nr, long[] args, Captures captures, int stringMax) {
        SyscallSpec spec = Syscalls.byNumber(nr);
        String rendered = spec != null && spec.decoded() ? spec.renderer().render(args, captures, stringMax) : raw(args);
        return SyscallTable.name(nr) + "(" + rendered + ")";
    }

    /**
     * {@code 1237}, {@code 0x7f2c1c000000}, {@code -1 EAGAIN (Resource temporarily unavailable)},
     * {@code ? ERESTARTSYS (To be restarted if SA_RESTART is set)} for a call a signal interrupted,
     * or {@code ?} for a call that never returned. Without the arguments and captures: no
     * descriptor path, no explanation of the value (see the other overload).
     */
    public static String result(int nr, long ret, boolean error, boolean returned) {
        return result(nr, null, ret, error, returned, Captures.NONE);
    }

    /** The same as strace prints it in full: {@code 3</etc/passwd>} with -y, {@code 0x1 (flags FD_CLOEXEC)}, {@code 0 (Timeout)}. */
    public static String result(int nr, long[] args, long ret, boolean error, boolean returned, Captures captures) {
        if (!returned) return "?";
        if (error) {
            int errno = (int) -ret;
            return (Errno.restarts(errno) ? "? " : "-1 ") + Errno.describe(errno);
        }
        SyscallSpec spec = Syscalls.byNumber(nr);
        if (spec != null && spec.result() != null && args != null) return spec.result().render(args, ret, captures);
        return switch (spec == null ? ReturnStyle.DECIMAL : spec.returns()) {
            case HEX -> Args.hex(ret);
            case NONE -> "?";
            case OCTAL -> StatStructs.octalMode(ret);
            case FD -> ret >= 0 && ret <= Integer.MAX_VALUE ? Args.fd(ret, captures.fdPath(Captures.RETURNED)) : Long.toString(ret);
            case DECIMAL -> Long.toString(ret);
        };
    }

    /** ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK: a call a signal interrupted, to be restarted. */
    public static boolean isRestart(long ret) {
        return ret < 0 && ret >= Integer.MIN_VALUE && Errno.restarts((int) -ret);
    }

    /**
     * What of {@code name(arguments)} can be printed when the call begins, as strace prints it
     * (see {@link EntrySplit}): the arguments strace decodes at entry, without the closing parenthesis.
     */
    public static String entryPart(int nr, long[] args, Captures captures, int stringMax) {
        return EntrySplit.entryPart(nr, args, captures, stringMax);
    }

    /**
     * The rest of a call's text after {@code entryPart}, closing parenthesis included, as strace's
     * {@code <... name resumed>} line continues it: {@code NULL)} after a clock_nanosleep's entry,
     * {@code , parent_tid=[1234], ...)} after a clone's.
     */
    public static String resumedPart(String entryPart, String whole) {
        return whole.startsWith(entryPart) ? whole.substring(entryPart.length()) : whole.substring(whole.indexOf('(') + 1);
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
