package dev.jthreadtrace.decode;

import java.util.Arrays;

/** {@code prctl} ({@code <linux/prctl.h>}): the options that change what threads inherit are decoded in full. */
public final class Prctl {
    public static final int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15,
            PR_GET_NAME = 16, PR_GET_SECCOMP = 21, PR_SET_SECCOMP = 22, PR_SET_NO_NEW_PRIVS = 38,
            PR_GET_NO_NEW_PRIVS = 39, PR_SET_CHILD_SUBREAPER = 36;

    private static final ValueTable OPTIONS = ValueTable.of(1, "PR_SET_PDEATHSIG", 2, "PR_GET_PDEATHSIG",
            3, "PR_GET_DUMPABLE", 4, "PR_SET_DUMPABLE", 8, "PR_SET_KEEPCAPS", 7, "PR_GET_KEEPCAPS",
            15, "PR_SET_NAME", 16, "PR_GET_NAME", 21, "PR_GET_SECCOMP", 22, "PR_SET_SECCOMP",
            23, "PR_CAPBSET_READ", 24, "PR_CAPBSET_DROP", 29, "PR_SET_TIMERSLACK", 30, "PR_GET_TIMERSLACK",
            36, "PR_SET_CHILD_SUBREAPER", 37, "PR_GET_CHILD_SUBREAPER", 38, "PR_SET_NO_NEW_PRIVS",
            39, "PR_GET_NO_NEW_PRIVS", 0x59616d61, "PR_SET_PTRACER", 35, "PR_SET_MM", 41, "PR_SET_THP_DISABLE",
            42, "PR_GET_THP_DISABLE", 47, "PR_CAP_AMBIENT", 53, "PR_SET_SPECULATION_CTRL", 0x53564d41, "PR_SET_VMA");
    private static final ValueTable SECCOMP_MODES = ValueTable.of(0, "SECCOMP_MODE_DISABLED", 1, "SECCOMP_MODE_STRICT",
            2, "SECCOMP_MODE_FILTER");

    private Prctl() {}

    /**
     * A name as strace prints it: what precedes the NUL within {@code limit} bytes (15 for
     * PR_SET_NAME, 16 for PR_GET_NAME); when they hold none, those bytes and {@code ...}.
     */
    private static String threadName(long pointer, byte[] name, int limit, int stringMax) {
        if (name == null) return Args.pointer(pointer);
        boolean cut = name.length >= limit;
        byte[] shown = cut ? Arrays.copyOf(name, limit) : name;
        return Quote.buffer(pointer, shown, stringMax) + (cut && shown.length <= stringMax ? "..." : "");
    }

    private static final int TASK_COMM_LEN = 16;

    public static String render(long[] a, Captures captures, int stringMax) {
        int option = (int) a[0];
        String name = OPTIONS.render(option & 0xffffffffL, "PR_");
        return switch (option) {
            case PR_SET_NAME -> name + ", " + threadName(a[1], captures.bytes(1), TASK_COMM_LEN - 1, stringMax);
            case PR_GET_NAME -> name + ", " + threadName(a[1], captures.bytes(1), TASK_COMM_LEN, stringMax);
            case PR_SET_PDEATHSIG -> name + ", " + (a[1] == 0 ? "0" : Signals.name((int) a[1]));
            case PR_GET_PDEATHSIG -> name + ", " + Args.pointer(a[1]);
            case PR_SET_NO_NEW_PRIVS -> name + ", " + Args.ulong(a[1]) + ", " + Args.ulong(a[2]) + ", "
                    + Args.ulong(a[3]) + ", " + Args.ulong(a[4]);
            case PR_SET_SECCOMP -> name + ", " + SECCOMP_MODES.render(a[1], "SECCOMP_MODE_")
                    + (a[1] == 2 ? ", " + Args.pointer(a[2]) : "");
            case PR_GET_SECCOMP, PR_GET_NO_NEW_PRIVS, 3 -> name;
            default -> name + ", " + Args.hex(a[1]) + ", " + Args.hex(a[2]) + ", " + Args.hex(a[3]) + ", "
                    + Args.hex(a[4]);
        };
    }
}
