package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** prctl, rt_sigprocmask, affinity, seccomp, execve, exit: the calls the inheritance timeline reads. */
class HookCallsTest {
    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v).array();
    }

    @Test
    void prctlNamesAndOptions() {
        Captures name = CloneFlagsTest.captures(1, "inner-1".getBytes(StandardCharsets.UTF_8));
        assertEquals("prctl(PR_SET_NAME, \"inner-1\")", SyscallDecoder.call(SyscallTable.PRCTL, new long[] {15, 0x1000, 0, 0, 0, 0}, name, 32));
        assertEquals("prctl(PR_GET_NAME, \"inner-1\")", SyscallDecoder.call(SyscallTable.PRCTL, new long[] {16, 0x1000, 0, 0, 0, 0}, name, 32));
        assertEquals("prctl(PR_SET_NAME, \"inn\"...)", SyscallDecoder.call(SyscallTable.PRCTL, new long[] {15, 0x1000, 0, 0, 0, 0}, name, 3));
        assertEquals("prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)", SyscallDecoder.call(SyscallTable.PRCTL, new long[] {38, 1, 0, 0, 0, 0}, Captures.NONE, 32));
        assertEquals("prctl(PR_SET_PDEATHSIG, SIGKILL)", SyscallDecoder.call(SyscallTable.PRCTL, new long[] {1, 9, 0, 0, 0, 0}, Captures.NONE, 32));
        assertEquals("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0x2000)", SyscallDecoder.call(SyscallTable.PRCTL, new long[] {22, 2, 0x2000, 0, 0, 0}, Captures.NONE, 32));
        assertEquals("prctl(0x3e8 /* PR_??? */, 0x1, 0, 0, 0)", SyscallDecoder.call(SyscallTable.PRCTL, new long[] {1000, 1, 0, 0, 0, 0}, Captures.NONE, 32));
    }

    @Test
    void signalSetsAsStracePrintsThem() {
        Captures c = CloneFlagsTest.captures(1, le64((1L << 1) | (1L << 14)));
        c.put(2, le64(0));
        assertEquals("rt_sigprocmask(SIG_BLOCK, [INT TERM], [], 8)",
                SyscallDecoder.call(SyscallTable.RT_SIGPROCMASK, new long[] {0, 0x10, 0x20, 8, 0, 0}, c, 32));
        assertEquals("rt_sigprocmask(SIG_SETMASK, ~[], NULL, 8)", SyscallDecoder.call(SyscallTable.RT_SIGPROCMASK,
                new long[] {2, 0x10, 0, 8, 0, 0}, CloneFlagsTest.captures(1, le64(-1L)), 32));
        assertEquals("~[KILL STOP]", Signals.renderSet(~((1L << 8) | (1L << 18))));
        assertEquals("[RTMIN RT_1]", Signals.renderSet(3L << 31));
        assertEquals("SIGUSR1", Signals.name(10));
    }

    @Test
    void cpuSets() {
        Captures c = CloneFlagsTest.captures(2, new byte[] {0b1101, 0, 0, 0, 0, 0, 0, 0});
        assertEquals("sched_setaffinity(0, 8, [0 2 3])", SyscallDecoder.call(SyscallTable.SCHED_SETAFFINITY, new long[] {0, 8, 0x10, 0, 0, 0}, c, 32));
        assertEquals("0,2-3", CpuSet.compact(CpuSet.cpus(new byte[] {0b1101})));
        assertEquals("0-7", CpuSet.compact(CpuSet.cpus(new byte[] {(byte) 0xff})));
    }

    /** /proc/PID/status's Cpus_allowed: 32-bit groups, the highest first. */
    @Test
    void cpuSetsAsProcShowsThem() {
        assertEquals("0-1", CpuSet.compact(CpuSet.cpus(CpuSet.fromProcHex("3\n"))));
        assertEquals("1,32,63", CpuSet.compact(CpuSet.cpus(CpuSet.fromProcHex("80000001,00000002"))));
        assertNull(CpuSet.fromProcHex("zz"));
        assertNull(CpuSet.fromProcHex(""));
    }

    @Test
    void seccompExecveExit() {
        byte[] prog = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 12)
                .putLong(8, 0x7000).array();
        assertEquals("seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, {len=12, filter=0x7000})",
                SyscallDecoder.call(SyscallTable.SECCOMP, new long[] {1, 1, 0x100, 0, 0, 0}, CloneFlagsTest.captures(2, prog), 32));
        Captures ex = CloneFlagsTest.captures(0, "/bin/true".getBytes(StandardCharsets.UTF_8));
        ex.put(1, List.of("true", "a \"quoted\"\narg"));
        assertEquals("execve(\"/bin/true\", [\"true\", \"a \\\"quoted\\\"\\narg\"], 0x7ffd0000)",
                SyscallDecoder.call(SyscallTable.EXECVE, new long[] {0x10, 0x20, 0x7ffd0000L, 0, 0, 0}, ex, 32));
        // strace prints every byte of an argv string that is not printable ASCII in octal: a bidi override (U+202E),
        // a letter (é), a byte that was not UTF-8 (kept as U+DCFF), and -s counts bytes.
        ex.put(1, List.of("true", "a\u202eb \u00e9\f\udcff"));
        assertEquals("execve(\"/bin/true\", [\"true\", \"a\\342\\200\\256b \\303\\251\\f\\377\"], 0x7ffd0000)",
                SyscallDecoder.call(SyscallTable.EXECVE, new long[] {0x10, 0x20, 0x7ffd0000L, 0, 0, 0}, ex, 32));
        ex.put(1, List.of("true", "\u00e9\u00e9\u00e9"));
        assertEquals("execve(\"/bin/true\", [\"true\", \"\\303\\251\\303\\251\"...], 0x7ffd0000)",
                SyscallDecoder.call(SyscallTable.EXECVE, new long[] {0x10, 0x20, 0x7ffd0000L, 0, 0, 0}, ex, 4));
        assertEquals("exit_group(42)", SyscallDecoder.call(SyscallTable.EXIT_GROUP, new long[] {42, 0, 0, 0, 0, 0}, Captures.NONE, 32));
        assertEquals("mincore(0x1000, 0x80000, 0, 0, 0, 0)",
                SyscallDecoder.call(27, new long[] {0x1000, 0x80000, 0, 0, 0, 0}, Captures.NONE, 32),
                "a syscall without a decoder shows its raw registers");
        assertEquals("openat(AT_FDCWD, 0x1000, O_RDONLY|O_CLOEXEC)",
                SyscallDecoder.call(257, new long[] {0xffffff9cL, 0x1000, 0x80000, 0, 0, 0}, Captures.NONE, 32));
        Captures comm = CloneFlagsTest.captures(1, "/proc/self/task/12/comm".getBytes(StandardCharsets.UTF_8));
        assertEquals("openat(AT_FDCWD, \"/proc/self/task/12/comm\", O_RDWR)",
                SyscallDecoder.call(257, new long[] {0xffffff9cL, 0x1000, 2, 0, 0, 0}, comm, 32));
        assertEquals("openat(AT_FDCWD, 0x1000, O_WRONLY|O_CREAT|O_TRUNC, 0644)",
                SyscallDecoder.call(257, new long[] {0xffffff9cL, 0x1000, 01 | 0100 | 01000, 0644, 0, 0}, Captures.NONE, 32));
        Captures written = CloneFlagsTest.captures(1, "worker-7\n\0\3779".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("write(3, \"worker-7\\n\\0\\3779\", 12)",
                SyscallDecoder.call(1, new long[] {3, 0x2000, 12, 0, 0, 0}, written, 32), "strace's octal, 3 digits before a digit");
    }

    @Test
    void traceSelectionParsesNamesClassesAndRejectsUnknowns() {
        TraceSelection s = TraceSelection.parse("clone3,%memory");
        assertEquals(true, s.isShown("clone3"));
        assertEquals(true, s.isShown("madvise"));
        assertEquals(false, s.isShown("futex"));
        assertEquals(true, s.recorded()[SyscallTable.PRCTL], "the model's calls are recorded even when not shown");
        assertEquals("unknown syscall 'clone4' (x86-64 names, e.g. clone3, futex, mmap)",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TraceSelection.parse("clone4")).getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TraceSelection.parse("%nope"));
    }
}
