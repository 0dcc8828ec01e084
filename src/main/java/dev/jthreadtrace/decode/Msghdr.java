package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * sendmsg's and recvmsg's {@code struct msghdr} as strace prints it: the name, the iovecs with
 * their data ({@link Iovecs}; for recvmsg only what was received), the control messages
 * ({@code SCM_RIGHTS} with its descriptors, {@code SCM_CREDENTIALS}), the lengths and flags.
 * Gathered at the stop as chunks: the header, the name, the iovecs, the control bytes, then the
 * path of each descriptor passed (with -y).
 */
final class Msghdr {
    static final int SIZE = 56;
    /** Control data is read up to this many bytes. */
    private static final int CONTROL_MAX = 4096;
    private static final int CMSG_HEADER = 16, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    static final ValueTable SCM = ValueTable.of(1, "SCM_RIGHTS", 2, "SCM_CREDENTIALS", 3, "SCM_SECURITY", 29, "SO_TIMESTAMP_OLD",
            35, "SO_TIMESTAMPNS_OLD", 37, "SO_TIMESTAMPING_OLD", 41, "SO_WIFI_STATUS", 61, "SO_TXTIME", 63, "SO_TIMESTAMP_NEW",
            64, "SO_TIMESTAMPNS_NEW", 65, "SO_TIMESTAMPING_NEW");

    private Msghdr() {}

    /** sendmsg at entry: everything, the buffers whole. */
    static byte[] gatherSent(MemoryReader memory, long[] args, long ret) {
        return gather(memory, args[1], -1);
    }

    /** recvmsg at exit: what the kernel filled in, the buffers as far as the return value; nothing on failure. */
    static byte[] gatherReceived(MemoryReader memory, long[] args, long ret) {
        return ret < 0 ? null : gather(memory, args[1], ret);
    }

    /** recvmsg at entry: msg_namelen as the caller set it (strace shows it on failure, and a change as {@code 16 => 8}). */
    static byte[] gatherNameLength(MemoryReader memory, long[] args, long ret) {
        return args[1] == 0 ? null : memory.read(args[1] + 8, 4);
    }

    private static byte[] gather(MemoryReader memory, long pointer, long dataLimit) {
        byte[] header = pointer == 0 ? null : memory.read(pointer, SIZE);
        if (header == null) return null;
        ByteBuffer h = Args.le(header);
        Chunks.Writer out = new Chunks.Writer().add(header);
        long name = h.getLong(0);
        int nameLen = h.getInt(8);
        out.add(name == 0 || nameLen < 2 ? null : memory.read(name, Math.min(nameLen, SockAddr.MAX)));
        Iovecs.gather(out, memory, h.getLong(16), h.getLong(24), dataLimit);
        long control = h.getLong(32), controlLen = h.getLong(40);
        byte[] cmsgs = control == 0 || controlLen < CMSG_HEADER ? null : memory.read(control, (int) Math.min(controlLen, CONTROL_MAX));
        out.add(cmsgs);
        if (cmsgs != null) for (int fd : passedFds(cmsgs)) out.add(memory.fdPath(fd));
        return out.bytes();
    }

    /** The descriptors of every SCM_RIGHTS message, in order. */
    private static int[] passedFds(byte[] cmsgs) {
        ByteBuffer b = Args.le(cmsgs);
        int[] fds = new int[0];
        for (int at = 0; at + CMSG_HEADER <= cmsgs.length; ) {
            long len = b.getLong(at);
            if (b.getInt(at + 8) == SocketOptions.SOL_SOCKET && b.getInt(at + 12) == SCM_RIGHTS) {
                int n = (int) Math.max(0, (Math.min(len, cmsgs.length - at) - CMSG_HEADER) / 4);
                int from = fds.length;
                fds = Arrays.copyOf(fds, from + n);
                for (int i = 0; i < n; i++) fds[from + i] = b.getInt(at + CMSG_HEADER + 4 * i);
            }
            if (len < CMSG_HEADER) break;
            at += (int) ((len + 7) & ~7L);
        }
        return fds;
    }

    /**
     * The msghdr; {@code entryNameLength} is recvmsg's msg_namelen at entry (null for sendmsg):
     * a failed recvmsg shows only that, as strace does.
     */
    static String render(long pointer, byte[] gathered, byte[] entryNameLength, int s, boolean paths) {
        Chunks.Reader in = new Chunks.Reader(gathered);
        byte[] header = in.next();
        if (header == null || header.length < SIZE) {
            if (entryNameLength != null && gathered == null) return "{msg_namelen=" + Args.le(entryNameLength).getInt(0) + "}";
            return Args.pointer(pointer);
        }
        ByteBuffer h = Args.le(header);
        int kernelLen = h.getInt(8);
        Integer userLen = entryNameLength == null ? null : Args.le(entryNameLength).getInt(0);
        int shownLen = userLen != null && kernelLen > userLen ? userLen : kernelLen;
        byte[] name = in.next();
        long namePointer = h.getLong(0);
        String nameText = namePointer == 0 ? "NULL" : shownLen < 2 || name == null ? Args.pointer(namePointer)
                : SockAddr.render(Arrays.copyOf(name, Math.min(shownLen, name.length)));
        StringBuilder out = new StringBuilder("{msg_name=").append(nameText).append(", msg_namelen=");
        if (userLen != null && userLen != kernelLen) out.append(userLen).append(" => ");
        out.append(kernelLen).append(", msg_iov=").append(Iovecs.render(in, h.getLong(16), h.getLong(24), s))
                .append(", msg_iovlen=").append(Long.toUnsignedString(h.getLong(24)));
        long control = h.getLong(32), controlLen = h.getLong(40);
        byte[] cmsgs = in.next();
        if (controlLen != 0) {
            out.append(", msg_control=").append(cmsgs == null ? Args.pointer(control) : controls(cmsgs, in, paths));
        }
        return out.append(", msg_controllen=").append(Long.toUnsignedString(controlLen)).append(", msg_flags=")
                .append(SocketCalls.msgFlags(h.getInt(48))).append('}').toString();
    }

    private static String controls(byte[] cmsgs, Chunks.Reader in, boolean paths) {
        ByteBuffer b = Args.le(cmsgs);
        StringBuilder out = new StringBuilder("[");
        int at = 0;
        while (at + CMSG_HEADER <= cmsgs.length) {
            long len = b.getLong(at);
            int level = b.getInt(at + 8), type = b.getInt(at + 12);
            if (at > 0) out.append(", ");
            out.append("{cmsg_len=").append(Long.toUnsignedString(len)).append(", cmsg_level=")
                    .append(SocketOptions.LEVELS.render(level & 0xffffffffL, "SOL_")).append(", cmsg_type=");
            int dataLen = (int) Math.max(0, Math.min(len, cmsgs.length - at) - CMSG_HEADER);
            if (level == SocketOptions.SOL_SOCKET) {
                out.append(SCM.render(type & 0xffffffffL, "SCM_"));
                if (type == SCM_RIGHTS && dataLen >= 4) {
                    out.append(", cmsg_data=[");
                    for (int i = 0; i < dataLen / 4; i++) {
                        if (i > 0) out.append(", ");
                        String path = in.nextString();
                        out.append(Args.fd(b.getInt(at + CMSG_HEADER + 4 * i), paths ? path : null));
                    }
                    out.append(']');
                } else if (type == SCM_CREDENTIALS && dataLen >= 12) {
                    out.append(", cmsg_data={pid=").append(b.getInt(at + 16)).append(", uid=")
                            .append(Integer.toUnsignedString(b.getInt(at + 20))).append(", gid=")
                            .append(Integer.toUnsignedString(b.getInt(at + 24))).append('}');
                }
            } else {
                out.append(Args.hex(type & 0xffffffffL));
            }
            out.append('}');
            if (len < CMSG_HEADER) break;
            long next = (len + 7) & ~7L;
            if (next >= cmsgs.length - at) break;
            at += (int) next;
        }
        return out.append(']').toString();
    }
}
