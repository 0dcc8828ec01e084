package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;

/**
 * The registry rows of io_uring's three calls, decoded as strace 6.1's {@code src/io_uring.c} prints
 * them (strace 6.1 is the oracle on these machines, so its {@code xlat/uring_*.in} tables are the
 * names; a flag a newer kernel adds stays hex, as strace 6.1 shows it):
 * <ul>
 *   <li>{@code io_uring_setup(4, {flags=IORING_SETUP_SQPOLL, sq_thread_cpu=0, sq_thread_idle=60000,
 *   sq_entries=4, cq_entries=8, features=..., sq_off={...}, cq_off={...}}) = 3}: the parameters the
 *   program asked for, read at entry, then what the kernel wrote back, read at exit;</li>
 *   <li>{@code io_uring_enter(3, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) = 1}: fd, to_submit,
 *   min_complete, flags, the signal set and its size;</li>
 *   <li>{@code io_uring_register(3, IORING_REGISTER_FILES, [0, 1], 2) = 0}: fd, opcode, arg,
 *   nr_args.</li>
 * </ul>
 * Left as the pointer strace would decode further: the arguments of the register opcodes other than
 * the descriptor arrays ({@code IORING_REGISTER_FILES}, {@code _EVENTFD}, {@code _EVENTFD_ASYNC}) and
 * the buffers ({@code IORING_REGISTER_BUFFERS}): the probe, file updates, restrictions, the resource
 * and ring-fd structures, io-wq affinity and workers, buffer rings.
 */
final class IoUringCalls {
    /** strace 6.1's {@code uring_setup_flags}. */
    static final FlagTable SETUP_FLAGS = FlagTable.of(1, "IORING_SETUP_IOPOLL", 2, "IORING_SETUP_SQPOLL", 4, "IORING_SETUP_SQ_AFF",
            8, "IORING_SETUP_CQSIZE", 0x10, "IORING_SETUP_CLAMP", 0x20, "IORING_SETUP_ATTACH_WQ", 0x40, "IORING_SETUP_R_DISABLED",
            0x80, "IORING_SETUP_SUBMIT_ALL", 0x100, "IORING_SETUP_COOP_TASKRUN", 0x200, "IORING_SETUP_TASKRUN_FLAG",
            0x400, "IORING_SETUP_SQE128", 0x800, "IORING_SETUP_CQE32");
    /** strace 6.1's {@code uring_setup_features}. */
    static final FlagTable FEATURES = FlagTable.of(1, "IORING_FEAT_SINGLE_MMAP", 2, "IORING_FEAT_NODROP",
            4, "IORING_FEAT_SUBMIT_STABLE", 8, "IORING_FEAT_RW_CUR_POS", 0x10, "IORING_FEAT_CUR_PERSONALITY",
            0x20, "IORING_FEAT_FAST_POLL", 0x40, "IORING_FEAT_POLL_32BITS", 0x80, "IORING_FEAT_SQPOLL_NONFIXED",
            0x100, "IORING_FEAT_EXT_ARG", 0x200, "IORING_FEAT_NATIVE_WORKERS", 0x400, "IORING_FEAT_RSRC_TAGS",
            0x800, "IORING_FEAT_CQE_SKIP", 0x1000, "IORING_FEAT_LINKED_FILE");
    /** strace 6.1's {@code uring_enter_flags}. */
    static final FlagTable ENTER_FLAGS = FlagTable.of(1, "IORING_ENTER_GETEVENTS", 2, "IORING_ENTER_SQ_WAKEUP",
            4, "IORING_ENTER_SQ_WAIT", 8, "IORING_ENTER_EXT_ARG", 0x10, "IORING_ENTER_REGISTERED_RING");
    /** strace 6.1's {@code uring_register_opcodes}. */
    static final ValueTable REGISTER_OPCODES = ValueTable.of(0, "IORING_REGISTER_BUFFERS", 1, "IORING_UNREGISTER_BUFFERS",
            2, "IORING_REGISTER_FILES", 3, "IORING_UNREGISTER_FILES", 4, "IORING_REGISTER_EVENTFD", 5, "IORING_UNREGISTER_EVENTFD",
            6, "IORING_REGISTER_FILES_UPDATE", 7, "IORING_REGISTER_EVENTFD_ASYNC", 8, "IORING_REGISTER_PROBE",
            9, "IORING_REGISTER_PERSONALITY", 10, "IORING_UNREGISTER_PERSONALITY", 11, "IORING_REGISTER_RESTRICTIONS",
            12, "IORING_REGISTER_ENABLE_RINGS", 13, "IORING_REGISTER_FILES2", 14, "IORING_REGISTER_FILES_UPDATE2",
            15, "IORING_REGISTER_BUFFERS2", 16, "IORING_REGISTER_BUFFERS_UPDATE", 17, "IORING_REGISTER_IOWQ_AFF",
            18, "IORING_UNREGISTER_IOWQ_AFF", 19, "IORING_REGISTER_IOWQ_MAX_WORKERS", 20, "IORING_REGISTER_RING_FDS",
            21, "IORING_UNREGISTER_RING_FDS", 22, "IORING_REGISTER_PBUF_RING", 23, "IORING_UNREGISTER_PBUF_RING");
    static final int IORING_REGISTER_BUFFERS = 0, IORING_REGISTER_FILES = 2, IORING_REGISTER_EVENTFD = 4,
            IORING_REGISTER_EVENTFD_ASYNC = 7;
    private static final int IORING_SETUP_ATTACH_WQ = 0x20;
    /** {@code struct io_uring_params}: its size, and where its parts are. */
    static final int PARAMS_SIZE = 120;
    private static final int SQ_ENTRIES = 0, CQ_ENTRIES = 4, FLAGS = 8, SQ_THREAD_CPU = 12, SQ_THREAD_IDLE = 16, FEATURES_AT = 20,
            WQ_FD = 24, RESV = 28, SQ_OFF = 40, CQ_OFF = 80;
    /** The u32 fields of {@code struct io_sqring_offsets} and {@code io_cqring_offsets}, in order; then resv1 (u32) and resv2 (u64). */
    private static final List<String> SQ_OFFSETS = List.of("head", "tail", "ring_mask", "ring_entries", "flags", "dropped", "array"),
            CQ_OFFSETS = List.of("head", "tail", "ring_mask", "ring_entries", "overflow", "cqes", "flags");
    private static final int FD_SIZE = 4, IOVEC_SIZE = Iovecs.IOVEC_SIZE;

    private IoUringCalls() {}

    static List<SyscallSpec> rows() {
        Capture ringFd = new Capture.ShownFdPath(0);
        return List.of(
                Row.of("io_uring_setup").returns(ReturnStyle.FD)
                        .capture(new Capture.Bytes(1, PARAMS_SIZE, AT_ENTRY),
                                new Capture.Gather(Captures.EXTRA, Capture.When.AT_EXIT, IoUringCalls::gatherParamsAtExit),
                                new Capture.ReturnedFdPath())
                        .render(IoUringCalls::setup),
                Row.of("io_uring_enter").capture(a -> a[4] == 0 ? List.of(ringFd)
                                : List.of(ringFd, new Capture.Bytes(4, Signals.SIGSET_SIZE, AT_ENTRY)))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Args.uintArg(a[1]) + ", " + Args.uintArg(a[2]) + ", "
                                + ENTER_FLAGS.render(a[3] & 0xffffffffL, "0", "IORING_ENTER_") + ", "
                                + PollCalls.sigmask(a[4], c.bytes(4), a[5]) + ", " + Args.ulong(a[5])),
                Row.of("io_uring_register").capture(a -> List.of(ringFd, new Capture.Gather(2, AT_ENTRY, IoUringCalls::gatherArg)))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + REGISTER_OPCODES.render(a[1] & 0xffffffffL, "IORING_REGISTER_")
                                + ", " + registerArg(a, c, s) + ", " + Args.uintArg(a[3])));
    }

    // ---- io_uring_setup

    /** At the exit of a ring set up: the parameters the kernel wrote back (strace 6.1 shows none for a failed call). */
    private static byte[] gatherParamsAtExit(MemoryReader memory, long[] a, long ret) {
        return a[1] == 0 || ret < 0 ? null : memory.read(a[1], PARAMS_SIZE);
    }

    /** {@code 4, {flags=0, sq_thread_cpu=0, sq_thread_idle=0, sq_entries=4, ..., cq_off={...}}}; the pointer when unreadable. */
    private static String setup(long[] a, Captures c, int s) {
        byte[] asked = c.bytes(1);
        String entries = Args.uintArg(a[0]) + ", ";
        if (asked == null || asked.length < PARAMS_SIZE) return entries + Args.pointer(a[1]);
        ByteBuffer in = Args.le(asked);
        int flags = in.getInt(FLAGS);
        StringBuilder out = new StringBuilder(entries).append("{flags=").append(SETUP_FLAGS.render(flags & 0xffffffffL, "0", "IORING_SETUP_"))
                .append(", sq_thread_cpu=").append(Args.hex(in.getInt(SQ_THREAD_CPU) & 0xffffffffL))
                .append(", sq_thread_idle=").append(Args.uintArg(in.getInt(SQ_THREAD_IDLE)));
        if ((flags & IORING_SETUP_ATTACH_WQ) != 0) out.append(", wq_fd=").append(Args.intArg(in.getInt(WQ_FD)));
        if (in.getInt(RESV) != 0 || in.getInt(RESV + 4) != 0 || in.getInt(RESV + 8) != 0) {
            out.append(", resv=[").append(Args.hex(in.getInt(RESV) & 0xffffffffL)).append(", ")
                    .append(Args.hex(in.getInt(RESV + 4) & 0xffffffffL)).append(", ").append(Args.hex(in.getInt(RESV + 8) & 0xffffffffL))
                    .append(']');
        }
        byte[] written = c.bytes(Captures.EXTRA);
        if (written != null && written.length == PARAMS_SIZE) {
            ByteBuffer back = Args.le(written);
            out.append(", sq_entries=").append(Args.uintArg(back.getInt(SQ_ENTRIES)))
                    .append(", cq_entries=").append(Args.uintArg(back.getInt(CQ_ENTRIES)))
                    .append(", features=").append(FEATURES.render(back.getInt(FEATURES_AT) & 0xffffffffL, "0", "IORING_FEAT_"))
                    .append(", sq_off=").append(offsets(back, SQ_OFF, SQ_OFFSETS))
                    .append(", cq_off=").append(offsets(back, CQ_OFF, CQ_OFFSETS));
        }
        return out.append('}').toString();
    }

    /** {@code {head=0, tail=4, ..., array=192}}, with {@code resv1}/{@code resv2} in hex when set. */
    private static String offsets(ByteBuffer b, int at, List<String> names) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            out.append(i > 0 ? ", " : "").append(names.get(i)).append('=').append(Args.uintArg(b.getInt(at + 4 * i)));
        }
        int resv1 = b.getInt(at + 28);
        long resv2 = b.getLong(at + 32);
        if (resv1 != 0) out.append(", resv1=").append(Args.hex(resv1 & 0xffffffffL));
        if (resv2 != 0) out.append(", resv2=").append(Args.hex(resv2));
        return out.append('}').toString();
    }

    // ---- io_uring_register

    /** The element size of an opcode's array argument, or 0 when the argument is shown as a pointer. */
    private static int elementSize(long opcode) {
        return switch ((int) opcode == opcode ? (int) opcode : -1) {
            case IORING_REGISTER_FILES, IORING_REGISTER_EVENTFD, IORING_REGISTER_EVENTFD_ASYNC -> FD_SIZE;
            case IORING_REGISTER_BUFFERS -> IOVEC_SIZE;
            default -> 0;
        };
    }

    /** At entry, an array argument: as many elements as a line shows and one more, then each descriptor's path (-y). */
    private static byte[] gatherArg(MemoryReader memory, long[] a, long ret) {
        int size = elementSize(a[1] & 0xffffffffL);
        long count = a[3] & 0xffffffffL;
        if (size == 0 || a[2] == 0 || count == 0) return null;
        int n = (int) Math.min(count, memory.bufferLimit());
        byte[] array = memory.read(a[2], n * size);
        if (array == null) array = memory.read(a[2], size); // strace prints what it could read, then "..."
        if (array == null) return null;
        Chunks.Writer out = new Chunks.Writer().add(array);
        if (size == FD_SIZE) {
            ByteBuffer b = Args.le(array);
            for (int i = 0; i < array.length / FD_SIZE; i++) out.add(memory.fdPath(b.getInt(i * FD_SIZE)));
        }
        return out.bytes();
    }

    /**
     * strace's print_array of an opcode's argument: {@code [3, 4]} (descriptors), {@code
     * [{iov_base=0x7f..., iov_len=4096}]} (buffers, by address), at most {@code -s} elements then
     * {@code ...}; {@code []} for none; the pointer for any other opcode or unreadable memory.
     */
    private static String registerArg(long[] a, Captures c, int s) {
        int size = elementSize(a[1] & 0xffffffffL);
        long count = a[3] & 0xffffffffL;
        if (size == 0 || a[2] == 0) return Args.pointer(a[2]);
        if (count == 0) return "[]";
        Chunks.Reader in = new Chunks.Reader(c.bytes(2));
        byte[] array = in.next();
        if (array == null) return Args.pointer(a[2]);
        ByteBuffer b = Args.le(array);
        int read = array.length / size;
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < read && i < count; i++) {
            if (i > 0) out.append(", ");
            if (i >= s) return out.append("...]").toString();
            if (size == FD_SIZE) {
                out.append(Args.fd(b.getInt(i * FD_SIZE), c.shownPath(in.nextString())));
            } else {
                out.append("{iov_base=").append(Args.pointer(b.getLong(i * IOVEC_SIZE))).append(", iov_len=")
                        .append(Long.toUnsignedString(b.getLong(i * IOVEC_SIZE + 8))).append('}');
            }
        }
        if (read < count && read < s) out.append(", ...").append(" /* ").append(Args.pointer(a[2] + (long) read * size)).append(" */");
        return out.append(']').toString();
    }
}
