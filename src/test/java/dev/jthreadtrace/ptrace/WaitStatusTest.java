package dev.jthreadtrace.ptrace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Raw statuses built as the kernel builds them (see wait(2) and ptrace(2)). */
class WaitStatusTest {
    private static int stopped(int signal, int event) {
        return (event << 16) | (signal << 8) | 0x7f;
    }

    @Test
    void exitedCarriesTheCode() {
        assertEquals(new WaitStatus.Exited(0), WaitStatus.fromRaw(0));
        assertEquals(new WaitStatus.Exited(42), WaitStatus.fromRaw(42 << 8));
        assertEquals(new WaitStatus.Exited(255), WaitStatus.fromRaw(255 << 8));
    }

    @Test
    void killedCarriesSignalAndCore() {
        assertEquals(new WaitStatus.Killed(9, false), WaitStatus.fromRaw(9));
        assertEquals(new WaitStatus.Killed(11, true), WaitStatus.fromRaw(11 | 0x80));
    }

    @Test
    void syscallStopIsSigtrapWith0x80() {
        assertEquals(new WaitStatus.SyscallStop(), WaitStatus.fromRaw(stopped(5 | 0x80, 0)));
    }

    @Test
    void theStopsOfEveryRoundAreNotMadeAgain() {
        // one decoding per stop on the ptrace thread: the statuses without a value are shared
        assertSame(WaitStatus.fromRaw(stopped(5 | 0x80, 0)), WaitStatus.fromRaw(stopped(5 | 0x80, 0)));
        assertSame(WaitStatus.fromRaw(stopped(5, 7)), WaitStatus.fromRaw(stopped(5, 7)));
        assertSame(WaitStatus.fromRaw(stopped(5, 128)), WaitStatus.fromRaw(stopped(5, 128)));
    }

    @Test
    void ptraceEventsAreClassified() {
        assertEquals(new WaitStatus.EventStop(PtraceEvent.CLONE), WaitStatus.fromRaw(stopped(5, 3)));
        assertEquals(new WaitStatus.EventStop(PtraceEvent.FORK), WaitStatus.fromRaw(stopped(5, 1)));
        assertEquals(new WaitStatus.EventStop(PtraceEvent.VFORK), WaitStatus.fromRaw(stopped(5, 2)));
        assertEquals(new WaitStatus.EventStop(PtraceEvent.EXEC), WaitStatus.fromRaw(stopped(5, 4)));
        assertEquals(new WaitStatus.EventStop(PtraceEvent.VFORK_DONE), WaitStatus.fromRaw(stopped(5, 5)));
        assertEquals(new WaitStatus.EventStop(PtraceEvent.EXIT), WaitStatus.fromRaw(stopped(5, 6)));
        assertEquals(new WaitStatus.EventStop(PtraceEvent.SECCOMP), WaitStatus.fromRaw(stopped(5, 7)));
    }

    @Test
    void eventStopWithAStoppingSignalIsAGroupStop() {
        for (int sig : new int[] {19, 20, 21, 22}) {
            assertEquals(new WaitStatus.GroupStop(sig), WaitStatus.fromRaw(stopped(sig, 128)));
        }
    }

    @Test
    void eventStopWithSigtrapIsAnInterruptOrNewTaskStop() {
        assertEquals(new WaitStatus.InterruptStop(), WaitStatus.fromRaw(stopped(5, 128)));
    }

    @Test
    void plainStopIsASignalDeliveryStop() {
        assertEquals(new WaitStatus.SignalDeliveryStop(17), WaitStatus.fromRaw(stopped(17, 0)));
        assertEquals(new WaitStatus.SignalDeliveryStop(19), WaitStatus.fromRaw(stopped(19, 0)));
        assertEquals(new WaitStatus.SignalDeliveryStop(5), WaitStatus.fromRaw(stopped(5, 0)));
    }

    @Test
    void unknownEventCodeAndContinuedAreUnknown() {
        assertEquals(new WaitStatus.Unknown(stopped(5, 99)), WaitStatus.fromRaw(stopped(5, 99)));
        assertEquals(new WaitStatus.Unknown(0xffff), WaitStatus.fromRaw(0xffff)); // WIFCONTINUED
    }

    @Test
    void everyPtraceEventCodeMapsBackAndOthersAreUnknown() {
        for (PtraceEvent e : PtraceEvent.values()) org.junit.jupiter.api.Assertions.assertSame(e, PtraceEvent.of(e.code()));
        for (int code : new int[] {-1, 0, 8, 127, 129, 255, 256}) {
            org.junit.jupiter.api.Assertions.assertNull(PtraceEvent.of(code), "code " + code);
        }
    }
}
