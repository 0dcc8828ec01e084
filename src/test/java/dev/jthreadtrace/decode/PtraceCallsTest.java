package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ptrace's arguments as strace 6.1 prints them (lines taken from its output for native/ptrace_calls.c). */
class PtraceCallsTest {
    private static final int PTRACE = SyscallTable.number("ptrace").orElseThrow();

    private static String call(long request, long pid, long addr, long data, Captures c) {
        return SyscallDecoder.call(PTRACE, new long[] {request, pid, addr, data, 0, 0}, c, 32);
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return b.array();
    }

    @Test
    void requestsPidsOptionsAndSignals() {
        assertEquals("ptrace(PTRACE_TRACEME)", call(0, 0, 0, 0, Captures.NONE));
        assertEquals("ptrace(PTRACE_ATTACH, 16620)", call(0x10, 16620, 0, 0, Captures.NONE));
        assertEquals("ptrace(PTRACE_INTERRUPT, 12)", call(0x4207, 12, 0, 0, Captures.NONE));
        assertEquals("ptrace(PTRACE_SEIZE, 16612, NULL, PTRACE_O_TRACESYSGOOD|PTRACE_O_EXITKILL)",
                call(0x4206, 16612, 0, 0x100001, Captures.NONE));
        assertEquals("ptrace(PTRACE_SETOPTIONS, 7, NULL, PTRACE_O_TRACECLONE|0x800000)", call(0x4200, 7, 0, 0x800008, Captures.NONE));
        assertEquals("ptrace(PTRACE_SEIZE, 7, NULL, 0)", call(0x4206, 7, 0, 0, Captures.NONE));
        assertEquals("ptrace(PTRACE_DETACH, 16106, NULL, 0)", call(0x11, 16106, 0, 0, Captures.NONE));
        assertEquals("ptrace(PTRACE_DETACH, 16106, NULL, SIGCONT)", call(0x11, 16106, 0, 18, Captures.NONE));
        assertEquals("ptrace(PTRACE_GETSIGMASK, 5, 8, 0x7ffd00001000)", call(0x420a, 5, 8, 0x7ffd00001000L, Captures.NONE));
        assertEquals("ptrace(0x4299 /* PTRACE_??? */, 5, NULL, NULL)", call(0x4299, 5, 0, 0, Captures.NONE));
    }

    @Test
    void whatTheKernelWroteOrRead() {
        Captures peek = new Captures();
        peek.put(3, longs(0x10102464c457fL));
        assertEquals("ptrace(PTRACE_PEEKDATA, 16106, 0x560f0d0aa000, [0x10102464c457f])", call(2, 16106, 0x560f0d0aa000L, 0x7ffd0000L, peek));
        Captures msg = new Captures();
        msg.put(3, longs(0));
        assertEquals("ptrace(PTRACE_GETEVENTMSG, 16106, NULL, [0])", call(0x4201, 16106, 0, 0x7ffd0000L, msg));
        Captures mask = new Captures();
        mask.put(3, longs(0));
        assertEquals("ptrace(PTRACE_GETSIGMASK, 16106, 8, [])", call(0x420a, 16106, 8, 0x7ffd0000L, mask));
        long[] regs = new long[27];
        regs[0] = 0x7fff94a88f38L;
        regs[1] = 1;
        Captures regset = new Captures();
        regset.put(3, new Chunks.Writer().add(longs(0x7ffe0000L, 216)).add(longs(regs)).bytes());
        String line = call(0x4204, 16106, 1, 0x7ffd0000L, regset);
        assertTrue(line.startsWith("ptrace(PTRACE_GETREGSET, 16106, NT_PRSTATUS, {iov_base={r15=0x7fff94a88f38, r14=0x1, r13=0, "), line);
        assertTrue(line.endsWith(", ds=0, es=0, fs=0, gs=0}, iov_len=216})"), line);
        Captures fp = new Captures();
        fp.put(3, new Chunks.Writer().add(longs(0x7ffe0000L, 512)).bytes());
        assertEquals("ptrace(PTRACE_GETREGSET, 3, NT_FPREGSET, {iov_base=0x7ffe0000, iov_len=512})", call(0x4204, 3, 2, 0x7ffd0000L, fp));
    }

    @Test
    void onlyTraceMeAttachAndSeizeAreRefusedBecauseTheTaskIsTraced() {
        for (long r : new long[] {0, 0x10, 0x4206}) assertTrue(PtraceCalls.mayBeRefusedAsTraced(r), Long.toString(r));
        for (long r : new long[] {2, 7, 0x11, 0x4200, 0x4207, 1L << 32}) assertFalse(PtraceCalls.mayBeRefusedAsTraced(r), Long.toString(r));
        assertTrue(PtraceCalls.namesAnotherTask(0x10) && PtraceCalls.namesAnotherTask(0x4206) && !PtraceCalls.namesAnotherTask(0));
    }
}
