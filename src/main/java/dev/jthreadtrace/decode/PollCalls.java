package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;
import static dev.jthreadtrace.decode.ReturnStyle.FD;

/**
 * The registry rows of the waiting-for-descriptors calls and their renderers: poll and ppoll
 * ({@code = 1 ([{fd=3, revents=POLLIN}])}), select and pselect6 ({@code = 2 (in [3], out [4], left
 * {...})}), the epoll family, eventfd and timerfd.
 */
final class PollCalls {
    static final FlagTable POLL = FlagTable.of(0x1, "POLLIN", 0x2, "POLLPRI", 0x4, "POLLOUT", 0x8, "POLLERR", 0x10, "POLLHUP",
            0x20, "POLLNVAL", 0x40, "POLLRDNORM", 0x80, "POLLRDBAND", 0x100, "POLLWRNORM", 0x200, "POLLWRBAND", 0x400, "POLLMSG",
            0x1000, "POLLREMOVE", 0x2000, "POLLRDHUP", 0x8000, "POLL_BUSY_LOOP");
    static final FlagTable EPOLL_EVENTS = FlagTable.of(0x1, "EPOLLIN", 0x2, "EPOLLPRI", 0x4, "EPOLLOUT", 0x8, "EPOLLERR",
            0x10, "EPOLLHUP", 0x20, "EPOLLNVAL", 0x40, "EPOLLRDNORM", 0x80, "EPOLLRDBAND", 0x100, "EPOLLWRNORM",
            0x200, "EPOLLWRBAND", 0x400, "EPOLLMSG", 0x2000, "EPOLLRDHUP", 0x10000000, "EPOLLEXCLUSIVE", 0x20000000, "EPOLLWAKEUP",
            0x40000000, "EPOLLONESHOT", 0x80000000L, "EPOLLET");
    static final ValueTable EPOLL_CTL = ValueTable.of(1, "EPOLL_CTL_ADD", 2, "EPOLL_CTL_DEL", 3, "EPOLL_CTL_MOD");
    static final FlagTable EPOLL_FLAGS = FlagTable.of(02000000, "EPOLL_CLOEXEC");
    static final FlagTable EFD_FLAGS = FlagTable.of(1, "EFD_SEMAPHORE", 02000000, "EFD_CLOEXEC", 04000, "EFD_NONBLOCK");
    static final FlagTable TFD_FLAGS = FlagTable.of(1, "TFD_TIMER_ABSTIME", 2, "TFD_TIMER_CANCEL_ON_SET", 02000000, "TFD_CLOEXEC",
            04000, "TFD_NONBLOCK");
    private static final int EPOLL_CTL_DEL = 2;
    private static final int POLLFD = 8, EPOLL_EVENT = 12, MAX_POLLFDS = 4096, MAX_FDSET = 1024 * 1024 / 8;

    private PollCalls() {}

    private static Capture fd(int arg) {
        return new Capture.ShownFdPath(arg);
    }

    static List<SyscallSpec> rows() {
        Capture returned = new Capture.ReturnedFdPath();
        // read at entry too, as strace does: a line printed when the call begins shows the array ('<unfinished ...>')
        Capture pollfdsIn = new Capture.Gather(0, AT_ENTRY, PollCalls::gatherPollfds);
        Capture pollfds = new Capture.Gather(0, AT_EXIT, PollCalls::gatherPollfds);
        return List.of(
                Row.of("poll").capture(pollfdsIn, pollfds).result((a, r, c) -> pollResult(c, r, null))
                        .render((a, c, s) -> pollfds(a, c, s) + ", " + Args.intArg(a[2])),
                Row.of("ppoll").capture(pollfdsIn, pollfds, new Capture.Bytes(2, Times.TIMESPEC, AT_ENTRY), new Capture.Bytes(3, 8, AT_ENTRY),
                                new Capture.Gather(Captures.EXTRA, AT_EXIT, (m, a, r) -> a[2] == 0 ? null : m.read(a[2], Times.TIMESPEC)))
                        .result((a, r, c) -> pollResult(c, r, a[2] == 0 ? null : Times.timespec(a[2], c.bytes(Captures.EXTRA))))
                        .render((a, c, s) -> pollfds(a, c, s) + ", " + Times.timespec(a[2], c.bytes(2)) + ", "
                                + sigmask(a[3], c.bytes(3), a[4]) + ", " + Args.ulong(a[4])),
                Row.of("select").capture(new Capture.Gather(1, AT_ENTRY, PollCalls::gatherFdSets),
                                new Capture.Bytes(4, Times.TIMEVAL, AT_ENTRY), new Capture.Gather(Captures.EXTRA, AT_EXIT, PollCalls::gatherLeft))
                        .result((a, r, c) -> selectResult(a, r, c, true)).render((a, c, s) -> select(a, c, true)),
                Row.of("pselect6").capture(new Capture.Gather(1, AT_ENTRY, PollCalls::gatherFdSets),
                                new Capture.Bytes(4, Times.TIMESPEC, AT_ENTRY), new Capture.Gather(5, AT_ENTRY, PollCalls::gatherSigmaskPair),
                                new Capture.Gather(Captures.EXTRA, AT_EXIT, PollCalls::gatherLeft))
                        .result((a, r, c) -> selectResult(a, r, c, false)).render((a, c, s) -> select(a, c, false)),
                Row.of("epoll_create").returns(FD).capture(returned).render((a, c, s) -> Args.intArg(a[0])),
                Row.of("epoll_create1").returns(FD).capture(returned)
                        .render((a, c, s) -> EPOLL_FLAGS.render(a[0] & 0xffffffffL, "0", "EPOLL_")),
                Row.of("epoll_ctl").capture(fd(0), fd(2), new Capture.Bytes(3, EPOLL_EVENT, AT_ENTRY))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + EPOLL_CTL.render(a[1] & 0xffffffffL, "EPOLL_CTL_") + ", "
                                + Args.fd(a, c, 2) + ", " + (a[3] == 0 || (int) a[1] == EPOLL_CTL_DEL ? Args.pointer(a[3])
                                : epollEvents(a[3], c.bytes(3), 1, s, false))),
                Row.of("epoll_wait").capture(fd(0), epollEvents())
                        .render((a, c, s) -> epollWait(a, c, s) + ", " + Args.intArg(a[3])),
                Row.of("epoll_pwait").capture(fd(0), epollEvents(), new Capture.Bytes(4, 8, AT_ENTRY))
                        .render((a, c, s) -> epollWait(a, c, s) + ", " + Args.intArg(a[3]) + ", " + sigmask(a[4], c.bytes(4), a[5])
                                + ", " + Args.ulong(a[5])),
                Row.of("epoll_pwait2").capture(fd(0), epollEvents(), new Capture.Bytes(3, Times.TIMESPEC, AT_ENTRY),
                                new Capture.Bytes(4, 8, AT_ENTRY))
                        .render((a, c, s) -> epollWait(a, c, s) + ", " + Times.timespec(a[3], c.bytes(3)) + ", "
                                + sigmask(a[4], c.bytes(4), a[5]) + ", " + Args.ulong(a[5])),
                Row.of("eventfd").returns(FD).capture(returned).render((a, c, s) -> Args.uintArg(a[0])),
                Row.of("eventfd2").returns(FD).capture(returned)
                        .render((a, c, s) -> Args.uintArg(a[0]) + ", " + EFD_FLAGS.render(a[1] & 0xffffffffL, "0", "EFD_")),
                Row.of("timerfd_create").returns(FD).capture(returned)
                        .render((a, c, s) -> Times.clock(a[0]) + ", " + TFD_FLAGS.render(a[1] & 0xffffffffL, "0", "TFD_")),
                Row.of("timerfd_settime").capture(fd(0), new Capture.Bytes(2, Times.ITIMERSPEC, AT_ENTRY),
                                new Capture.Bytes(3, Times.ITIMERSPEC, AT_EXIT))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + TFD_FLAGS.render(a[1] & 0xffffffffL, "0", "TFD_") + ", "
                                + Times.itimerspec(a[2], c.bytes(2)) + ", " + Times.itimerspec(a[3], c.bytes(3))),
                Row.of("timerfd_gettime").capture(fd(0), new Capture.Bytes(1, Times.ITIMERSPEC, AT_EXIT))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Times.itimerspec(a[1], c.bytes(1))));
    }

    /** A sigset argument of {@code size} bytes: {@code [USR1]}, NULL, or the pointer (an unexpected size). */
    static String sigmask(long pointer, byte[] bytes, long size) {
        if (pointer == 0) return "NULL";
        if (size != Signals.SIGSET_SIZE) return Args.pointer(pointer);
        return Signals.renderSetArg(pointer, bytes);
    }

    // ---- poll

    /** At poll's exit (success or not): the pollfd array, then each fd's path (with -y). */
    private static byte[] gatherPollfds(MemoryReader memory, long[] args, long ret) {
        int n = (int) Math.min(args[1] & 0xffffffffL, MAX_POLLFDS);
        if (args[0] == 0 || n == 0) return null;
        byte[] fds = memory.read(args[0], n * POLLFD);
        Chunks.Writer out = new Chunks.Writer().add(fds);
        if (fds != null) {
            ByteBuffer b = Args.le(fds);
            for (int i = 0; i < Math.min(n, memory.bufferLimit()); i++) out.add(memory.fdPath(b.getInt(i * POLLFD)));
        }
        return out.bytes();
    }

    /** {@code [{fd=3, events=POLLIN}, {fd=-1}], 2}: the array and nfds. */
    private static String pollfds(long[] a, Captures c, int s) {
        long nfds = a[1] & 0xffffffffL;
        String head;
        if (a[0] == 0) {
            head = "NULL";
        } else if (nfds == 0) {
            head = "[]";
        } else {
            Chunks.Reader in = new Chunks.Reader(c.bytes(0));
            byte[] fds = in.next();
            if (fds == null) {
                head = Args.pointer(a[0]);
            } else {
                ByteBuffer b = Args.le(fds);
                StringBuilder out = new StringBuilder("[");
                int n = fds.length / POLLFD;
                for (int i = 0; i < n && i < s; i++) {
                    if (i > 0) out.append(", ");
                    int fd = b.getInt(i * POLLFD);
                    out.append("{fd=").append(Args.fd(fd, c.shownPath(in.nextString())));
                    if (fd >= 0) out.append(", events=").append(POLL.render(b.getShort(i * POLLFD + 4) & 0xffff, "0", "POLL"));
                    out.append('}');
                }
                if (nfds > s) out.append(s > 0 ? ", ..." : "...");
                head = out.append(']').toString();
            }
        }
        return head + ", " + Args.uintArg(a[1]);
    }

    /** {@code 1 ([{fd=3, revents=POLLIN}])}, {@code 0 (Timeout)}, with ppoll's time left. */
    private static String pollResult(Captures c, long ret, String left) {
        if (ret == 0) return "0 (Timeout)";
        byte[] fds = new Chunks.Reader(c.bytes(0)).next();
        StringBuilder out = new StringBuilder();
        if (fds != null) {
            ByteBuffer b = Args.le(fds);
            for (int i = 0; i < fds.length / POLLFD; i++) {
                int revents = b.getShort(i * POLLFD + 6) & 0xffff;
                if (revents == 0) continue;
                out.append(out.isEmpty() ? "[" : ", ").append("{fd=").append(b.getInt(i * POLLFD)).append(", revents=")
                        .append(POLL.render(revents, "0")).append('}');
            }
            if (!out.isEmpty()) out.append(']');
        }
        if (left != null) out.append(out.isEmpty() ? "left " : ", left ").append(left);
        return out.isEmpty() ? Long.toString(ret) : ret + " (" + out + ")";
    }

    // ---- select

    private static int fdSetBytes(long nfds) {
        int n = (int) Math.max(0, Math.min((int) nfds, 1024 * 1024));
        return Math.min(((n + 7) / 8 + 7) & -8, MAX_FDSET);
    }

    /** At select's entry: the three fd sets (their fds' paths with -y after each). */
    private static byte[] gatherFdSets(MemoryReader memory, long[] args, long ret) {
        return fdSets(memory, args, true);
    }

    /** At select's exit: the three sets as the kernel left them, and the time left (timeout, slot 4). */
    private static byte[] gatherLeft(MemoryReader memory, long[] args, long ret) {
        if (ret <= 0) return null;
        Chunks.Writer out = new Chunks.Writer().add(fdSets(memory, args, false));
        return out.add(args[4] == 0 ? null : memory.read(args[4], Times.TIMESPEC)).bytes();
    }

    private static byte[] fdSets(MemoryReader memory, long[] args, boolean paths) {
        int size = fdSetBytes(args[0]);
        Chunks.Writer out = new Chunks.Writer();
        for (int i = 1; i <= 3; i++) {
            byte[] set = args[i] == 0 || size == 0 ? null : memory.read(args[i], size);
            out.add(set);
            if (paths && set != null) for (int fd : members(set, (int) args[0])) out.add(memory.fdPath(fd));
        }
        return out.bytes();
    }

    private static int[] members(byte[] set, int nfds) {
        int count = 0;
        int[] out = new int[Math.max(0, Math.min(nfds, set.length * 8))];
        for (int fd = 0; fd < out.length; fd++) if ((set[fd / 8] >> (fd % 8) & 1) != 0) out[count++] = fd;
        return Arrays.copyOf(out, count);
    }

    /** pselect6's sixth argument: {@code {sigmask=[USR1], sigsetsize=8}}: the pair, then the set. */
    private static byte[] gatherSigmaskPair(MemoryReader memory, long[] args, long ret) {
        if (args[5] == 0) return null;
        byte[] pair = memory.read(args[5], 16);
        if (pair == null) return null;
        long set = Args.le(pair).getLong(0);
        return new Chunks.Writer().add(pair).add(set == 0 ? null : memory.read(set, Signals.SIGSET_SIZE)).bytes();
    }

    private static String select(long[] a, Captures c, boolean timeval) {
        Chunks.Reader in = new Chunks.Reader(c.bytes(1));
        StringBuilder out = new StringBuilder(Integer.toString((int) a[0]));
        for (int i = 1; i <= 3; i++) {
            out.append(", ");
            byte[] set = a[i] == 0 || fdSetBytes(a[0]) == 0 ? null : in.next();
            if (set == null) {
                out.append(Args.pointer(a[i]));
                continue;
            }
            out.append('[');
            int[] fds = members(set, (int) a[0]);
            for (int j = 0; j < fds.length; j++) out.append(j > 0 ? " " : "").append(Args.fd(fds[j], c.shownPath(in.nextString())));
            out.append(']');
        }
        out.append(", ").append(timeval ? Times.timeval(a[4], c.bytes(4)) : Times.timespec(a[4], c.bytes(4)));
        if (!timeval) out.append(", ").append(sigmaskPair(a[5], c.bytes(5)));
        return out.toString();
    }

    private static String sigmaskPair(long pointer, byte[] gathered) {
        if (pointer == 0) return "NULL";
        Chunks.Reader in = new Chunks.Reader(gathered);
        byte[] pair = in.next();
        if (pair == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(pair);
        return "{sigmask=" + sigmask(b.getLong(0), in.next(), b.getLong(8)) + ", sigsetsize=" + Long.toUnsignedString(b.getLong(8)) + "}";
    }

    /** {@code 2 (in [3], out [4], left {tv_sec=0, tv_usec=4997})}, {@code 0 (Timeout)}; strace's stray {@code ]} kept. */
    private static String selectResult(long[] a, long ret, Captures c, boolean timeval) {
        if (ret == 0) return "0 (Timeout)";
        Chunks.Reader in = new Chunks.Reader(c.bytes(Captures.EXTRA));
        Chunks.Reader sets = new Chunks.Reader(in.next());
        byte[] left = in.next();
        StringBuilder out = new StringBuilder();
        String sep = "";
        long ready = ret;
        String[] names = {"in", "out", "except"};
        for (int i = 0; i < 3 && ready > 0; i++) {
            byte[] set = sets.next();
            if (set == null) continue;
            boolean first = true;
            for (int fd : members(set, (int) a[0])) {
                out.append(first ? sep + names[i] + " [" + fd : " " + fd);
                first = false;
                sep = ", ";
                if (--ready == 0) break;
            }
            if (!out.isEmpty()) out.append(']');
        }
        if (a[4] != 0 && left != null) {
            out.append(sep).append("left ").append(timeval ? Times.timeval(a[4], left) : Times.timespec(a[4], left));
        }
        return out.isEmpty() ? Long.toString(ret) : ret + " (" + out + ")";
    }

    // ---- epoll

    private static Capture epollEvents() {
        return new Capture.Gather(1, AT_EXIT, (memory, args, ret) -> ret < 0 || args[1] == 0 ? null
                : memory.read(args[1], (int) Math.min(ret, memory.bufferLimit()) * EPOLL_EVENT));
    }

    /** {@code 5, [{events=EPOLLIN, data={u32=4, u64=4}}], 8}: epfd, the events returned, maxevents. */
    private static String epollWait(long[] a, Captures c, int s) {
        byte[] events = c.bytes(1);
        String list = events == null ? Args.pointer(a[1]) : epollEvents(a[1], events, events.length / EPOLL_EVENT, s, true);
        return Args.fd(a, c, 0) + ", " + list + ", " + Args.intArg(a[2]);
    }

    /** One {@code struct epoll_event} (epoll_ctl), or an array of {@code count} (what epoll_wait returned). */
    private static String epollEvents(long pointer, byte[] bytes, int count, int s, boolean array) {
        if (bytes == null || bytes.length < EPOLL_EVENT * Math.min(count, 1)) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        StringBuilder out = new StringBuilder(array ? "[" : "");
        int shown = array ? Math.min(count, s) : 1;
        for (int i = 0; i < shown; i++) {
            if (i > 0) out.append(", ");
            long data = b.getLong(i * EPOLL_EVENT + 4);
            out.append("{events=").append(EPOLL_EVENTS.render(b.getInt(i * EPOLL_EVENT) & 0xffffffffL, "0", "EPOLL"))
                    .append(", data={u32=").append(Integer.toUnsignedString((int) data)).append(", u64=")
                    .append(Long.toUnsignedString(data)).append("}}");
        }
        if (array && count > s) out.append(s > 0 ? ", ..." : "...");
        return array ? out.append(']').toString() : out.toString();
    }
}
