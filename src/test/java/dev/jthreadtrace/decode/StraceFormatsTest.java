package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The new families' renderers against lines strace 6.1 printed for the same bytes (taken from its
 * runs of native/decode_*.c and of a JVM), without a tracee: the registers and captured memory are
 * built here, and the memory behind pointers is read from a map by the gatherers.
 */
class StraceFormatsTest {
    /** Tracee memory as a map from address to bytes: what a {@link Gatherer} reads at the stop. */
    static final class FakeMemory implements MemoryReader {
        final TreeMap<Long, byte[]> regions = new TreeMap<>();
        final Map<Integer, String> fds = new java.util.HashMap<>();
        int limit = 33;

        FakeMemory put(long address, byte[] bytes) {
            regions.put(address, bytes);
            return this;
        }

        @Override
        public byte[] read(long address, int length) {
            Map.Entry<Long, byte[]> e = regions.floorEntry(address);
            if (e == null || address - e.getKey() + length > e.getValue().length) return null;
            int from = (int) (address - e.getKey());
            return java.util.Arrays.copyOfRange(e.getValue(), from, from + length);
        }

        @Override
        public String fdPath(int fd) {
            return fds.get(fd);
        }

        @Override
        public int bufferLimit() {
            return limit;
        }

        @Override
        public long stackPointer() {
            return 0;
        }
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String line(String name, long[] args, Captures c, long ret, boolean error) {
        int nr = SyscallTable.number(name).orElseThrow();
        return SyscallDecoder.call(nr, args, c, 32) + " = " + SyscallDecoder.result(nr, args, ret, error, true, c);
    }

    /** Runs a row's capture plan against fake memory, at entry and at exit, as the tracer does. */
    private static Captures capture(String name, long[] args, FakeMemory memory, long ret) {
        Captures c = new Captures();
        for (Capture cap : Syscalls.captures(SyscallTable.number(name).orElseThrow(), args)) {
            Object value = switch (cap) {
                case Capture.Gather g -> g.gatherer().gather(memory, args, cap.when() == Capture.When.AT_ENTRY ? 0 : ret);
                case Capture.Bytes b -> args[b.arg()] == 0 || (b.when() == Capture.When.AT_EXIT && ret < 0) ? null
                        : memory.read(args[b.arg()], b.length());
                case Capture.BytesSizedByArg b -> memory.read(args[b.arg()], (int) Math.min(args[b.lengthArg()],
                        b.max() == Capture.SHOWN ? memory.limit : b.max()));
                case Capture.BytesSizedByReturn b -> ret < 0 ? null : memory.read(args[b.arg()], (int) Math.min(ret,
                        b.max() == Capture.SHOWN ? memory.limit : b.max()));
                case Capture.CString s -> cString(memory, args[s.arg()]);
                default -> null;
            };
            if (value != null) c.put(cap.arg(), value);
        }
        return c;
    }

    private static byte[] cString(FakeMemory memory, long address) {
        byte[] all = memory.regions.get(address);
        if (all == null) return null;
        int n = 0;
        while (n < all.length && all[n] != 0) n++;
        return java.util.Arrays.copyOf(all, n);
    }

    @Test
    void buffersAreQuotedAndCutAsStraceDoes() {
        byte[] data = ascii("hello\n\t\"quoted\"\\ \001\0377\r\f\013 end");
        assertEquals("\"hello\\n\\t\\\"quoted\\\"\\\\ \\1\\0377\\r\\f\\v end\"", Quote.buffer(1, data, 32));
        assertEquals("\"a string longer than thirty-two \"...", Quote.buffer(1, ascii("a string longer than thirty-two bytes"), 32));
        assertEquals("\"\\xb9\\x6b\\xdd\"", Quote.hexBuffer(1, new byte[] {(byte) 0xb9, 0x6b, (byte) 0xdd}, 32));
        assertEquals("0x7ffe80d94db0", Quote.buffer(0x7ffe80d94db0L, null, 32), "unread: the address");
        assertEquals("/proc/1/fd/\\74x\\76", Quote.fdPath("/proc/1/fd/<x>"), "an fd path cannot close its brackets");
        // a path's bytes are its own: UTF-8 and bytes that are not (kept by KernelBytes) are octal, as strace prints them
        assertEquals("/tmp/\\303\\251-\\377\\376", Quote.fdPath(KernelBytes.decode(new byte[] {'/', 't', 'm', 'p', '/', (byte) 0xc3, (byte) 0xa9,
                '-', (byte) 0xff, (byte) 0xfe})));
    }

    @Test
    void filesAndDescriptors() {
        FakeMemory m = new FakeMemory().put(0x1000, ascii("a.txt\0"));
        long[] open = {-100, 0x1000, 0102 | 0200, 0600, 0, 0};
        assertEquals("openat(AT_FDCWD, \"a.txt\", O_RDWR|O_CREAT|O_EXCL, 0600) = 3", line("openat", open, capture("openat", open, m, 3), 3, false));
        assertEquals("fcntl(4, F_GETFL) = 0x8c02 (flags O_RDWR|O_APPEND|O_NONBLOCK|O_LARGEFILE)",
                line("fcntl", new long[] {4, 3, 0, 0, 0, 0}, Captures.NONE, 0x8c02, false));
        assertEquals("fcntl(4, F_GETFD) = 0", line("fcntl", new long[] {4, 1, 0, 0, 0, 0}, Captures.NONE, 0, false));
        assertEquals("fcntl(4, 0x4d2 /* F_??? */, 0x5) = -1 EINVAL (Invalid argument)",
                line("fcntl", new long[] {4, 1234, 5, 0, 0, 0}, Captures.NONE, -22, true));
        assertEquals("lseek(3, 0, 0x2a /* SEEK_??? */) = -1 EINVAL (Invalid argument)",
                line("lseek", new long[] {3, 0, 42, 0, 0, 0}, Captures.NONE, -22, true));
        assertEquals("ioctl(4, _IOC(_IOC_READ, 0x99, 0x12, 0x4), 0x7ffe80d94dfc) = -1 ENOTTY (Inappropriate ioctl for device)",
                line("ioctl", new long[] {4, 0x80049912L, 0x7ffe80d94dfcL, 0, 0, 0}, Captures.NONE, -25, true));
        assertEquals("umask(027) = 022", line("umask", new long[] {027, 0, 0, 0, 0, 0}, Captures.NONE, 022, false));
        byte[] stat = le(StatStructs.STAT_BYTES).putInt(24, 0020666).putLong(40, 0x103).array();
        assertEquals("{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}", StatStructs.stat(1, stat));
        assertEquals("S_IFREG|S_ISUID|0755", StatStructs.symbolicMode(0104755));
    }

    @Test
    void vectorsAndPipesAreGatheredThroughTheirPointers() {
        FakeMemory m = new FakeMemory().put(0x2000, le(32).putLong(0, 0x3000).putLong(8, 3).putLong(16, 0x4000).putLong(24, 64).array())
                .put(0x3000, ascii("hel")).put(0x4000, ascii("XY\n\t\"quoted\"\\ \001\0377 enda string longer than this"));
        long[] readv = {3, 0x2000, 2, 0, 0, 0};
        assertEquals("readv(3, [{iov_base=\"hel\", iov_len=3}, {iov_base=\"XY\\n\\t\\\"quoted\\\"\\\\ \\1\\0377 enda string lo\"..., "
                + "iov_len=64}], 2) = 67", line("readv", readv, capture("readv", readv, m, 67), 67, false));
        m.put(0x5000, le(8).putInt(0, 6).putInt(4, 7).array());
        m.fds.put(6, "pipe:[443530]");
        long[] pipe2 = {0x5000, 02004000, 0, 0, 0, 0};
        Captures c = capture("pipe2", pipe2, m, 0);
        assertEquals("pipe2([6<pipe:[443530]>, 7], O_NONBLOCK|O_CLOEXEC) = 0", line("pipe2", pipe2, c, 0, false));
        assertEquals("pipe2([6, 7], O_NONBLOCK|O_CLOEXEC) = 0", line("pipe2", pipe2, c.withoutFdPaths(), 0, false), "without -y");
    }

    @Test
    void socketAddressesAndLengths() {
        byte[] v4 = le(16).putShort(0, (short) 2).put(2, (byte) 0x96).put(3, (byte) 0xed).put(4, (byte) 127).put(7, (byte) 1).array();
        assertEquals("{sa_family=AF_INET, sin_port=htons(38637), sin_addr=inet_addr(\"127.0.0.1\")}", SockAddr.render(1, v4));
        byte[] v6 = le(28).putShort(0, (short) 10).array();
        v6[18] = (byte) 0xff;
        v6[19] = (byte) 0xff;
        v6[20] = 127;
        v6[23] = 1;
        assertEquals("{sa_family=AF_INET6, sin6_port=htons(0), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::ffff:127.0.0.1\", "
                + "&sin6_addr), sin6_scope_id=0}", SockAddr.render(1, v6));
        assertEquals("2001:db8::1", SockAddr.ipv6(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        assertEquals("::", SockAddr.ipv6(new byte[16]));
        assertEquals("{sa_family=AF_UNIX, sun_path=@\"jtt-abstract\"}", SockAddr.render(1, ascii("\1\0\0jtt-abstract")));
        FakeMemory m = new FakeMemory().put(0x6000, le(4).putInt(0, 110).array()).put(0x7000, le(110).putShort(0, (short) 1).array());
        long[] accept = {3, 0x7000, 0x6000, 0, 0, 0};
        Captures c = capture("accept", accept, m, 5);
        m.put(0x6000, le(4).putInt(0, 2).array());
        c.put(1, new Chunks.Writer().add(le(4).putInt(0, 2).array()).add(le(2).putShort(0, (short) 1).array()).bytes());
        assertEquals("accept(3, {sa_family=AF_UNIX}, [110 => 2]) = 5", line("accept", accept, c, 5, false));
        assertEquals("socket(0x3039 /* AF_??? */, SOCK_STREAM, 0) = -1 EAFNOSUPPORT (Address family not supported by protocol)",
                line("socket", new long[] {12345, 1, 0, 0, 0, 0}, Captures.NONE, -97, true));
    }

    @Test
    void pollSelectAndEpollResults() {
        FakeMemory m = new FakeMemory().put(0x8000, le(24).putInt(0, 3).putShort(4, (short) 3).putInt(8, 4).putShort(12, (short) 4)
                .putShort(14, (short) 4).putInt(16, -1).putShort(20, (short) 1).array());
        long[] poll = {0x8000, 3, 0, 0, 0, 0};
        assertEquals("poll([{fd=3, events=POLLIN|POLLPRI}, {fd=4, events=POLLOUT}, {fd=-1}], 3, 0) = 1 ([{fd=4, revents=POLLOUT}])",
                line("poll", poll, capture("poll", poll, m, 1), 1, false));
        assertEquals("poll([{fd=3, events=POLLIN|POLLPRI}, {fd=4, events=POLLOUT}, {fd=-1}], 3, 0) = 0 (Timeout)",
                line("poll", poll, capture("poll", poll, m, 0), 0, false));
        byte[] event = le(12).putInt(0, 0x80000001).putLong(4, 0x1122334455667788L).array();
        assertEquals("epoll_ctl(5, EPOLL_CTL_ADD, 3, {events=EPOLLIN|EPOLLET, data={u32=1432778632, u64=1234605616436508552}}) = 0",
                line("epoll_ctl", new long[] {5, 1, 3, 0x9000, 0, 0}, captureWith(3, event), 0, false));
        assertEquals("epoll_ctl(5, EPOLL_CTL_DEL, 3, NULL) = 0", line("epoll_ctl", new long[] {5, 2, 3, 0, 0, 0}, Captures.NONE, 0, false));
    }

    private static Captures captureWith(int slot, byte[] bytes) {
        Captures c = new Captures();
        c.put(slot, bytes);
        return c;
    }

    @Test
    void siginfoAsStracePrintsIt() {
        byte[] user = le(Siginfo.SIZE).putInt(0, 10).putInt(8, 0).putInt(16, 14020).putInt(20, 0).array();
        assertEquals("{si_signo=SIGUSR1, si_code=SI_USER, si_pid=14020, si_uid=0}", Siginfo.render(user));
        byte[] queue = le(Siginfo.SIZE).putInt(0, 36).putInt(8, -1).putInt(16, 14020).putInt(20, 0).putLong(24, 42).array();
        assertEquals("{si_signo=SIGRT_4, si_code=SI_QUEUE, si_pid=14020, si_uid=0, si_int=42, si_ptr=0x2a}", Siginfo.render(queue));
        byte[] timer = le(Siginfo.SIZE).putInt(0, 10).putInt(8, -2).putInt(16, 0).putInt(20, 0).putLong(24, 7).array();
        assertEquals("{si_signo=SIGUSR1, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=7, si_ptr=0x7}", Siginfo.render(timer));
        byte[] chld = le(Siginfo.SIZE).putInt(0, 17).putInt(8, 2).putInt(16, 14663).putInt(24, 15).array();
        assertEquals("{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=14663, si_uid=0, si_status=SIGTERM, si_utime=0, si_stime=0}",
                Siginfo.render(chld));
        byte[] segv = le(Siginfo.SIZE).putInt(0, 11).putInt(8, 1).putLong(16, 0x10).array();
        assertEquals("{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}", Siginfo.render(segv));
        byte[] kernel = le(Siginfo.SIZE).putInt(0, 14).putInt(8, 0x80).array();
        assertEquals("{si_signo=SIGALRM, si_code=SI_KERNEL}", Siginfo.render(kernel));
    }

    @Test
    void processesTimeAndResults() {
        assertEquals("wait4(-1, NULL, WNOHANG, NULL) = -1 ECHILD (No child processes)",
                line("wait4", new long[] {-1, 0, 1, 0, 0, 0}, Captures.NONE, -10, true));
        assertEquals("[{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}]", ProcessCalls.status(1, le(4).putInt(0, 15).array()));
        assertEquals("[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]", ProcessCalls.status(1, le(4).putInt(0, 3 << 8).array()));
        assertEquals("prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1000, rlim_max=4*1024}, NULL) = 0", line("prlimit64",
                new long[] {0, 7, 1, 0, 0, 0}, captureWith(2, le(16).putLong(0, 1000).putLong(8, 4096).array()), 0, false));
        Captures wait = captureWith(0, le(8).putLong(0, 1L << 9).array());
        wait.put(2, new byte[16]);
        assertEquals("rt_sigtimedwait([USR1], NULL, {tv_sec=0, tv_nsec=0}, 8) = 10 (SIGUSR1)",
                line("rt_sigtimedwait", new long[] {1, 0, 2, 8, 0, 0}, wait, 10, false));
        assertEquals("rt_sigsuspend([], 8) = ? ERESTARTNOHAND (To be restarted if no handler)", line("rt_sigsuspend",
                new long[] {1, 8, 0, 0, 0, 0}, captureWith(0, new byte[8]), -514, true));
        assertEquals("nanosleep({tv_sec=0, tv_nsec=2000000000}, NULL) = -1 EINVAL (Invalid argument)", line("nanosleep",
                new long[] {1, 0, 0, 0, 0, 0}, captureWith(0, le(16).putLong(8, 2_000_000_000L).array()), -22, true));
        assertEquals("clock_getres(0x4d2 /* CLOCK_??? */, 0x7fff58eb2120) = -1 EINVAL (Invalid argument)",
                line("clock_getres", new long[] {1234, 0x7fff58eb2120L, 0, 0, 0, 0}, Captures.NONE, -22, true));
        assertEquals("msgget(IPC_PRIVATE, IPC_CREAT|0600) = 3", line("msgget", new long[] {0, 01600, 0, 0, 0, 0}, Captures.NONE, 3, false));
        assertEquals("brk(NULL) = 0x5571719a7000", line("brk", new long[6], Captures.NONE, 0x5571719a7000L, false));
    }
}
