package dev.jthreadtrace.decode;

/**
 * {@code rseq(2)}: a thread registers (or unregisters) its restartable-sequences area. glibc does
 * it for every thread it starts, so with {@code -e rseq} each new thread shows its registration.
 * Printed as strace prints it: the area's address, its length and the abort signature in hex.
 */
final class Rseq {
    /** {@code <linux/rseq.h>}. */
    static final FlagTable FLAGS = FlagTable.of(1, "RSEQ_FLAG_UNREGISTER");

    private Rseq() {}

    static String render(long[] a) {
        return Args.pointer(a[0]) + ", " + Args.hex(a[1] & 0xffffffffL) + ", " + FLAGS.render(a[2] & 0xffffffffL, "0")
                + ", " + Args.hex(a[3] & 0xffffffffL);
    }
}
