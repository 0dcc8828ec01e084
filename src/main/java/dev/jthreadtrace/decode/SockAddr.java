package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Socket addresses as strace prints them: {@code {sa_family=AF_INET, sin_port=htons(80),
 * sin_addr=inet_addr("127.0.0.1")}}, {@code AF_INET6} with {@code inet_pton(AF_INET6, "::1",
 * &sin6_addr)}, {@code AF_UNIX} paths (an abstract name as {@code @"name"}), any other family's
 * bytes as {@code sa_data}.
 */
public final class SockAddr {
    /** {@code sizeof(struct sockaddr_storage)}: the most an address is read. */
    public static final int MAX = 128;
    static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    private static final int SIN6_MIN_LEN = 24, SUN_MAX = 110;
    static final ValueTable FAMILIES = ValueTable.of(0, "AF_UNSPEC", 1, "AF_UNIX", 2, "AF_INET", 3, "AF_AX25", 4, "AF_IPX",
            5, "AF_APPLETALK", 6, "AF_NETROM", 7, "AF_BRIDGE", 8, "AF_ATMPVC", 9, "AF_X25", 10, "AF_INET6", 11, "AF_ROSE",
            12, "AF_DECnet", 13, "AF_NETBEUI", 14, "AF_SECURITY", 15, "AF_KEY", 16, "AF_NETLINK", 17, "AF_PACKET", 18, "AF_ASH",
            19, "AF_ECONET", 20, "AF_ATMSVC", 21, "AF_RDS", 22, "AF_SNA", 23, "AF_IRDA", 24, "AF_PPPOX", 25, "AF_WANPIPE",
            26, "AF_LLC", 27, "AF_IB", 28, "AF_MPLS", 29, "AF_CAN", 30, "AF_TIPC", 31, "AF_BLUETOOTH", 32, "AF_IUCV",
            33, "AF_RXRPC", 34, "AF_ISDN", 35, "AF_PHONET", 36, "AF_IEEE802154", 37, "AF_CAIF", 38, "AF_ALG", 39, "AF_NFC",
            40, "AF_VSOCK", 41, "AF_KCM", 42, "AF_QIPCRTR", 43, "AF_SMC", 44, "AF_XDP", 45, "AF_MCTP");

    private SockAddr() {}

    /** The address at {@code pointer} given its captured bytes (already cut to its length); the pointer when unread or too short. */
    public static String render(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null || bytes.length < 2) return Args.pointer(pointer);
        return render(bytes);
    }

    /** The address in {@code bytes} (its length is the address length). */
    static String render(byte[] bytes) {
        ByteBuffer b = Args.le(bytes);
        int family = b.getShort(0) & 0xffff;
        StringBuilder out = new StringBuilder("{sa_family=").append(FAMILIES.render(family, "AF_"));
        int len = bytes.length;
        if (len > 2) {
            out.append(", ");
            if (family == AF_INET && len >= 16) {
                out.append("sin_port=htons(").append(port(bytes, 2)).append("), sin_addr=inet_addr(\"")
                        .append(ipv4(bytes, 4)).append("\")");
            } else if (family == AF_INET6 && len >= SIN6_MIN_LEN) {
                out.append("sin6_port=htons(").append(port(bytes, 2)).append("), sin6_flowinfo=htonl(")
                        .append(Integer.toUnsignedString(b.order(ByteOrder.BIG_ENDIAN).getInt(4))).append("), inet_pton(AF_INET6, \"")
                        .append(ipv6(Arrays.copyOfRange(bytes, 8, 24))).append("\", &sin6_addr)");
                if (len > SIN6_MIN_LEN) out.append(", sin6_scope_id=").append(Integer.toUnsignedString(Args.le(bytes).getInt(24)));
            } else if (family == AF_UNIX) {
                out.append("sun_path=").append(unixPath(bytes));
            } else {
                out.append("sa_data=").append(Quote.quote(Arrays.copyOfRange(bytes, 2, len), len - 2, false));
            }
        }
        return out.append('}').toString();
    }

    private static String unixPath(byte[] bytes) {
        int end = Math.min(bytes.length, 2 + SUN_MAX);
        if (bytes[2] != 0) {
            int n = 2;
            while (n < end && bytes[n] != 0) n++;
            return Quote.quote(Arrays.copyOfRange(bytes, 2, n), n - 2, false);
        }
        return "@" + Quote.quote(Arrays.copyOfRange(bytes, 3, end), end - 3, false);
    }

    private static int port(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
    }

    static String ipv4(byte[] bytes, int at) {
        return (bytes[at] & 0xff) + "." + (bytes[at + 1] & 0xff) + "." + (bytes[at + 2] & 0xff) + "." + (bytes[at + 3] & 0xff);
    }

    /** An IPv6 address as inet_ntop writes it: the longest run of zero groups as {@code ::}, IPv4-mapped and -compatible dotted. */
    static String ipv6(byte[] a) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) words[i] = (a[2 * i] & 0xff) << 8 | a[2 * i + 1] & 0xff;
        int bestBase = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) j++;
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) bestBase = -1;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) out.append(':');
                continue;
            }
            if (i != 0) out.append(':');
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                out.append(ipv4(a, 12));
                break;
            }
            out.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) out.append(':');
        return out.toString();
    }
}
