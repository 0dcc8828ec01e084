package dev.jthreadtrace.decode;

import java.util.Arrays;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;
import static dev.jthreadtrace.decode.ReturnStyle.FD;

/**
 * The registry rows of the socket calls ({@code %network}) and their renderers: families, types
 * and protocols by name, addresses decoded ({@link SockAddr}), in/out lengths as strace shows them
 * ({@code [16]}, {@code [110 => 2]}), data as strings, options ({@link SocketOptions}), messages
 * ({@link Msghdr}).
 */
final class SocketCalls {
    static final int SOCK_TYPE_MASK = 0xf;
    private static final ValueTable TYPES = ValueTable.of(1, "SOCK_STREAM", 2, "SOCK_DGRAM", 3, "SOCK_RAW", 4, "SOCK_RDM",
            5, "SOCK_SEQPACKET", 6, "SOCK_DCCP", 10, "SOCK_PACKET");
    static final FlagTable TYPE_FLAGS = FlagTable.of(02000000, "SOCK_CLOEXEC", 04000, "SOCK_NONBLOCK");
    static final ValueTable INET_PROTOCOLS = ValueTable.of(0, "IPPROTO_IP", 1, "IPPROTO_ICMP", 2, "IPPROTO_IGMP", 4, "IPPROTO_IPIP",
            6, "IPPROTO_TCP", 8, "IPPROTO_EGP", 12, "IPPROTO_PUP", 17, "IPPROTO_UDP", 22, "IPPROTO_IDP", 29, "IPPROTO_TP",
            33, "IPPROTO_DCCP", 41, "IPPROTO_IPV6", 43, "IPPROTO_ROUTING", 44, "IPPROTO_FRAGMENT", 46, "IPPROTO_RSVP",
            47, "IPPROTO_GRE", 50, "IPPROTO_ESP", 51, "IPPROTO_AH", 58, "IPPROTO_ICMPV6", 59, "IPPROTO_NONE",
            60, "IPPROTO_DSTOPTS", 92, "IPPROTO_MTP", 94, "IPPROTO_BEETPH", 98, "IPPROTO_ENCAP", 103, "IPPROTO_PIM",
            108, "IPPROTO_COMP", 115, "IPPROTO_L2TP", 132, "IPPROTO_SCTP", 135, "IPPROTO_MH", 136, "IPPROTO_UDPLITE",
            137, "IPPROTO_MPLS", 143, "IPPROTO_ETHERNET", 255, "IPPROTO_RAW", 262, "IPPROTO_MPTCP");
    static final FlagTable MSG_FLAGS = FlagTable.of(0x1, "MSG_OOB", 0x2, "MSG_PEEK", 0x4, "MSG_DONTROUTE", 0x8, "MSG_CTRUNC",
            0x10, "MSG_PROBE", 0x20, "MSG_TRUNC", 0x40, "MSG_DONTWAIT", 0x80, "MSG_EOR", 0x100, "MSG_WAITALL", 0x200, "MSG_FIN",
            0x400, "MSG_SYN", 0x800, "MSG_CONFIRM", 0x1000, "MSG_RST", 0x2000, "MSG_ERRQUEUE", 0x4000, "MSG_NOSIGNAL",
            0x8000, "MSG_MORE", 0x10000, "MSG_WAITFORONE", 0x20000, "MSG_SENDPAGE_NOTLAST", 0x40000, "MSG_BATCH",
            0x80000, "MSG_NO_SHARED_FRAGS", 0x4000000, "MSG_ZEROCOPY", 0x20000000, "MSG_FASTOPEN",
            0x40000000, "MSG_CMSG_CLOEXEC", 0x80000000L, "MSG_CMSG_COMPAT");
    private static final ValueTable SHUTDOWN = ValueTable.of(0, "SHUT_RD", 1, "SHUT_WR", 2, "SHUT_RDWR");
    /** Socket option values are read up to this many bytes. */
    private static final int OPTION_MAX = 256;

    private SocketCalls() {}

    private static Capture fd(int arg) {
        return new Capture.ShownFdPath(arg);
    }

    static List<SyscallSpec> rows() {
        Capture returned = new Capture.ReturnedFdPath();
        return List.of(
                Row.of("socket").returns(FD).capture(returned).render((a, c, s) -> socketArgs(a)),
                Row.of("socketpair").capture(new Capture.Gather(3, AT_EXIT, PipeFds::gatherSocketpair))
                        .render((a, c, s) -> socketArgs(a) + ", " + PipeFds.render(a[3], c, 3)),
                Row.of("bind").capture(fd(0), new Capture.BytesSizedByArg(1, 2, SockAddr.MAX, AT_ENTRY))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + address(a[1], c.bytes(1), a[2]) + ", " + Args.intArg(a[2])),
                Row.of("connect").capture(fd(0), new Capture.BytesSizedByArg(1, 2, SockAddr.MAX, AT_ENTRY))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + address(a[1], c.bytes(1), a[2]) + ", " + Args.intArg(a[2])),
                Row.of("listen").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0) + ", " + Args.intArg(a[1])),
                Row.of("accept").returns(FD).capture(socknameCaptures(returned))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + sockname(a, c, 1)),
                Row.of("accept4").returns(FD).capture(socknameCaptures(returned))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + sockname(a, c, 1) + ", "
                                + TYPE_FLAGS.render(a[3] & 0xffffffffL, "0", "SOCK_")),
                Row.of("getsockname").capture(socknameCaptures(null))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + sockname(a, c, 1)),
                Row.of("getpeername").capture(socknameCaptures(null))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + sockname(a, c, 1)),
                Row.of("sendto").capture(fd(0), new Capture.BytesSizedByArg(1, 2, Capture.SHOWN, AT_ENTRY),
                                new Capture.BytesSizedByArg(4, 5, SockAddr.MAX, AT_ENTRY))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Quote.buffer(a[1], c.bytes(1), s) + ", " + Args.ulong(a[2])
                                + ", " + msgFlags(a[3]) + ", " + address(a[4], c.bytes(4), a[5]) + ", " + Args.intArg(a[5])),
                Row.of("recvfrom").capture(fd(0), new Capture.BytesSizedByReturn(1, Capture.SHOWN),
                                new Capture.Bytes(5, 4, AT_ENTRY), new Capture.Gather(4, AT_EXIT, SocketCalls::gatherSource))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Quote.buffer(a[1], c.bytes(1), s) + ", " + Args.ulong(a[2])
                                + ", " + msgFlags(a[3]) + ", " + sockname(a, c, 4)),
                Row.of("sendmsg").capture(fd(0), new Capture.Gather(1, AT_ENTRY, Msghdr::gatherSent))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Msghdr.render(a[1], c.bytes(1), null, s, c.showsPaths()) + ", " + msgFlags(a[2])),
                Row.of("recvmsg").capture(fd(0), new Capture.Gather(Captures.EXTRA, AT_ENTRY, Msghdr::gatherNameLength),
                                new Capture.Gather(1, AT_EXIT, Msghdr::gatherReceived))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + Msghdr.render(a[1], c.bytes(1), c.bytes(Captures.EXTRA), s, c.showsPaths())
                                + ", " + msgFlags(a[2])),
                Row.of("shutdown").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0) + ", " + SHUTDOWN.render(a[1] & 0xffffffffL, "SHUT_")),
                Row.of("setsockopt").capture(fd(0), new Capture.BytesSizedByArg(3, 4, OPTION_MAX, AT_ENTRY))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + SocketOptions.levelAndName(a[1], a[2]) + ", "
                                + SocketOptions.value(a[1], a[2], a[3], c.bytes(3), (int) a[4], s, false) + ", " + Args.intArg(a[4])),
                Row.of("getsockopt").capture(fd(0), new Capture.Bytes(4, 4, AT_ENTRY), new Capture.Gather(3, AT_EXIT, SocketCalls::gatherOption))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + SocketOptions.levelAndName(a[1], a[2]) + ", " + option(a, c, s)));
    }

    /** {@code AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP}: the protocol by name where the family has names. */
    private static String socketArgs(long[] a) {
        int family = (int) a[0], type = (int) a[1], protocol = (int) a[2];
        String typeText = TYPES.render(type & SOCK_TYPE_MASK, "SOCK_");
        int flags = type & ~SOCK_TYPE_MASK;
        if (flags != 0) typeText += "|" + TYPE_FLAGS.render(flags & 0xffffffffL, "0");
        String proto = family == SockAddr.AF_INET || family == SockAddr.AF_INET6
                ? INET_PROTOCOLS.render(protocol & 0xffffffffL, "IPPROTO_") : Integer.toString(protocol);
        return SockAddr.FAMILIES.render(family & 0xffffffffL, "AF_") + ", " + typeText + ", " + proto;
    }

    static String msgFlags(long flags) {
        return MSG_FLAGS.render(flags & 0xffffffffL, "0", "MSG_");
    }

    /** An address argument of {@code len} bytes: the pointer when shorter than a family. */
    private static String address(long pointer, byte[] bytes, long len) {
        if ((int) len < 2) return Args.pointer(pointer);
        return SockAddr.render(pointer, bytes);
    }

    /** accept/getsockname's captures: the length at entry (slot 2), the address and the length at exit (slot 1). */
    private static Capture[] socknameCaptures(Capture returned) {
        Capture[] base = {new Capture.ShownFdPath(0), new Capture.Bytes(2, 4, AT_ENTRY),
                new Capture.Gather(1, AT_EXIT, SocketCalls::gatherSockname)};
        if (returned == null) return base;
        Capture[] out = Arrays.copyOf(base, 4);
        out[3] = returned;
        return out;
    }

    /**
     * At exit of accept, getsockname, getpeername, recvfrom: the length the kernel wrote and the
     * address (two chunks); the address pointer is the argument before the length's.
     */
    private static byte[] gatherSockname(MemoryReader memory, long[] args, long ret) {
        return socknameAt(memory, args[1], args[2], ret);
    }

    /** recvfrom's source address: arguments 4 and 5. */
    private static byte[] gatherSource(MemoryReader memory, long[] args, long ret) {
        return socknameAt(memory, args[4], args[5], ret);
    }

    private static byte[] socknameAt(MemoryReader memory, long addr, long lenPointer, long ret) {
        if (ret < 0 || addr == 0 || lenPointer == 0) return null;
        byte[] len = memory.read(lenPointer, 4);
        if (len == null) return null;
        int rlen = Args.le(len).getInt(0);
        byte[] address = rlen < 2 ? new byte[0] : memory.read(addr, Math.min(rlen, SockAddr.MAX));
        return new Chunks.Writer().add(len).add(address).bytes();
    }

    /**
     * {@code {sa_family=...}, [16]} or {@code [110 => 2]}: the address in {@code slot}, its length's
     * value at entry in the next slot; NULL arguments and failures as strace prints them.
     */
    static String sockname(long[] a, Captures c, int slot) {
        long addr = a[slot], lenPointer = a[slot + 1];
        byte[] entry = c.bytes(slot + 1);
        if (addr == 0 || lenPointer == 0 || entry == null) return Args.pointer(addr) + ", " + Args.pointer(lenPointer);
        int ulen = Args.le(entry).getInt(0);
        Chunks.Reader in = new Chunks.Reader(c.bytes(slot));
        byte[] rlenBytes = in.next();
        if (rlenBytes == null) return Args.pointer(addr) + ", [" + ulen + "]";
        int rlen = Args.le(rlenBytes).getInt(0);
        byte[] address = in.next();
        int shown = Math.min(ulen, rlen);
        String addrText = shown < 2 || address == null ? Args.pointer(addr)
                : SockAddr.render(Arrays.copyOf(address, Math.min(shown, address.length)));
        return addrText + ", [" + (ulen != rlen ? ulen + " => " : "") + rlen + "]";
    }

    /** At getsockopt's exit: the length the kernel wrote and the value. */
    private static byte[] gatherOption(MemoryReader memory, long[] args, long ret) {
        if (ret < 0 || args[4] == 0) return null;
        byte[] len = memory.read(args[4], 4);
        if (len == null) return null;
        int rlen = Args.le(len).getInt(0);
        byte[] value = rlen <= 0 || args[3] == 0 ? null : memory.read(args[3], Math.min(rlen, OPTION_MAX));
        return new Chunks.Writer().add(len).add(value).bytes();
    }

    /** getsockopt's {@code [1], [4]}; on failure the pointer and the length at entry. */
    private static String option(long[] a, Captures c, int s) {
        byte[] entry = c.bytes(4);
        if (entry == null) return Args.pointer(a[3]) + ", " + Args.pointer(a[4]);
        int ulen = Args.le(entry).getInt(0);
        Chunks.Reader in = new Chunks.Reader(c.bytes(3));
        byte[] rlenBytes = in.next();
        if (rlenBytes == null) return Args.pointer(a[3]) + ", [" + ulen + "]";
        int rlen = Args.le(rlenBytes).getInt(0);
        byte[] value = in.next();
        String v = ulen <= 0 || rlen <= 0 ? Args.pointer(a[3]) : SocketOptions.value(a[1], a[2], a[3], value, rlen, s, true);
        return v + ", [" + (ulen != rlen ? ulen + " => " : "") + rlen + "]";
    }
}
