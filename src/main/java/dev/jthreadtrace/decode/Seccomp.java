package dev.jthreadtrace.decode;

/** {@code seccomp(operation, flags, args)} ({@code <linux/seccomp.h>}). */
public final class Seccomp {
    public static final int SECCOMP_SET_MODE_STRICT = 0, SECCOMP_SET_MODE_FILTER = 1;
    private static final ValueTable OPERATIONS = ValueTable.of(0, "SECCOMP_SET_MODE_STRICT", 1, "SECCOMP_SET_MODE_FILTER",
            2, "SECCOMP_GET_ACTION_AVAIL", 3, "SECCOMP_GET_NOTIF_SIZES");
    private static final FlagTable FLAGS = FlagTable.of(1, "SECCOMP_FILTER_FLAG_TSYNC", 2, "SECCOMP_FILTER_FLAG_LOG",
            4, "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 8, "SECCOMP_FILTER_FLAG_NEW_LISTENER",
            16, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH", 32, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    private Seccomp() {}

    public static String render(long[] a, Captures captures) {
        String head = OPERATIONS.render(a[0], "SECCOMP_SET_MODE_") + ", " + FLAGS.render(a[1], "0");
        byte[] prog = captures.bytes(2);
        if (a[0] == SECCOMP_SET_MODE_FILTER && prog != null) {
            var b = Args.le(prog);
            return head + ", {len=" + (b.getShort(0) & 0xffff) + ", filter=" + Args.pointer(b.getLong(8)) + "}";
        }
        return head + ", " + Args.pointer(a[2]);
    }
}
