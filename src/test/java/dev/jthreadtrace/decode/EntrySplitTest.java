package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a call's line is split at '<unfinished ...>': strace 6.1's own lines (strace -f on the fixtures). */
class EntrySplitTest {
    private static final int STRING_MAX = 32;

    private static String entry(String name, long... args) {
        return entry(name, Captures.NONE, args);
    }

    private static String entry(String name, Captures c, long... args) {
        long[] six = new long[6];
        System.arraycopy(args, 0, six, 0, args.length);
        return SyscallDecoder.entryPart(SyscallTable.number(name).orElseThrow(), six, c, STRING_MAX);
    }

    @Test
    void allInputsArePrintedAtEntry() {
        // 27750 futex(0x7ffab7af5990, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 27751, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
        assertEquals("futex(0x7ffab7af5990, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 27751, NULL, FUTEX_BITSET_MATCH_ANY",
                entry("futex", 0x7ffab7af5990L, 0x109, 27751, 0, 0, 0xffffffffL));
        // 27740 set_robust_list(0x7f05f03dfa20, 24 <unfinished ...>
        assertEquals("set_robust_list(0x7f05f03dfa20, 24", entry("set_robust_list", 0x7f05f03dfa20L, 24));
    }

    @Test
    void outputsArePrintedAtExit() {
        // 27731 wait4(27732,  <unfinished ...>  /  <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 27732
        assertEquals("wait4(27732, ", entry("wait4", 27732, 0x7ffc1000L, 0, 0));
        // 27737 waitid(P_PID, 27740,  <unfinished ...>
        assertEquals("waitid(P_PID, 27740, ", entry("waitid", 1, 27740, 0x7ffc1000L, 4, 0));
        assertEquals("read(3, ", entry("read", 3, 0x7ffc1000L, 100));
        // 27751 rt_sigprocmask(SIG_SETMASK, [USR1],  <unfinished ...>  /  <... rt_sigprocmask resumed>NULL, 8) = 0
        Captures set = new Captures();
        set.put(1, new byte[] {0, 2, 0, 0, 0, 0, 0, 0});
        assertEquals("rt_sigprocmask(SIG_SETMASK, [USR1], ", entry("rt_sigprocmask", set, 2, 0x7ffc1000L, 0, 8));
    }

    @Test
    void cloneShowsItsStoredTidAtExit() {
        // clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>
        // <... clone resumed>, child_tidptr=0x7f0d1c8e4a10) = 1234
        long flags = CloneFlags.CLONE_CHILD_CLEARTID | CloneFlags.CLONE_CHILD_SETTID | 17;
        assertEquals("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD",
                entry("clone", flags, 0, 0, 0x7f0d1c8e4a10L, 0));
        String whole = SyscallDecoder.call(SyscallTable.CLONE, new long[] {flags, 0, 0, 0x7f0d1c8e4a10L, 0, 0}, Captures.NONE, STRING_MAX);
        assertEquals(", child_tidptr=0x7f0d1c8e4a10)", SyscallDecoder.resumedPart(
                "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD", whole));
        // without a flag that makes the kernel store anything, the whole call at entry
        assertEquals("clone(child_stack=0x7f0d1c000000, flags=CLONE_VM|SIGCHLD", entry("clone", CloneFlags.CLONE_VM | 17, 0x7f0d1c000000L));
    }

    @Test
    void clone3ShowsWhatItStoredAtExit() {
        // 27751 clone3({flags=...|CLONE_PARENT_SETTID|..., ..., tls=0x7ffab72f46c0} <unfinished ...>
        // 27751 <... clone3 resumed> => {parent_tid=[27752]}, 88) = 27752
        ByteBuffer b = ByteBuffer.allocate(88).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, CloneFlags.CLONE_VM | CloneFlags.CLONE_PARENT_SETTID).putLong(24, 0x7ffab72f4990L);
        Captures c = new Captures();
        c.put(0, b.array());
        String entry = entry("clone3", c, 0x7ffab72f3000L, 88);
        assertEquals(SyscallDecoder.call(SyscallTable.CLONE3, new long[] {0x7ffab72f3000L, 88, 0, 0, 0, 0}, c, STRING_MAX)
                .replace(", 88)", ""), entry);
    }

    @Test
    void pollShowsItsArrayAtEntryAndWhatTheKernelWroteInTheResult() {
        // poll([{fd=3, events=POLLIN}], 1, 1000 <unfinished ...>  /  <... poll resumed>) = 1 ([{fd=3, revents=POLLIN}])
        ByteBuffer fd = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 3).putShort(4, (short) 1);
        Captures c = new Captures();
        c.put(0, new Chunks.Writer().add(fd.array()).bytes());
        assertEquals("poll([{fd=3, events=POLLIN}], 1, 1000", entry("poll", c, 0x7ffc1000L, 1, 1000));
    }
}
