package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * ioctl: the common terminal and file requests by name ({@code TCGETS}, {@code FIONREAD}, ...)
 * with the arguments strace decodes for them ({@code [3]}, {@code {ws_row=24, ws_col=80, ...}}),
 * any other request as strace writes it, {@code _IOC(_IOC_READ, 0x99, 0x12, 0x4)}, with its
 * argument in hex.
 */
final class Ioctls {
    static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCSBRKP = 0x5425,
            TIOCSCTTY = 0x540E, TIOCGPGRP = 0x540F, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413,
            TIOCSWINSZ = 0x5414, FIONREAD = 0x541B, FIONBIO = 0x5421, TIOCGSID = 0x5429, TIOCGPTN = 0x80045430,
            TIOCSPTLCK = 0x40045431, FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452;
    static final ValueTable REQUESTS = ValueTable.of(0x5401, "TCGETS", 0x5402, "TCSETS", 0x5403, "TCSETSW", 0x5404, "TCSETSF",
            0x5405, "TCGETA", 0x5406, "TCSETA", 0x5407, "TCSETAW", 0x5408, "TCSETAF", 0x5409, "TCSBRK", 0x540A, "TCXONC",
            0x540B, "TCFLSH", 0x540C, "TIOCEXCL", 0x540D, "TIOCNXCL", 0x540E, "TIOCSCTTY", 0x540F, "TIOCGPGRP",
            0x5410, "TIOCSPGRP", 0x5411, "TIOCOUTQ", 0x5412, "TIOCSTI", 0x5413, "TIOCGWINSZ", 0x5414, "TIOCSWINSZ",
            0x5415, "TIOCMGET", 0x5416, "TIOCMBIS", 0x5417, "TIOCMBIC", 0x5418, "TIOCMSET", 0x541B, "FIONREAD",
            0x541C, "TIOCLINUX", 0x541D, "TIOCCONS", 0x5421, "FIONBIO", 0x5422, "TIOCNOTTY", 0x5423, "TIOCSETD",
            0x5424, "TIOCGETD", 0x5425, "TCSBRKP", 0x5429, "TIOCGSID", 0x80045430L, "TIOCGPTN", 0x40045431L, "TIOCSPTLCK",
            0x5441, "TIOCGPTPEER", 0x5450, "FIONCLEX", 0x5451, "FIOCLEX", 0x5452, "FIOASYNC", 0x5460, "FIOQSIZE",
            0x40049409L, "FICLONE", 0x80086601L, "FS_IOC_GETFLAGS", 0x40086602L, "FS_IOC_SETFLAGS");
    /** Requests whose argument points to an int strace shows as {@code [N]}: read at exit / at entry. */
    private static final Set<Long> INT_OUT = Set.of((long) TIOCGPGRP, (long) TIOCOUTQ, (long) FIONREAD, (long) TIOCGSID, 0x5424L,
            0x80045430L);
    private static final Set<Long> INT_IN = Set.of((long) TIOCSPGRP, (long) FIONBIO, (long) FIOASYNC, 0x40045431L, 0x5423L);
    /** Requests without an argument. */
    private static final Set<Long> NO_ARG = Set.of((long) FIONCLEX, (long) FIOCLEX, 0x540CL, 0x540DL, 0x5422L);
    private static final int WINSIZE = 8;
    private static final String[] DIRECTIONS = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};

    private Ioctls() {}

    /** What to copy: an int or a winsize at entry or exit, per request. */
    static List<Capture> captures(long[] a) {
        long req = a[1] & 0xffffffffL;
        if (SocketIoctls.decodes(req)) return SocketIoctls.captures(req);
        Capture fd = new Capture.ShownFdPath(0);
        if (INT_OUT.contains(req)) return List.of(fd, new Capture.Bytes(2, 4, AT_EXIT));
        if (INT_IN.contains(req)) return List.of(fd, new Capture.Bytes(2, 4, AT_ENTRY));
        if (req == TIOCGWINSZ) return List.of(fd, new Capture.Bytes(2, WINSIZE, AT_EXIT));
        if (req == TIOCSWINSZ) return List.of(fd, new Capture.Bytes(2, WINSIZE, AT_ENTRY));
        return List.of(fd);
    }

    /** {@code 1, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}}. */
    static String render(long[] a, Captures c, int stringMax) {
        long req = a[1] & 0xffffffffL;
        String head = Args.fd(a, c, 0) + ", " + request(req);
        if (NO_ARG.contains(req)) return head;
        if (SocketIoctls.decodes(req)) return head + ", " + SocketIoctls.render(req, a[2], c, stringMax);
        byte[] bytes = c.bytes(2);
        if ((INT_OUT.contains(req) || INT_IN.contains(req)) && bytes != null && bytes.length >= 4) {
            return head + ", [" + Args.le(bytes).getInt(0) + "]";
        }
        if ((req == TIOCGWINSZ || req == TIOCSWINSZ) && bytes != null && bytes.length >= WINSIZE) {
            ByteBuffer b = Args.le(bytes);
            return head + ", {ws_row=" + (b.getShort(0) & 0xffff) + ", ws_col=" + (b.getShort(2) & 0xffff) + ", ws_xpixel="
                    + (b.getShort(4) & 0xffff) + ", ws_ypixel=" + (b.getShort(6) & 0xffff) + "}";
        }
        if (req == TCSBRK || req == TCSBRKP || req == TIOCSCTTY) return head + ", " + Args.intArg(a[2]);
        return head + ", " + Args.hex(a[2]);
    }

    /** The request's name, or {@code _IOC(dir, type, nr, size)}. */
    static String request(long req) {
        String name = REQUESTS.nameOrNull(req);
        if (name == null) name = SocketIoctls.NAMES.nameOrNull(req);
        if (name != null) return name;
        int code = (int) req;
        return "_IOC(" + DIRECTIONS[(code >>> 30) & 3] + ", " + Args.hex((code >>> 8) & 0xff) + ", " + Args.hex(code & 0xff)
                + ", " + Args.hex((code >>> 16) & 0x3fff) + ")";
    }
}
