package dev.jthreadtrace.decode;

import java.util.ArrayList;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;
import static dev.jthreadtrace.decode.ReturnStyle.FD;

/**
 * The registry rows of the calls on descriptors ({@code %desc} without the file, socket and poll
 * ones): reading and writing (buffers as strace quotes them, cut at {@code -s}), seeking,
 * duplicating, pipes, fcntl ({@link Fcntl}), ioctl ({@link Ioctls}), locks, syncing.
 */
final class DescriptorCalls {
    static final FlagTable FLOCK = FlagTable.of(1, "LOCK_SH", 2, "LOCK_EX", 4, "LOCK_NB", 8, "LOCK_UN", 32, "LOCK_MAND",
            192, "LOCK_RW", 64, "LOCK_READ", 128, "LOCK_WRITE");
    static final ValueTable ADVICE = ValueTable.of(0, "POSIX_FADV_NORMAL", 1, "POSIX_FADV_RANDOM", 2, "POSIX_FADV_SEQUENTIAL",
            3, "POSIX_FADV_WILLNEED", 4, "POSIX_FADV_DONTNEED", 5, "POSIX_FADV_NOREUSE");
    static final FlagTable RWF = FlagTable.of(1, "RWF_HIPRI", 2, "RWF_DSYNC", 4, "RWF_SYNC", 8, "RWF_NOWAIT", 16, "RWF_APPEND");

    private DescriptorCalls() {}

    private static Capture fd(int arg) {
        return new Capture.ShownFdPath(arg);
    }

    private static Capture read(int arg) {
        return new Capture.BytesSizedByReturn(arg, Capture.SHOWN);
    }

    static Capture written(int arg, int lengthArg) {
        return new Capture.BytesSizedByArg(arg, lengthArg, Capture.SHOWN, AT_ENTRY);
    }

    static List<SyscallSpec> rows() {
        Capture returned = new Capture.ReturnedFdPath();
        return List.of(
                Row.of("read").capture(fd(0), read(1)).render(DescriptorCalls::io),
                Row.of("write").capture(fd(0), written(1, 2)).render(DescriptorCalls::io),
                Row.of("pread64").capture(fd(0), read(1)).render((a, c, s) -> io(a, c, s) + ", " + a[3]),
                Row.of("pwrite64").capture(fd(0), written(1, 2)).render((a, c, s) -> io(a, c, s) + ", " + a[3]),
                Row.of("readv").capture(fd(0), new Capture.Gather(1, AT_EXIT, Iovecs.of(1, 2, true))).render(DescriptorCalls::vector),
                Row.of("writev").capture(fd(0), new Capture.Gather(1, AT_ENTRY, Iovecs.of(1, 2, false))).render(DescriptorCalls::vector),
                Row.of("preadv").capture(fd(0), new Capture.Gather(1, AT_EXIT, Iovecs.of(1, 2, true)))
                        .render((a, c, s) -> vector(a, c, s) + ", " + a[3]),
                Row.of("pwritev").capture(fd(0), new Capture.Gather(1, AT_ENTRY, Iovecs.of(1, 2, false)))
                        .render((a, c, s) -> vector(a, c, s) + ", " + a[3]),
                Row.of("preadv2").capture(fd(0), new Capture.Gather(1, AT_EXIT, Iovecs.of(1, 2, true)))
                        .render((a, c, s) -> vector(a, c, s) + ", " + a[3] + ", " + RWF.render(a[5] & 0xffffffffL, "0", "RWF_")),
                Row.of("pwritev2").capture(fd(0), new Capture.Gather(1, AT_ENTRY, Iovecs.of(1, 2, false)))
                        .render((a, c, s) -> vector(a, c, s) + ", " + a[3] + ", " + RWF.render(a[5] & 0xffffffffL, "0", "RWF_")),
                Row.of("lseek").capture(fd(0))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + a[1] + ", " + Fcntl.WHENCE.render(a[2] & 0xffffffffL, "SEEK_")),
                Row.of("close").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0)),
                Row.of("dup").returns(FD).capture(fd(0), returned).render((a, c, s) -> Args.fd(a, c, 0)),
                Row.of("dup2").returns(FD).capture(fd(0), fd(1), returned)
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Args.fd(a, c, 1)),
                Row.of("dup3").returns(FD).capture(fd(0), fd(1), returned)
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Args.fd(a, c, 1) + ", " + OpenFlags.renderFlagsOnly(a[2])),
                Row.of("pipe").capture(new Capture.Gather(0, AT_EXIT, PipeFds::gatherPipe))
                        .render((a, c, s) -> PipeFds.render(a[0], c, 0)),
                Row.of("pipe2").capture(new Capture.Gather(0, AT_EXIT, PipeFds::gatherPipe))
                        .render((a, c, s) -> PipeFds.render(a[0], c, 0) + ", " + OpenFlags.renderFlagsOnly(a[1])),
                Row.of("fcntl").capture(DescriptorCalls::fcntlCaptures).result(Fcntl::result).render(Fcntl::render),
                Row.of("ioctl").capture(Ioctls::captures).render(Ioctls::render),
                Row.of("flock").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0) + ", " + FLOCK.render(a[1] & 0xffffffffL, "0", "LOCK_")),
                Row.of("fadvise64").capture(fd(0))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + a[1] + ", " + a[2] + ", " + ADVICE.render(a[3] & 0xffffffffL, "POSIX_FADV_")),
                Row.of("ftruncate").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0) + ", " + a[1]),
                Row.of("fsync").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0)),
                Row.of("fdatasync").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0)),
                Row.of("syncfs").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0)),
                Row.of("copy_file_range").capture(fd(0), new Capture.Bytes(1, 8, AT_ENTRY), fd(2), new Capture.Bytes(3, 8, AT_ENTRY))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + offset(a[1], c.bytes(1)) + ", " + Args.fd(a, c, 2) + ", "
                                + offset(a[3], c.bytes(3)) + ", " + Args.ulong(a[4]) + ", " + Args.uintArg(a[5])),
                Row.of("sendfile").capture(fd(0), fd(1), new Capture.Bytes(2, 8, AT_ENTRY),
                                new Capture.Gather(Captures.EXTRA, AT_EXIT, DescriptorCalls::offsetAfter))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Args.fd(a, c, 1) + ", " + offset(a[2], c.bytes(2))
                                + (c.has(Captures.EXTRA) ? " => " + offset(a[2], c.bytes(Captures.EXTRA)) : "") + ", " + Args.ulong(a[3])));
    }

    /** {@code 3, "data"..., 832}: fd, buffer, count. */
    static String io(long[] a, Captures c, int s) {
        return Args.fd(a, c, 0) + ", " + Quote.buffer(a[1], c.bytes(1), s) + ", " + Args.ulong(a[2]);
    }

    /** {@code 3, [{iov_base="...", iov_len=4}], 1}: fd, iovecs, count. */
    private static String vector(long[] a, Captures c, int s) {
        return Args.fd(a, c, 0) + ", " + Iovecs.render(new Chunks.Reader(c.bytes(1)), a[1], a[2], s) + ", " + Args.intArg(a[2]);
    }

    /** An {@code loff_t *} in/out offset: {@code NULL} or {@code [4096]}, as it was at entry. */
    private static String offset(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        return bytes == null ? Args.pointer(pointer) : "[" + Args.le(bytes).getLong(0) + "]";
    }

    /** sendfile's offset at exit, when it moved (something was sent). */
    private static byte[] offsetAfter(MemoryReader memory, long[] args, long ret) {
        return ret > 0 && args[2] != 0 ? memory.read(args[2], 8) : null;
    }

    private static List<Capture> fcntlCaptures(long[] a) {
        List<Capture> out = new ArrayList<>(List.of(fd(0)));
        if (Fcntl.setsLock(a[1])) out.add(new Capture.Bytes(2, Fcntl.FLOCK_SIZE, AT_ENTRY));
        if (Fcntl.getsLock(a[1])) out.add(new Capture.Bytes(2, Fcntl.FLOCK_SIZE, AT_EXIT));
        if ((int) a[1] == Fcntl.F_DUPFD || (int) a[1] == Fcntl.F_DUPFD_CLOEXEC) out.add(new Capture.ReturnedFdPath());
        return out;
    }
}
