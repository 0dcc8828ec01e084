package dev.jthreadtrace.ptrace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is left of a timer the tool took over when the start gate arms it for the command. */
class KeptAcrossExecTest {
    private static final int REAL = 0, PROF = 2;

    @Test
    void aRealTimeTimerHasRunOnMeanwhile() {
        var alarm = new KeptAcrossExec.IntervalTimer(REAL, 3_000_000, 0);
        assertEquals(new KeptAcrossExec.IntervalTimer(REAL, 2_250_000, 0), alarm.after(750_000));
        assertFalse(alarm.expiredWithin(750_000));
        assertEquals(14, alarm.signal());
    }

    @Test
    void anExpiredOneShotIsDueAndNotArmedAgain() {
        var alarm = new KeptAcrossExec.IntervalTimer(REAL, 100_000, 0);
        assertTrue(alarm.expiredWithin(100_000));
        assertNull(alarm.after(250_000));
    }

    @Test
    void anExpiredPeriodicOneGoesOnAtItsNextPeriod() {
        var ticker = new KeptAcrossExec.IntervalTimer(REAL, 100_000, 1_000_000);
        assertTrue(ticker.expiredWithin(2_400_000));
        // Expired at 0.1 s, then 1.1 and 2.1: the next expiry is at 3.1 s, 0.7 s from now.
        assertEquals(new KeptAcrossExec.IntervalTimer(REAL, 700_000, 1_000_000), ticker.after(2_400_000));
    }

    @Test
    void aCpuTimeTimerCountsTheCommandsCpuWhichHasNotRunYet() {
        var prof = new KeptAcrossExec.IntervalTimer(PROF, 50_000, 5_000_000);
        assertEquals(prof, prof.after(10_000_000));
        assertFalse(prof.expiredWithin(10_000_000));
        assertEquals(27, prof.signal());
    }
}
