package dev.jthreadtrace.sys;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys of a status file as the kernel writes them, and this JVM's own. */
class ProcStatusTest {
    private static final ProcStatus SAMPLE = new ProcStatus(List.of(
            "Name:\tjava", "State:\tS (sleeping)", "PPid:\t4242", "TracerPid:\t0", "VmHWM:\t   91236 kB",
            "SigBlk:\t0000000000000004", "CapEff:\t000001ffffffffff", "Seccomp:\t2", "Cpus_allowed_list:\t0-1"));

    @Test
    void valuesByKey() {
        assertEquals("S (sleeping)", SAMPLE.text("State"));
        assertEquals(4242, SAMPLE.number("PPid", -1));
        assertEquals(91236, SAMPLE.number("VmHWM", -1), "the first word of '91236 kB'");
        assertEquals(4, SAMPLE.hex("SigBlk", -1));
        assertEquals(0x1ffffffffffL, SAMPLE.hex("CapEff", 0));
        assertEquals("0-1", SAMPLE.text("Cpus_allowed_list"));
        assertEquals(1, SAMPLE.number("Seccomp_filters", 1), "absent on older kernels: the default");
        assertEquals("", SAMPLE.text("Sig"), "a key is matched whole, not as a prefix of SigBlk");
        assertEquals(-1, ProcStatus.EMPTY.number("PPid", -1));
    }

    @Test
    void thisProcess() {
        assertEquals(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L), ProcStatus.self().number("PPid", -1));
        assertTrue(ProcStatus.self().number("VmHWM", -1) > 0);
    }
}
