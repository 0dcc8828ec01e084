package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * The registry rows of resource limits and usage, system information, random bytes and a few
 * per-process calls, and their renderers: {@code {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}},
 * rusage, uname, sysinfo, getrandom (in hex, as strace), brk, arch_prctl, sched_yield.
 */
final class ResourceCalls {
    static final ValueTable RESOURCES = ValueTable.of(0, "RLIMIT_CPU", 1, "RLIMIT_FSIZE", 2, "RLIMIT_DATA", 3, "RLIMIT_STACK",
            4, "RLIMIT_CORE", 5, "RLIMIT_RSS", 6, "RLIMIT_NPROC", 7, "RLIMIT_NOFILE", 8, "RLIMIT_MEMLOCK", 9, "RLIMIT_AS",
            10, "RLIMIT_LOCKS", 11, "RLIMIT_SIGPENDING", 12, "RLIMIT_MSGQUEUE", 13, "RLIMIT_NICE", 14, "RLIMIT_RTPRIO",
            15, "RLIMIT_RTTIME");
    static final ValueTable RUSAGE_WHO = ValueTable.of(0, "RUSAGE_SELF", -1, "RUSAGE_CHILDREN", 1, "RUSAGE_THREAD", -2, "RUSAGE_BOTH");
    static final FlagTable GRND = FlagTable.of(1, "GRND_NONBLOCK", 2, "GRND_RANDOM", 4, "GRND_INSECURE");
    static final ValueTable ARCH_PRCTL = ValueTable.of(0x1001, "ARCH_SET_GS", 0x1002, "ARCH_SET_FS", 0x1003, "ARCH_GET_FS",
            0x1004, "ARCH_GET_GS", 0x1011, "ARCH_GET_CPUID", 0x1012, "ARCH_SET_CPUID", 0x1021, "ARCH_GET_XCOMP_SUPP",
            0x1022, "ARCH_GET_XCOMP_PERM", 0x1023, "ARCH_REQ_XCOMP_PERM", 0x1024, "ARCH_GET_XCOMP_GUEST_PERM",
            0x1025, "ARCH_REQ_XCOMP_GUEST_PERM", 0x2001, "ARCH_MAP_VDSO_X32", 0x2002, "ARCH_MAP_VDSO_32", 0x2003, "ARCH_MAP_VDSO_64");
    private static final int ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004, ARCH_GET_CPUID = 0x1011;
    private static final int RLIMIT_SIZE = 16, UTSNAME_FIELD = 65, SYSINFO_SIZE = 112;

    private ResourceCalls() {}

    static List<SyscallSpec> rows() {
        return List.of(
                Row.of("brk").returns(ReturnStyle.HEX).render((a, c, s) -> Args.pointer(a[0])),
                Row.of("prlimit64").capture(new Capture.Bytes(2, RLIMIT_SIZE, AT_ENTRY), new Capture.Bytes(3, RLIMIT_SIZE, AT_EXIT))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + RESOURCES.render(a[1] & 0xffffffffL, "RLIMIT_") + ", "
                                + rlimit(a[2], c.bytes(2)) + ", " + rlimit(a[3], c.bytes(3))),
                Row.of("getrlimit").capture(new Capture.Bytes(1, RLIMIT_SIZE, AT_EXIT))
                        .render((a, c, s) -> RESOURCES.render(a[0] & 0xffffffffL, "RLIMIT_") + ", " + rlimit(a[1], c.bytes(1))),
                Row.of("setrlimit").capture(new Capture.Bytes(1, RLIMIT_SIZE, AT_ENTRY))
                        .render((a, c, s) -> RESOURCES.render(a[0] & 0xffffffffL, "RLIMIT_") + ", " + rlimit(a[1], c.bytes(1))),
                Row.of("getrusage").capture(new Capture.Bytes(1, 144, AT_EXIT))
                        .render((a, c, s) -> RUSAGE_WHO.render((int) a[0], "RUSAGE_") + ", " + rusage(a[1], c.bytes(1))),
                Row.of("uname").capture(new Capture.Bytes(0, 2 * UTSNAME_FIELD, AT_EXIT)).render((a, c, s) -> uname(a[0], c.bytes(0))),
                Row.of("sysinfo").capture(new Capture.Bytes(0, SYSINFO_SIZE, AT_EXIT)).render((a, c, s) -> sysinfo(a[0], c.bytes(0))),
                Row.of("getrandom").capture(new Capture.BytesSizedByReturn(0, Capture.SHOWN))
                        .render((a, c, s) -> Quote.hexBuffer(a[0], a[1] == 0 ? new byte[0] : c.bytes(0), s) + ", " + Args.ulong(a[1])
                                + ", " + GRND.render(a[2] & 0xffffffffL, "0", "GRND_")),
                Row.of("sched_yield").render((a, c, s) -> ""),
                Row.of("arch_prctl").capture(a -> (int) a[0] == ARCH_GET_FS || (int) a[0] == ARCH_GET_GS
                                ? List.of(new Capture.Bytes(1, 8, AT_EXIT)) : List.of())
                        .render(ResourceCalls::archPrctl));
    }

    private static String archPrctl(long[] a, Captures c, int s) {
        int option = (int) a[0];
        String name = ARCH_PRCTL.render(option & 0xffffffffL, "ARCH_");
        if (option == ARCH_GET_CPUID) return name;
        if (option == ARCH_GET_FS || option == ARCH_GET_GS) {
            byte[] b = c.bytes(1);
            return name + ", " + (b == null ? Args.pointer(a[1]) : "[" + Args.hex(Args.le(b).getLong(0)) + "]");
        }
        return name + ", " + Args.hex(a[1]);
    }

    /** {@code 8192*1024}, {@code RLIM64_INFINITY}, or the number. */
    private static String limit(long value) {
        if (value == -1) return "RLIM64_INFINITY";
        if (Long.compareUnsigned(value, 1024) > 0 && Long.remainderUnsigned(value, 1024) == 0) {
            return Long.toUnsignedString(Long.divideUnsigned(value, 1024)) + "*1024";
        }
        return Long.toUnsignedString(value);
    }

    private static String rlimit(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{rlim_cur=" + limit(b.getLong(0)) + ", rlim_max=" + limit(b.getLong(8)) + "}";
    }

    /** {@code {ru_utime={tv_sec=0, tv_usec=1010}, ru_stime={tv_sec=0, tv_usec=0}, ...}}. */
    static String rusage(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{ru_utime=" + Times.timeval(b, 0) + ", ru_stime=" + Times.timeval(b, 16) + ", ...}";
    }

    private static String uname(long pointer, byte[] bytes) {
        if (bytes == null) return Args.pointer(pointer);
        return "{sysname=" + field(bytes, 0) + ", nodename=" + field(bytes, UTSNAME_FIELD) + ", ...}";
    }

    /** A NUL-terminated utsname field, quoted. */
    private static String field(byte[] bytes, int at) {
        int end = at;
        while (end < at + UTSNAME_FIELD && end < bytes.length && bytes[end] != 0) end++;
        return Quote.quote(Arrays.copyOfRange(bytes, at, end), end - at, false);
    }

    private static String sysinfo(long pointer, byte[] bytes) {
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{uptime=" + b.getLong(0) + ", loads=[" + u(b, 8) + ", " + u(b, 16) + ", " + u(b, 24) + "], totalram=" + u(b, 32)
                + ", freeram=" + u(b, 40) + ", sharedram=" + u(b, 48) + ", bufferram=" + u(b, 56) + ", totalswap=" + u(b, 64)
                + ", freeswap=" + u(b, 72) + ", procs=" + (b.getShort(80) & 0xffff) + ", totalhigh=" + u(b, 88) + ", freehigh="
                + u(b, 96) + ", mem_unit=" + Integer.toUnsignedString(b.getInt(104)) + "}";
    }

    private static String u(ByteBuffer b, int at) {
        return Long.toUnsignedString(b.getLong(at));
    }
}
