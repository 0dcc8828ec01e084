package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** rseq as strace 6.1 prints it: {@code rseq(0x7f21a134f060, 0x20, 0, 0x53053053) = 0}. */
class RseqTest {
    private static final int RSEQ = SyscallTable.number("rseq").orElseThrow();

    @Test
    void registrationAndUnregistration() {
        assertEquals("rseq(0x7f21a134f060, 0x20, 0, 0x53053053)",
                SyscallDecoder.call(RSEQ, new long[] {0x7f21a134f060L, 0x20, 0, 0x53053053, 0, 0}, Captures.NONE, 32));
        assertEquals("rseq(0x7f21a134f060, 0x20, RSEQ_FLAG_UNREGISTER, 0x53053053)",
                SyscallDecoder.call(RSEQ, new long[] {0x7f21a134f060L, 0x20, 1, 0x53053053, 0, 0}, Captures.NONE, 32));
        assertEquals("rseq(NULL, 0, RSEQ_FLAG_UNREGISTER|0x6, 0)",
                SyscallDecoder.call(RSEQ, new long[] {0, 0, 7, 0, 0, 0}, Captures.NONE, 32), "unknown bits kept");
        assertEquals("0", SyscallDecoder.result(RSEQ, 0, false, true));
    }

    @Test
    void shownOnlyWhenAskedFor() {
        assertFalse(TraceSelection.defaults().shown()[RSEQ], "rseq is not in the default set");
        assertEquals(true, TraceSelection.parse("rseq").shown()[RSEQ]);
    }
}
