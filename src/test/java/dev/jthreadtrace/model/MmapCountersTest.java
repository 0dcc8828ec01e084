package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Mapped bytes are size_t sums: they stop at Long.MAX_VALUE rather than wrap negative (mmap.bytes < 1GiB passed on 2^63 bytes). */
class MmapCountersTest {
    @Test
    void bytesSaturateInsteadOfWrapping() {
        MmapCounters c = new MmapCounters();
        for (int i = 0; i < 131_073; i++) c.mapped(1L << 46);
        assertEquals(Long.MAX_VALUE, c.mmapBytes(), "131073 maps of 2^46 bytes are more than 2^63");
        assertEquals(131_073, c.mmapCalls());
    }

    @Test
    void aLengthAboveLongMaxIsNoNegativeNumber() {
        MmapCounters c = new MmapCounters();
        c.unmapped(-4096); // 2^64 - 4096 as a size_t
        c.unmapped(4096);
        assertEquals(Long.MAX_VALUE, c.munmapBytes());
    }
}
