package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** {@code futex} and {@code futex_waitv} ({@code <linux/futex.h>}), decoded as strace's futex.c does. */
public final class FutexOps {
    public static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
            FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9,
            FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
    public static final int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
    public static final long FUTEX_BITSET_MATCH_ANY = 0xffffffffL;
    /** {@code sizeof(struct futex_waitv)}. */
    static final int WAITV_SIZE = 24;

    private static final ValueTable COMMANDS = ValueTable.of(
            FUTEX_WAIT, "FUTEX_WAIT", FUTEX_WAKE, "FUTEX_WAKE", FUTEX_FD, "FUTEX_FD", FUTEX_REQUEUE, "FUTEX_REQUEUE",
            FUTEX_CMP_REQUEUE, "FUTEX_CMP_REQUEUE", FUTEX_WAKE_OP, "FUTEX_WAKE_OP", FUTEX_LOCK_PI, "FUTEX_LOCK_PI",
            FUTEX_UNLOCK_PI, "FUTEX_UNLOCK_PI", FUTEX_TRYLOCK_PI, "FUTEX_TRYLOCK_PI",
            FUTEX_WAIT_BITSET, "FUTEX_WAIT_BITSET", FUTEX_WAKE_BITSET, "FUTEX_WAKE_BITSET",
            FUTEX_WAIT_REQUEUE_PI, "FUTEX_WAIT_REQUEUE_PI", FUTEX_CMP_REQUEUE_PI, "FUTEX_CMP_REQUEUE_PI",
            FUTEX_LOCK_PI2, "FUTEX_LOCK_PI2");
    private static final ValueTable WAKE_OPS = ValueTable.of(0, "FUTEX_OP_SET", 1, "FUTEX_OP_ADD", 2, "FUTEX_OP_OR",
            3, "FUTEX_OP_ANDN", 4, "FUTEX_OP_XOR");
    private static final ValueTable WAKE_CMPS = ValueTable.of(0, "FUTEX_OP_CMP_EQ", 1, "FUTEX_OP_CMP_NE",
            2, "FUTEX_OP_CMP_LT", 3, "FUTEX_OP_CMP_LE", 4, "FUTEX_OP_CMP_GT", 5, "FUTEX_OP_CMP_GE");
    private static final ValueTable FUTEX2_SIZES = ValueTable.of(0, "FUTEX2_SIZE_U8", 1, "FUTEX2_SIZE_U16",
            2, "FUTEX2_SIZE_U32", 3, "FUTEX2_SIZE_U64");
    private static final FlagTable FUTEX2_FLAGS = FlagTable.of(0x04, "FUTEX2_NUMA", 0x80, "FUTEX2_PRIVATE");

    /** The owner's tid in a PI futex word (the kernel's own record of who holds the lock). */
    public static final int FUTEX_TID_MASK = 0x3fffffff;
    /**
     * The head of glibc's {@code pthread_mutex_t} on x86-64 ({@code struct __pthread_mutex_s}):
     * {@code int __lock} (the futex word), {@code unsigned __count}, {@code int __owner} (the
     * holder's tid), {@code unsigned __nusers}, {@code int __kind}: 20 bytes.
     */
    public static final int MUTEX_HEAD = 20, MUTEX_OWNER = 8, MUTEX_NUSERS = 12, MUTEX_KIND = 16;
    /** glibc's word of a locked mutex with waiters: {@code __lll_lock_wait} sleeps with this value. */
    private static final int GLIBC_CONTENDED = 2;
    /** The {@code __kind} bits a mutex that waits with FUTEX_WAIT may have: type (0-3), robust, pshared, elision. */
    private static final int PLAIN_MUTEX_KINDS = 3 | 16 | 128 | 256 | 512;

    /** A robust futex's word: the holder has died (the kernel set it at the holder's exit). */
    public static final int FUTEX_OWNER_DIED = 0x40000000;
    /** A robust or PI futex's word: some thread waits (so the unlock must go through the kernel). */
    public static final long FUTEX_WAITERS = 0x80000000L;
    /** glibc's {@code __kind} bit of a robust mutex (PTHREAD_MUTEX_ROBUST_NORMAL_NP). */
    private static final int ROBUST_KIND = 16;

    /**
     * Who held the lock a wait is for when the wait began: the kernel's own word for a PI futex and
     * a robust mutex (both hold the owner's tid), otherwise inferred from the {@code __owner} field
     * of the glibc mutex whose word the wait is on (read from the tracee at the wait).
     */
    public record LockOwner(int tid, Source from) {
        /** Where the owner was read. */
        public enum Source {
            PI("PI futex word", "pi"), ROBUST("robust mutex word", "robust"), GLIBC("glibc mutex __owner, inferred", "glibc_mutex_inferred");

            private final String words, json;

            Source(String words, String json) {
                this.words = words;
                this.json = json;
            }

            /** {@code glibc_mutex_inferred}: the JSONL name. */
            public String json() {
                return json;
            }
        }

        /** Whether the word itself holds the tid (the kernel's ABI), not a field glibc keeps beside it. */
        public boolean exact() {
            return from != Source.GLIBC;
        }

        /** How the owner is known, for the user. */
        public String source() {
            return from.words;
        }
    }

    private FutexOps() {}

    /**
     * How many bytes at {@code uaddr} say who holds the lock a wait waits for (read at its entry):
     * a PI lock's word, or the head of a glibc mutex for a contended lock's wait (a plain mutex
     * waits with the value 2, a robust one with its owner's tid and FUTEX_WAITERS; a timed lock
     * waits with FUTEX_WAIT_BITSET); 0 for other calls.
     */
    public static int ownerBytes(long[] a) {
        int cmd = command(a[1]);
        if (cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2) return 4;
        if (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET) return 0;
        return (int) a[2] == GLIBC_CONTENDED || robustValue((int) a[2]) ? MUTEX_HEAD : 0;
    }

    /** A robust mutex's word as its waiters see it: an owner's tid with FUTEX_WAITERS, the owner alive. */
    private static boolean robustValue(int value) {
        return (value & FUTEX_WAITERS) != 0 && (value & FUTEX_OWNER_DIED) == 0 && (value & FUTEX_TID_MASK) != 0;
    }

    /**
     * The owner of the lock this wait is for, from the bytes {@link #ownerBytes} asked for; null
     * when they do not say (not read, no owner, or not shaped as a contended glibc mutex).
     */
    public static LockOwner owner(long[] a, byte[] head) {
        if (head == null || head.length < 4) return null;
        ByteBuffer b = ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int cmd = command(a[1]);
        if (cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2) {
            int tid = b.getInt(0) & FUTEX_TID_MASK;
            return tid > 0 ? new LockOwner(tid, LockOwner.Source.PI) : null;
        }
        int value = (int) a[2];
        if (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET || head.length < MUTEX_HEAD || b.getInt(0) != value) return null;
        int owner = b.getInt(MUTEX_OWNER), users = b.getInt(MUTEX_NUSERS), kind = b.getInt(MUTEX_KIND);
        boolean shaped = users > 0 && users < 1 << 20 && kind >= 0 && (kind & ~PLAIN_MUTEX_KINDS) == 0;
        if (value == GLIBC_CONTENDED) return shaped && owner > 0 ? new LockOwner(owner, LockOwner.Source.GLIBC) : null;
        // A robust mutex's word is its owner's tid (the kernel's robust-list ABI), as the wait's value says.
        boolean robust = robustValue(value) && shaped && (kind & ROBUST_KIND) != 0;
        return robust ? new LockOwner(value & FUTEX_TID_MASK, LockOwner.Source.ROBUST) : null;
    }

    /** The command without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME. */
    public static int command(long op) {
        return (int) op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    }

    /** Whether the op's fourth argument is a timeout pointer (otherwise it may be val2). */
    public static boolean hasTimeout(long op) {
        int cmd = command(op);
        return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_WAIT_BITSET
                || cmd == FUTEX_WAIT_REQUEUE_PI;
    }

    public static boolean isWait(long op) {
        int cmd = command(op);
        return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_LOCK_PI
                || cmd == FUTEX_LOCK_PI2;
    }

    public static boolean isWake(long op) {
        int cmd = command(op);
        return cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET || cmd == FUTEX_WAKE_OP || cmd == FUTEX_REQUEUE
                || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_UNLOCK_PI || cmd == FUTEX_CMP_REQUEUE_PI;
    }

    /**
     * A private FUTEX_WAIT or FUTEX_WAIT_BITSET: queued under the key (mm, address), released only by
     * a private wake of its process on that word (FUTEX_WAKE, a FUTEX_WAKE_BITSET whose bits meet
     * its own, a FUTEX_WAKE_OP's second word) or a requeue. A shared wait is keyed by the page, so
     * another process's wake may release it; a PI or requeue-PI wait is released by UNLOCK_PI or
     * CMP_REQUEUE_PI, never by a plain wake (futex_wake answers EINVAL on such a waiter).
     */
    public static boolean isPrivatePlainWait(long op) {
        int cmd = command(op);
        return (op & FUTEX_PRIVATE_FLAG) != 0 && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET);
    }

    /**
     * A private FUTEX_WAKE, or a private FUTEX_WAKE_BITSET with FUTEX_BITSET_MATCH_ANY: a wake that
     * releases every {@link #isPrivatePlainWait private plain wait} of its process queued on its
     * word, up to its count, and no other; and one that never blocks (a private key is the
     * address alone: the word is not read, so no page fault).
     */
    public static boolean isPrivatePlainWake(long[] a) {
        int cmd = command(a[1]);
        if ((a[1] & FUTEX_PRIVATE_FLAG) == 0) return false;
        return cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET && (a[5] & 0xffffffffL) == FUTEX_BITSET_MATCH_ANY;
    }

    /**
     * FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, FUTEX_CMP_REQUEUE_PI: wake up to val waiters of uaddr, move up
     * to val2 of the others to uaddr2 (woken later by a wake there), return how many it woke and moved.
     */
    public static boolean isRequeue(long op) {
        int cmd = command(op);
        return cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_CMP_REQUEUE_PI;
    }

    /** Whether the op also acts on the word at uaddr2 (a WAKE_OP wakes there, a requeue moves waiters there). */
    public static boolean hasSecondWord(long op) {
        int cmd = command(op);
        return cmd == FUTEX_WAKE_OP || cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_CMP_REQUEUE_PI;
    }

    /** {@code FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME}, as strace names ops. */
    public static String renderOp(long op) {
        int cmd = command(op);
        String name = COMMANDS.nameOrNull(cmd);
        StringBuilder out = new StringBuilder(name != null ? name : "0x" + Integer.toHexString(cmd) + " /* FUTEX_??? */");
        if ((op & FUTEX_PRIVATE_FLAG) != 0) out.append(name != null ? "_PRIVATE" : "|FUTEX_PRIVATE_FLAG");
        if ((op & FUTEX_CLOCK_REALTIME) != 0) out.append("|FUTEX_CLOCK_REALTIME");
        return out.toString();
    }

    /** {@code futex(uaddr, op, val, timeout, uaddr2, val3)}: the arguments the op uses, no others. */
    public static String render(long[] a, Captures captures) {
        long op = a[1];
        String uaddr = Args.pointer(a[0]);
        String val = Args.uintArg(a[2]);
        String timeout = Args.timespec(a[3], captures.bytes(3));
        String val2 = Args.uintArg(a[3]);
        String uaddr2 = Args.pointer(a[4]);
        String head = uaddr + ", " + renderOp(op);
        return switch (command(op)) {
            case FUTEX_WAIT -> head + ", " + val + ", " + timeout;
            case FUTEX_LOCK_PI, FUTEX_LOCK_PI2 -> head + ", " + timeout;
            case FUTEX_WAIT_BITSET -> head + ", " + val + ", " + timeout + ", " + bitset(a[5]);
            case FUTEX_WAKE_BITSET -> head + ", " + val + ", " + bitset(a[5]);
            case FUTEX_REQUEUE -> head + ", " + val + ", " + val2 + ", " + uaddr2;
            case FUTEX_CMP_REQUEUE, FUTEX_CMP_REQUEUE_PI -> head + ", " + val + ", " + val2 + ", " + uaddr2 + ", "
                    + Args.uintArg(a[5]);
            case FUTEX_WAKE_OP -> head + ", " + val + ", " + val2 + ", " + uaddr2 + ", " + wakeOp(a[5]);
            case FUTEX_WAIT_REQUEUE_PI -> head + ", " + val + ", " + timeout + ", " + uaddr2;
            case FUTEX_WAKE, FUTEX_FD -> head + ", " + val;
            case FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI -> head;
            default -> head + ", " + val + ", " + Args.hex(a[3]) + ", " + uaddr2 + ", " + Args.hex(a[5]);
        };
    }

    private static String bitset(long val3) {
        return (val3 & 0xffffffffL) == FUTEX_BITSET_MATCH_ANY ? "FUTEX_BITSET_MATCH_ANY" : Args.hex(val3 & 0xffffffffL);
    }

    /** The FUTEX_OP() encoding of val3: {@code FUTEX_OP_ADD<<28|0x1<<12|FUTEX_OP_CMP_GT<<24|0}. */
    static String wakeOp(long val3) {
        int v = (int) val3;
        StringBuilder out = new StringBuilder();
        if (((v >>> 28) & 8) != 0) out.append("FUTEX_OP_OPARG_SHIFT<<28|");
        out.append(WAKE_OPS.render((v >>> 28) & 7, "FUTEX_OP_")).append("<<28|");
        out.append(Args.hex((v >>> 12) & 0xfff)).append("<<12|");
        out.append(WAKE_CMPS.render((v >>> 24) & 0xf, "FUTEX_OP_CMP_")).append("<<24|");
        out.append(Args.hex(v & 0xfff));
        return out.toString();
    }

    private static String futex2Flags(int flags) {
        String size = FUTEX2_SIZES.render(flags & 3, "FUTEX2_SIZE_");
        String rest = FUTEX2_FLAGS.render(flags & ~3L & 0xffffffffL, "");
        return rest.isEmpty() ? size : size + "|" + rest;
    }

    /**
     * The words a futex_waitv waits on, in the order of its array ({@code struct futex_waitv}: u64
     * val, u64 uaddr, u32 flags, u32 reserved; as read at entry, at most FUTEX_WAITV_MAX); empty when it was not read.
     */
    public static long[] waitvWords(byte[] waiters) {
        if (waiters == null) return new long[0];
        ByteBuffer b = Args.le(waiters);
        long[] out = new long[waiters.length / WAITV_SIZE];
        for (int i = 0; i < out.length; i++) out[i] = b.getLong(i * WAITV_SIZE + 8);
        return out;
    }

    /**
     * The distinct words of a futex_waitv, in the order each is first listed: a vector may list a
     * word twice, and it is still one wait on that word (counted once, taken off once).
     */
    public static long[] distinctWaitvWords(byte[] waiters) {
        long[] all = waitvWords(waiters);
        long[] out = new long[all.length];
        int n = 0;
        for (long word : all) {
            boolean seen = false;
            for (int j = 0; j < n && !seen; j++) seen = out[j] == word;
            if (!seen) out[n++] = word;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** {@code futex_waitv(waiters, nr_futexes, flags, timeout, clockid)}. */
    public static String renderWaitv(long[] a, Captures captures) {
        byte[] waiters = captures.bytes(0);
        StringBuilder out = new StringBuilder();
        if (waiters == null) {
            out.append(Args.pointer(a[0]));
        } else {
            ByteBuffer b = Args.le(waiters);
            out.append('[');
            for (int i = 0; i + 24 <= waiters.length; i += 24) {
                if (i > 0) out.append(", ");
                out.append("{val=").append(Args.hex(b.getLong(i))).append(", uaddr=").append(Args.pointer(b.getLong(i + 8)))
                        .append(", flags=").append(futex2Flags(b.getInt(i + 16))).append('}');
            }
            out.append(']');
        }
        out.append(", ").append(Args.uintArg(a[1])).append(", ").append(Args.hex(a[2])).append(", ")
                .append(Args.timespec(a[3], captures.bytes(3))).append(", ")
                .append(a[4] == 0 ? "CLOCK_REALTIME" : a[4] == 1 ? "CLOCK_MONOTONIC" : Args.intArg(a[4]));
        return out.toString();
    }
}
