package dev.jthreadtrace.decode;

import dev.jthreadtrace.sys.Errno;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * setsockopt and getsockopt: the level ({@code SOL_SOCKET}, {@code SOL_TCP}, ...), the option by
 * name for the common levels, and the value as strace prints it ({@code [1]} for an int option,
 * {@code {l_onoff=1, l_linger=5}}, {@code [ECONNREFUSED]} for SO_ERROR, bytes otherwise).
 */
final class SocketOptions {
    static final int SOL_IP = 0, SOL_SOCKET = 1, SOL_TCP = 6, SOL_IPV6 = 41;
    private static final int SO_LINGER = 13, SO_ERROR = 4, SO_PEERCRED = 17;
    static final ValueTable LEVELS = ValueTable.of(0, "SOL_IP", 1, "SOL_SOCKET", 6, "SOL_TCP", 17, "SOL_UDP", 40, "AF_VSOCK",
            41, "SOL_IPV6", 58, "SOL_ICMPV6", 100, "SOL_CAN_BASE", 101, "SOL_CAN_RAW", 132, "SOL_SCTP", 136, "SOL_UDPLITE",
            255, "SOL_RAW", 256, "SOL_IPX", 257, "SOL_AX25", 258, "SOL_ATALK", 259, "SOL_NETROM", 260, "SOL_ROSE",
            261, "SOL_DECNET", 262, "SOL_X25", 263, "SOL_PACKET", 264, "SOL_ATM", 265, "SOL_AAL", 266, "SOL_IRDA",
            267, "SOL_NETBEUI", 268, "SOL_LLC", 269, "SOL_DCCP", 270, "SOL_NETLINK", 271, "SOL_TIPC", 272, "SOL_RXRPC",
            273, "SOL_PPPOL2TP", 274, "SOL_BLUETOOTH", 275, "SOL_PNPIPE", 276, "SOL_RDS", 277, "SOL_IUCV", 278, "SOL_CAIF",
            279, "SOL_ALG", 280, "SOL_NFC", 281, "SOL_KCM", 282, "SOL_TLS", 283, "SOL_XDP");
    static final ValueTable SOCKET = ValueTable.of(1, "SO_DEBUG", 2, "SO_REUSEADDR", 3, "SO_TYPE", 4, "SO_ERROR",
            5, "SO_DONTROUTE", 6, "SO_BROADCAST", 7, "SO_SNDBUF", 8, "SO_RCVBUF", 9, "SO_KEEPALIVE", 10, "SO_OOBINLINE",
            11, "SO_NO_CHECK", 12, "SO_PRIORITY", 13, "SO_LINGER", 14, "SO_BSDCOMPAT", 15, "SO_REUSEPORT", 16, "SO_PASSCRED",
            17, "SO_PEERCRED", 18, "SO_RCVLOWAT", 19, "SO_SNDLOWAT", 20, "SO_RCVTIMEO_OLD", 21, "SO_SNDTIMEO_OLD",
            22, "SO_SECURITY_AUTHENTICATION", 23, "SO_SECURITY_ENCRYPTION_TRANSPORT", 24, "SO_SECURITY_ENCRYPTION_NETWORK",
            25, "SO_BINDTODEVICE", 27, "SO_DETACH_FILTER", 28, "SO_PEERNAME", 29, "SO_TIMESTAMP_OLD", 30, "SO_ACCEPTCONN",
            31, "SO_PEERSEC", 32, "SO_SNDBUFFORCE", 33, "SO_RCVBUFFORCE", 34, "SO_PASSSEC", 35, "SO_TIMESTAMPNS_OLD",
            36, "SO_MARK", 37, "SO_TIMESTAMPING_OLD", 38, "SO_PROTOCOL", 39, "SO_DOMAIN", 40, "SO_RXQ_OVFL",
            41, "SO_WIFI_STATUS", 42, "SO_PEEK_OFF", 43, "SO_NOFCS", 44, "SO_LOCK_FILTER", 45, "SO_SELECT_ERR_QUEUE",
            46, "SO_BUSY_POLL", 47, "SO_MAX_PACING_RATE", 48, "SO_BPF_EXTENSIONS", 49, "SO_INCOMING_CPU", 50, "SO_ATTACH_BPF",
            51, "SO_ATTACH_REUSEPORT_CBPF", 52, "SO_ATTACH_REUSEPORT_EBPF", 53, "SO_CNX_ADVICE", 55, "SO_MEMINFO",
            56, "SO_INCOMING_NAPI_ID", 57, "SO_COOKIE", 59, "SO_PEERGROUPS", 60, "SO_ZEROCOPY", 61, "SO_TXTIME",
            62, "SO_BINDTOIFINDEX", 63, "SO_TIMESTAMP_NEW", 64, "SO_TIMESTAMPNS_NEW", 65, "SO_TIMESTAMPING_NEW",
            66, "SO_RCVTIMEO_NEW", 67, "SO_SNDTIMEO_NEW", 68, "SO_DETACH_REUSEPORT_BPF", 69, "SO_PREFER_BUSY_POLL",
            70, "SO_BUSY_POLL_BUDGET", 71, "SO_NETNS_COOKIE", 72, "SO_BUF_LOCK", 73, "SO_RESERVE_MEM", 74, "SO_TXREHASH",
            75, "SO_RCVMARK");
    static final ValueTable TCP = ValueTable.of(1, "TCP_NODELAY", 2, "TCP_MAXSEG", 3, "TCP_CORK", 4, "TCP_KEEPIDLE",
            5, "TCP_KEEPINTVL", 6, "TCP_KEEPCNT", 7, "TCP_SYNCNT", 8, "TCP_LINGER2", 9, "TCP_DEFER_ACCEPT", 10, "TCP_WINDOW_CLAMP",
            11, "TCP_INFO", 12, "TCP_QUICKACK", 13, "TCP_CONGESTION", 14, "TCP_MD5SIG", 15, "TCP_COOKIE_TRANSACTIONS",
            16, "TCP_THIN_LINEAR_TIMEOUTS", 17, "TCP_THIN_DUPACK", 18, "TCP_USER_TIMEOUT", 19, "TCP_REPAIR",
            20, "TCP_REPAIR_QUEUE", 21, "TCP_QUEUE_SEQ", 22, "TCP_REPAIR_OPTIONS", 23, "TCP_FASTOPEN", 24, "TCP_TIMESTAMP",
            25, "TCP_NOTSENT_LOWAT", 26, "TCP_CC_INFO", 27, "TCP_SAVE_SYN", 28, "TCP_SAVED_SYN", 29, "TCP_REPAIR_WINDOW",
            30, "TCP_FASTOPEN_CONNECT", 31, "TCP_ULP", 32, "TCP_MD5SIG_EXT", 33, "TCP_FASTOPEN_KEY", 34, "TCP_FASTOPEN_NO_COOKIE",
            35, "TCP_ZEROCOPY_RECEIVE", 36, "TCP_INQ", 37, "TCP_TX_DELAY");
    static final ValueTable IP = ValueTable.of(1, "IP_TOS", 2, "IP_TTL", 3, "IP_HDRINCL", 4, "IP_OPTIONS", 5, "IP_ROUTER_ALERT",
            6, "IP_RECVOPTS", 7, "IP_RETOPTS", 8, "IP_PKTINFO", 9, "IP_PKTOPTIONS", 10, "IP_MTU_DISCOVER", 11, "IP_RECVERR",
            12, "IP_RECVTTL", 13, "IP_RECVTOS", 14, "IP_MTU", 15, "IP_FREEBIND", 16, "IP_IPSEC_POLICY", 17, "IP_XFRM_POLICY",
            18, "IP_PASSSEC", 19, "IP_TRANSPARENT", 20, "IP_ORIGDSTADDR", 21, "IP_MINTTL", 22, "IP_NODEFRAG", 23, "IP_CHECKSUM",
            24, "IP_BIND_ADDRESS_NO_PORT", 25, "IP_RECVFRAGSIZE", 26, "IP_RECVERR_RFC4884", 32, "IP_MULTICAST_IF",
            33, "IP_MULTICAST_TTL", 34, "IP_MULTICAST_LOOP", 35, "IP_ADD_MEMBERSHIP", 36, "IP_DROP_MEMBERSHIP",
            37, "IP_UNBLOCK_SOURCE", 38, "IP_BLOCK_SOURCE", 39, "IP_ADD_SOURCE_MEMBERSHIP", 40, "IP_DROP_SOURCE_MEMBERSHIP",
            41, "IP_MSFILTER", 49, "IP_MULTICAST_ALL", 50, "IP_UNICAST_IF");
    static final ValueTable IPV6 = ValueTable.of(1, "IPV6_ADDRFORM", 2, "IPV6_2292PKTINFO", 3, "IPV6_2292HOPOPTS",
            4, "IPV6_2292DSTOPTS", 5, "IPV6_2292RTHDR", 6, "IPV6_2292PKTOPTIONS", 7, "IPV6_CHECKSUM", 8, "IPV6_2292HOPLIMIT",
            9, "IPV6_NEXTHOP", 10, "IPV6_AUTHHDR", 11, "IPV6_FLOWINFO", 16, "IPV6_UNICAST_HOPS", 17, "IPV6_MULTICAST_IF",
            18, "IPV6_MULTICAST_HOPS", 19, "IPV6_MULTICAST_LOOP", 20, "IPV6_ADD_MEMBERSHIP", 21, "IPV6_DROP_MEMBERSHIP",
            22, "IPV6_ROUTER_ALERT", 23, "IPV6_MTU_DISCOVER", 24, "IPV6_MTU", 25, "IPV6_RECVERR", 26, "IPV6_V6ONLY",
            27, "IPV6_JOIN_ANYCAST", 28, "IPV6_LEAVE_ANYCAST", 49, "IPV6_RECVPKTINFO", 50, "IPV6_PKTINFO",
            51, "IPV6_RECVHOPLIMIT", 52, "IPV6_HOPLIMIT", 66, "IPV6_RECVTCLASS", 67, "IPV6_TCLASS", 62, "IPV6_DONTFRAG");
    /** The SOL_SOCKET options strace prints as an int ({@code [1]}). */
    private static final Set<Integer> INT_OPTIONS = Set.of(1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 27, 29, 30, 32,
            33, 34, 35, 36, 37, 40, 41, 42, 43, 44, 45, 46, 49, 53, 56, 60, 63, 64, 65, 68, 69, 70, 73, 75);

    private SocketOptions() {}

    /** {@code SOL_SOCKET, SO_REUSEADDR}. */
    static String levelAndName(long level, long name) {
        int l = (int) level;
        String levelText = LEVELS.render(l & 0xffffffffL, "SOL_").replace("SOL_???", "SOL_??");
        ValueTable names = switch (l) {
            case SOL_SOCKET -> SOCKET;
            case SOL_TCP -> TCP;
            case SOL_IP -> IP;
            case SOL_IPV6 -> IPV6;
            default -> null;
        };
        String prefix = switch (l) {
            case SOL_SOCKET -> "SO_";
            case SOL_TCP -> "TCP_";
            case SOL_IP -> "IP_";
            default -> "IPV6_";
        };
        return levelText + ", " + (names == null ? Integer.toUnsignedString((int) name) : names.render(name & 0xffffffffL, prefix));
    }

    /** An option's value of {@code len} bytes (all captured, or fewer when unread); strace's choices per option. */
    static String value(long level, long name, long pointer, byte[] bytes, int len, int stringMax, boolean get) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        if ((int) level == SOL_SOCKET) {
            int n = (int) name;
            if (n == SO_LINGER) {
                if (bytes.length < 8) return get && bytes.length >= 4 ? "{l_onoff=" + b.getInt(0) + "}" : Args.pointer(pointer);
                return "{l_onoff=" + b.getInt(0) + ", l_linger=" + b.getInt(4) + "}";
            }
            if (get && n == SO_ERROR) {
                if (len < 4) return Quote.hexBuffer(pointer, bytes, stringMax);
                int err = b.getInt(0);
                return "[" + (err == 0 ? "0" : Errno.name(err)) + "]";
            }
            if (get && n == SO_PEERCRED && bytes.length >= 12) {
                return "{pid=" + b.getInt(0) + ", uid=" + Integer.toUnsignedString(b.getInt(4)) + ", gid="
                        + Integer.toUnsignedString(b.getInt(8)) + "}";
            }
            if (INT_OPTIONS.contains(n)) {
                if (len >= 4 && bytes.length >= 4) return "[" + b.getInt(0) + "]";
                return get ? Quote.hexBuffer(pointer, bytes, stringMax) : Args.pointer(pointer);
            }
        }
        if (len == 4 && bytes.length >= 4) return "[" + b.getInt(0) + "]";
        return Quote.buffer(pointer, bytes, stringMax);
    }
}
