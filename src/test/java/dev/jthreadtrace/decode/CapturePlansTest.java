package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the tracer is told to copy at each stop. */
class CapturePlansTest {
    @Test
    void plansFollowTheArguments() {
        assertEquals(List.of(new Capture.BytesSizedByArg(0, 1, 88, false)), CapturePlans.forCall(SyscallTable.CLONE3, new long[6]));
        assertEquals(List.of(new Capture.Bytes(3, 16, false)), CapturePlans.forCall(SyscallTable.FUTEX, new long[] {0, 128, 0, 0, 0, 0}));
        assertEquals(List.of(), CapturePlans.forCall(SyscallTable.FUTEX, new long[] {0, 131, 0, 0, 0, 0}), "REQUEUE has no timeout");
        assertEquals(List.of(new Capture.CString(1, 16, false)), CapturePlans.forCall(SyscallTable.PRCTL, new long[] {15, 0, 0, 0, 0, 0}));
        assertEquals(List.of(new Capture.CString(1, 16, true)), CapturePlans.forCall(SyscallTable.PRCTL, new long[] {16, 0, 0, 0, 0, 0}));
        assertEquals(List.of(new Capture.FdPath(4)), CapturePlans.forCall(SyscallTable.MMAP, new long[] {0, 4096, 1, 2, 3, 0}));
        assertEquals(List.of(), CapturePlans.forCall(SyscallTable.MMAP, new long[] {0, 4096, 1, 0x22, -1, 0}));
        assertEquals(List.of(), CapturePlans.forCall(SyscallTable.MUNMAP, new long[6]));
    }
}
