package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** io_uring's three calls as strace 6.1 prints them (lines taken from its output for native/uring_comm.c and decode_uring.c). */
class IoUringCallsTest {
    private static final int SETUP = SyscallTable.number("io_uring_setup").orElseThrow(),
            ENTER = SyscallTable.number("io_uring_enter").orElseThrow(),
            REGISTER = SyscallTable.number("io_uring_register").orElseThrow();

    /** A {@code struct io_uring_params} with these ints from offset 0 (sq_entries, cq_entries, flags, ...), the rest 0. */
    private static byte[] params(int... ints) {
        ByteBuffer b = ByteBuffer.allocate(IoUringCalls.PARAMS_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ints.length; i++) b.putInt(i * 4, ints[i]);
        return b.array();
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        return b.array();
    }

    @Test
    void setupShowsWhatWasAskedThenWhatTheKernelWroteBack() {
        Captures c = new Captures();
        c.put(1, params(0, 0, 2, 0, 60000));
        // as the kernel 6.18 wrote them for native/uring_comm sqpoll: 4 entries, its features (0x3e000 newer than strace 6.1)
        c.put(Captures.EXTRA, params(4, 8, 2, 0, 60000, 0x3ffff, 0, 0, 0, 0, 0, 4, 16, 24, 36, 32, 192, 0, 0, 0, 8, 12, 20, 28, 44, 64, 40));
        long[] args = {4, 0x7ffd0000L, 0, 0, 0, 0};
        String expected = "io_uring_setup(4, {flags=IORING_SETUP_SQPOLL, sq_thread_cpu=0, sq_thread_idle=60000, sq_entries=4, cq_entries=8, "
                + "features=IORING_FEAT_SINGLE_MMAP|IORING_FEAT_NODROP|IORING_FEAT_SUBMIT_STABLE|IORING_FEAT_RW_CUR_POS"
                + "|IORING_FEAT_CUR_PERSONALITY|IORING_FEAT_FAST_POLL|IORING_FEAT_POLL_32BITS|IORING_FEAT_SQPOLL_NONFIXED"
                + "|IORING_FEAT_EXT_ARG|IORING_FEAT_NATIVE_WORKERS|IORING_FEAT_RSRC_TAGS|IORING_FEAT_CQE_SKIP|IORING_FEAT_LINKED_FILE"
                + "|0x3e000, sq_off={head=0, tail=4, ring_mask=16, ring_entries=24, flags=36, dropped=32, array=192}, "
                + "cq_off={head=8, tail=12, ring_mask=20, ring_entries=28, overflow=44, cqes=64, flags=40}})";
        assertEquals(expected, SyscallDecoder.call(SETUP, args, c, 32));
        assertEquals("io_uring_setup(4, {flags=IORING_SETUP_SQPOLL, sq_thread_cpu=0, sq_thread_idle=60000",
                EntrySplit.entryPart(SETUP, args, c, 32), "strace's <unfinished ...> part: what the program asked for");
        Captures entryOnly = new Captures();
        entryOnly.put(1, c.bytes(1));
        assertEquals("io_uring_setup(4, {flags=IORING_SETUP_SQPOLL, sq_thread_cpu=0, sq_thread_idle=60000",
                EntrySplit.entryPart(SETUP, args, entryOnly, 32));
        assertEquals("io_uring_setup(4, 0x7ffd0000)", SyscallDecoder.call(SETUP, args, Captures.NONE, 32), "unreadable: the pointer");
    }

    @Test
    void setupsRareFieldsUnknownFlagsAndReservedWords() {
        Captures c = new Captures();
        c.put(1, params(0, 0, 0x1020, 3, 0, 0, 5, 0, 7));
        assertEquals("io_uring_setup(1, {flags=IORING_SETUP_ATTACH_WQ|0x1000, sq_thread_cpu=0x3, sq_thread_idle=0, wq_fd=5, "
                + "resv=[0, 0x7, 0]})", SyscallDecoder.call(SETUP, new long[] {1, 0x1000, 0, 0, 0, 0}, c, 32));
        Captures unknown = new Captures();
        unknown.put(1, params(0, 0, 0x4000));
        assertEquals("io_uring_setup(1, {flags=0x4000 /* IORING_SETUP_??? */, sq_thread_cpu=0, sq_thread_idle=0})",
                SyscallDecoder.call(SETUP, new long[] {1, 0x1000, 0, 0, 0, 0}, unknown, 32));
    }

    @Test
    void enterShowsItsFlagsAndSignalSet() {
        assertEquals("io_uring_enter(4, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0)",
                SyscallDecoder.call(ENTER, new long[] {4, 1, 1, 1, 0, 0}, Captures.NONE, 32));
        assertEquals("io_uring_enter(4, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0)",
                SyscallDecoder.call(ENTER, new long[] {4, 0, 0, 2, 0, 0}, Captures.NONE, 32));
        Captures set = new Captures();
        set.put(4, new byte[] {0, 0x10, 0, 0, 0, 0, 0, 0}); // bit 12: SIGPIPE (13)
        assertEquals("io_uring_enter(3, 0, 1, IORING_ENTER_GETEVENTS|0x40, [PIPE], 8)",
                SyscallDecoder.call(ENTER, new long[] {3, 0, 1, 0x41, 0x7ffd0000L, 8}, set, 32));
        assertEquals("io_uring_enter(3, 0, 1, IORING_ENTER_EXT_ARG, 0x7ffd0000, 24)",
                SyscallDecoder.call(ENTER, new long[] {3, 0, 1, 8, 0x7ffd0000L, 24}, Captures.NONE, 32));
    }

    @Test
    void registerShowsTheOpcodeAndItsDescriptorsOrBuffers() {
        Captures files = new Captures();
        files.put(2, new Chunks.Writer().add(ints(0, 1, -1)).add((String) null).add((String) null).add((String) null).bytes());
        assertEquals("io_uring_register(4, IORING_REGISTER_FILES, [0, 1, -1], 3)",
                SyscallDecoder.call(REGISTER, new long[] {4, 2, 0x7ffd0000L, 3, 0, 0}, files, 32));
        assertEquals("io_uring_register(4, IORING_REGISTER_FILES, [0, ...], 3)",
                SyscallDecoder.call(REGISTER, new long[] {4, 2, 0x7ffd0000L, 3, 0, 0}, files, 1), "-s 1: one element");
        assertEquals("io_uring_register(4, IORING_UNREGISTER_FILES, NULL, 0)",
                SyscallDecoder.call(REGISTER, new long[] {4, 3, 0, 0, 0, 0}, Captures.NONE, 32));
        assertEquals("io_uring_register(4, IORING_REGISTER_EVENTFD, [], 0)",
                SyscallDecoder.call(REGISTER, new long[] {4, 4, 0x7ffd0000L, 0, 0, 0}, Captures.NONE, 32));
        ByteBuffer iov = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0x7f0000001000L).putLong(4096);
        Captures buffers = new Captures();
        buffers.put(2, new Chunks.Writer().add(iov.array()).bytes());
        assertEquals("io_uring_register(4, IORING_REGISTER_BUFFERS, [{iov_base=0x7f0000001000, iov_len=4096}], 1)",
                SyscallDecoder.call(REGISTER, new long[] {4, 0, 0x7ffd0000L, 1, 0, 0}, buffers, 32));
        assertEquals("io_uring_register(4, IORING_REGISTER_PROBE, 0x7ffd0000, 256)",
                SyscallDecoder.call(REGISTER, new long[] {4, 8, 0x7ffd0000L, 256, 0, 0}, Captures.NONE, 32));
        assertEquals("io_uring_register(4, 0x1f /* IORING_REGISTER_??? */, NULL, 0)",
                SyscallDecoder.call(REGISTER, new long[] {4, 0x1f, 0, 0, 0, 0}, Captures.NONE, 32));
    }
}
