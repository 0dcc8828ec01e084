package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * The network-interface ioctls a JVM makes when it lists interfaces ({@code SIOCGIFCONF},
 * {@code SIOCGIFFLAGS}, {@code SIOCGIFINDEX}, ...), with {@code struct ifreq} and {@code struct
 * ifconf} as strace prints them: the name at entry, the answer at exit
 * ({@code {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}}).
 */
final class SocketIoctls {
    static final int SIOCGIFNAME = 0x8910, SIOCGIFCONF = 0x8912, SIOCGIFFLAGS = 0x8913, SIOCGIFADDR = 0x8915,
            SIOCGIFDSTADDR = 0x8917, SIOCGIFBRDADDR = 0x8919, SIOCGIFNETMASK = 0x891b, SIOCGIFMETRIC = 0x891d,
            SIOCGIFMTU = 0x8921, SIOCGIFINDEX = 0x8933, SIOCGIFTXQLEN = 0x8942;
    /** The requests decoded here by name; the others of the family are only named (in {@link Ioctls}). */
    static final ValueTable NAMES = ValueTable.of(0x8910, "SIOCGIFNAME", 0x8912, "SIOCGIFCONF", 0x8913, "SIOCGIFFLAGS",
            0x8914, "SIOCSIFFLAGS", 0x8915, "SIOCGIFADDR", 0x8916, "SIOCSIFADDR", 0x8917, "SIOCGIFDSTADDR",
            0x8918, "SIOCSIFDSTADDR", 0x8919, "SIOCGIFBRDADDR", 0x891a, "SIOCSIFBRDADDR", 0x891b, "SIOCGIFNETMASK",
            0x891c, "SIOCSIFNETMASK", 0x891d, "SIOCGIFMETRIC", 0x891e, "SIOCSIFMETRIC", 0x8921, "SIOCGIFMTU",
            0x8922, "SIOCSIFMTU", 0x8927, "SIOCGIFHWADDR", 0x8933, "SIOCGIFINDEX", 0x8942, "SIOCGIFTXQLEN",
            0x8905, "SIOCATMARK", 0x8904, "SIOCGPGRP", 0x8902, "SIOCSPGRP");
    static final FlagTable IFF = FlagTable.of(1, "IFF_UP", 1 << 1, "IFF_BROADCAST", 1 << 2, "IFF_DEBUG", 1 << 3, "IFF_LOOPBACK",
            1 << 4, "IFF_POINTOPOINT", 1 << 5, "IFF_NOTRAILERS", 1 << 6, "IFF_RUNNING", 1 << 7, "IFF_NOARP", 1 << 8, "IFF_PROMISC",
            1 << 9, "IFF_ALLMULTI", 1 << 10, "IFF_MASTER", 1 << 11, "IFF_SLAVE", 1 << 12, "IFF_MULTICAST", 1 << 13, "IFF_PORTSEL",
            1 << 14, "IFF_AUTOMEDIA", 1 << 15, "IFF_DYNAMIC", 1 << 16, "IFF_LOWER_UP", 1 << 17, "IFF_DORMANT", 1 << 18, "IFF_ECHO");
    /** The field each "get" request fills in, after the name. */
    private static final Map<Integer, String> FIELDS = Map.of(SIOCGIFADDR, "ifr_addr", SIOCGIFDSTADDR, "ifr_dstaddr",
            SIOCGIFBRDADDR, "ifr_broadaddr", SIOCGIFNETMASK, "ifr_netmask", SIOCGIFFLAGS, "ifr_flags", SIOCGIFINDEX, "ifr_ifindex",
            SIOCGIFMETRIC, "ifr_metric", SIOCGIFMTU, "ifr_mtu", SIOCGIFTXQLEN, "ifr_qlen", SIOCGIFNAME, "ifr_name");
    private static final int IFREQ = 40, IFNAMSIZ = 16, IFCONF = 16;

    private SocketIoctls() {}

    /** Whether the request is one this class decodes. */
    static boolean decodes(long req) {
        return req == SIOCGIFCONF || FIELDS.containsKey((int) req);
    }

    static List<Capture> captures(long req) {
        Capture fd = new Capture.ShownFdPath(0);
        if (req == SIOCGIFCONF) {
            return List.of(fd, new Capture.Bytes(2, IFCONF, AT_ENTRY), new Capture.Gather(Captures.EXTRA, AT_EXIT, SocketIoctls::ifconf));
        }
        return List.of(fd, new Capture.Bytes(2, IFREQ, AT_ENTRY), new Capture.Gather(Captures.EXTRA, AT_EXIT,
                (m, a, r) -> r < 0 || a[2] == 0 ? null : m.read(a[2], IFREQ)));
    }

    /** At SIOCGIFCONF's exit: the ifconf and the ifreqs it points to. */
    private static byte[] ifconf(MemoryReader memory, long[] args, long ret) {
        if (ret < 0 || args[2] == 0) return null;
        byte[] ifc = memory.read(args[2], IFCONF);
        if (ifc == null) return null;
        ByteBuffer b = Args.le(ifc);
        int len = b.getInt(0);
        long buf = b.getLong(8);
        int n = Math.max(0, Math.min(len / IFREQ, memory.bufferLimit()));
        return new Chunks.Writer().add(ifc).add(buf == 0 || n == 0 ? null : memory.read(buf, n * IFREQ)).bytes();
    }

    /** The argument: {@code {ifr_name="eth0", ifr_flags=IFF_UP|...}} or {@code {ifc_len=..., ifc_buf=[...]}}. */
    static String render(long req, long pointer, Captures c, int s) {
        byte[] entry = c.bytes(2);
        if (entry == null) return Args.pointer(pointer);
        if (req == SIOCGIFCONF) return ifconf(entry, c.bytes(Captures.EXTRA), s);
        ByteBuffer e = Args.le(entry);
        StringBuilder out = new StringBuilder("{").append(req == SIOCGIFNAME ? "ifr_ifindex=" + e.getInt(IFNAMSIZ) : "ifr_name=" + name(entry, 0));
        byte[] exit = c.bytes(Captures.EXTRA);
        if (exit != null) out.append(", ").append(FIELDS.get((int) req)).append('=').append(field((int) req, exit));
        return out.append('}').toString();
    }

    private static String field(int req, byte[] ifr) {
        ByteBuffer b = Args.le(ifr);
        return switch (req) {
            case SIOCGIFFLAGS -> IFF.render(b.getShort(IFNAMSIZ) & 0xffff, "0", "IFF_");
            case SIOCGIFINDEX, SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFTXQLEN -> Integer.toString(b.getInt(IFNAMSIZ));
            case SIOCGIFNAME -> name(ifr, 0);
            default -> SockAddr.render(Arrays.copyOfRange(ifr, IFNAMSIZ, IFNAMSIZ + 16));
        };
    }

    private static String name(byte[] bytes, int at) {
        int end = at;
        while (end < at + IFNAMSIZ && bytes[end] != 0) end++;
        return Quote.quote(Arrays.copyOfRange(bytes, at, end), end - at, false);
    }

    private static String ifconf(byte[] entry, byte[] gathered, int s) {
        ByteBuffer e = Args.le(entry);
        int entryLen = e.getInt(0);
        long entryBuf = e.getLong(8);
        StringBuilder out = new StringBuilder("{ifc_len=");
        if (entryBuf != 0) out.append(length(entryLen));
        Chunks.Reader in = new Chunks.Reader(gathered);
        byte[] ifc = in.next();
        if (ifc == null) {
            if (entryBuf == 0) out.append(length(entryLen));
            return out.append(", ifc_buf=").append(Args.pointer(entryBuf)).append('}').toString();
        }
        int len = Args.le(ifc).getInt(0);
        if (entryBuf != 0 && entryLen != len) out.append(" => ");
        if (entryBuf == 0 || entryLen != len) out.append(length(len));
        out.append(", ifc_buf=");
        byte[] reqs = in.next();
        if (entryBuf == 0 || reqs == null) return out.append(Args.pointer(entryBuf)).append('}').toString();
        out.append('[');
        int n = reqs.length / IFREQ;
        for (int i = 0; i < n && i < s; i++) {
            if (i > 0) out.append(", ");
            out.append("{ifr_name=").append(name(reqs, i * IFREQ)).append(", ifr_addr=")
                    .append(SockAddr.render(Arrays.copyOfRange(reqs, i * IFREQ + IFNAMSIZ, i * IFREQ + IFREQ - 8))).append('}');
        }
        if (len / IFREQ > s) out.append(s > 0 ? ", ..." : "...");
        return out.append("]}").toString();
    }

    /** {@code 80 /* 2 * sizeof(struct ifreq) *&#47;}. */
    private static String length(int len) {
        int n = len / IFREQ;
        return len + (len > 0 && n * IFREQ == len ? " /* " + n + " * sizeof(struct ifreq) */" : "");
    }
}
