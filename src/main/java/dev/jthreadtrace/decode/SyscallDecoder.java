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
        // The kernel's restart codes never reach the program (the call is restarted or a handler
        // runs first): strace shows them as "? ERESTARTSYS (...)", not as a failure.
        if (error && isRestart(ret)) return "? " + Errno.describe((int) -ret);
        if (error) return "-1 " + Errno.describe((int) -ret);
        SyscallSpec spec = Syscalls.byNumber(nr);
        return switch (spec == null ? ReturnStyle.DECIMAL : spec.returns()) {
            case HEX -> Args.hex(ret);
            case NONE -> "?";
            case DECIMAL -> Long.toString(ret);
        };
    }

    /** ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK: a call a signal interrupted, to be restarted. */
    public static boolean isRestart(long ret) {
        return ret == -512 || ret == -513 || ret == -514 || ret == -516;
    }

    /**
     * What of {@code name(arguments)} can be printed when the call begins, as strace prints it:
     * {@code name(} and the arguments known at entry, up to and including the {@code ", "} before
     * the first one the call fills in (an output buffer); every argument, without the closing
     * parenthesis, for a call whose arguments are all inputs.
     */
    public static String entryPart(int nr, long[] args, Captures captures, int stringMax) {
        String whole = call(nr, args, captures, stringMax);
        String open = whole.substring(0, whole.length() - 1); // without ")"
        int firstOutput = firstOutputArg(nr, args);
        if (firstOutput < 0) return open;
        if (firstOutput == 0) return SyscallTable.name(nr) + "(";
        // Where the rendering first depends on the output argument: render once more with another
        // value there; the common prefix, back to the last top-level ", ", is what entry knows.
        long[] other = args.clone();
        other[firstOutput] = args[firstOutput] == 0 ? 0x5a5a5a5a5a5a5a5aL : ~args[firstOutput];
        String changed = call(nr, other, captures, stringMax);
        int same = 0;
        while (same < whole.length() && same < changed.length() && whole.charAt(same) == changed.charAt(same)) same++;
        int cut = lastTopLevelComma(whole, same);
        return cut < 0 ? SyscallTable.name(nr) + "(" : whole.substring(0, cut + 2);
    }

    /**
     * The rest of a call's text after {@code entryPart}, closing parenthesis included, as strace's
     * {@code <... name resumed>} line continues it: {@code NULL)} after a clock_nanosleep's entry.
     */
    public static String resumedPart(String entryPart, String whole) {
        return whole.startsWith(entryPart) ? whole.substring(entryPart.length()) : whole.substring(whole.indexOf('(') + 1);
    }

    /** The lowest argument index the kernel writes (an AT_EXIT capture), or -1. */
    private static int firstOutputArg(int nr, long[] args) {
        int first = -1;
        for (Capture c : Syscalls.captures(nr, args)) {
            if (c.when() == Capture.When.AT_EXIT && (first < 0 || c.arg() < first)) first = c.arg();
        }
        return first;
    }

    /** The index of the last ", " before {@code limit} outside brackets, braces, parentheses and strings; -1 if none. */
    private static int lastTopLevelComma(String text, int limit) {
        int depth = 0, last = -1;
        boolean quoted = false;
        for (int i = text.indexOf('(') + 1; i < limit && i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == ' ') {
                last = i;
            }
        }
        return last;
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
