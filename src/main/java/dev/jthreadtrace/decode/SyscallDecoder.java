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
     * or {@code ?} for a call that never returned.
     */
    public static String result(int nr, long ret, boolean error, boolean returned) {
        if (!returned) return "?";
        if (error) return "-1 " + Errno.describe((int) -ret);
        SyscallSpec spec = Syscalls.byNumber(nr);
        return switch (spec == null ? ReturnStyle.DECIMAL : spec.returns()) {
            case HEX -> Args.hex(ret);
            case NONE -> "?";
            case DECIMAL -> Long.toString(ret);
        };
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
