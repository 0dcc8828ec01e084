package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected strings are strace 6.1's output for the same calls (native/decode_mix.c). */
class FutexOpsTest {
    private static final long U = 0x55d6ea857080L, U2 = 0x55d6ea857088L, TS = 0x7ffc0000L;

    static Captures timespec(long sec, long nsec) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, sec).putLong(8, nsec);
        return CloneFlagsTest.captures(3, b.array());
    }

    static String futex(long op, long val, long a3, long a4, long val3, Captures c) {
        return SyscallDecoder.call(SyscallTable.FUTEX, new long[] {U, op, val, a3, a4, val3}, c, 32);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = ';', value = {
            "0;FUTEX_WAIT", "128;FUTEX_WAIT_PRIVATE", "1;FUTEX_WAKE", "129;FUTEX_WAKE_PRIVATE", "2;FUTEX_FD",
            "3;FUTEX_REQUEUE", "131;FUTEX_REQUEUE_PRIVATE", "4;FUTEX_CMP_REQUEUE", "132;FUTEX_CMP_REQUEUE_PRIVATE",
            "5;FUTEX_WAKE_OP", "133;FUTEX_WAKE_OP_PRIVATE", "6;FUTEX_LOCK_PI", "134;FUTEX_LOCK_PI_PRIVATE",
            "7;FUTEX_UNLOCK_PI", "135;FUTEX_UNLOCK_PI_PRIVATE", "8;FUTEX_TRYLOCK_PI", "136;FUTEX_TRYLOCK_PI_PRIVATE",
            "9;FUTEX_WAIT_BITSET", "137;FUTEX_WAIT_BITSET_PRIVATE", "393;FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME",
            "265;FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME", "10;FUTEX_WAKE_BITSET", "138;FUTEX_WAKE_BITSET_PRIVATE",
            "11;FUTEX_WAIT_REQUEUE_PI", "139;FUTEX_WAIT_REQUEUE_PI_PRIVATE", "267;FUTEX_WAIT_REQUEUE_PI|FUTEX_CLOCK_REALTIME",
            "12;FUTEX_CMP_REQUEUE_PI", "140;FUTEX_CMP_REQUEUE_PI_PRIVATE", "13;FUTEX_LOCK_PI2",
            "141;FUTEX_LOCK_PI2_PRIVATE", "14;0xe /* FUTEX_??? */", "142;0xe /* FUTEX_??? */|FUTEX_PRIVATE_FLAG",
    })
    void everyOpIsNamedWithPrivateAndClockRealtimeAsStraceDoes(long op, String expected) {
        assertEquals(expected, FutexOps.renderOp(op));
    }

    @Test
    void argumentsFollowTheOp() {
        assertEquals("futex(0x55d6ea857080, FUTEX_WAKE, 1)", futex(1, 1, 0, 0, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAIT, 0, {tv_sec=0, tv_nsec=1000})", futex(0, 0, TS, 0, 0, timespec(0, 1000)));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAIT_PRIVATE, 1, NULL)", futex(128, 1, 0, 0, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY)",
                futex(393, 0, 0, 0, 0xffffffffL, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAIT_BITSET, 7, {tv_sec=1700000000, tv_nsec=5}, 0x3)",
                futex(9, 7, TS, 0, 3, timespec(1700000000, 5)));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAKE_BITSET, 1, 0x3)", futex(10, 1, 0, 0, 3, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_REQUEUE_PRIVATE, 1, 2, 0x55d6ea857088)", futex(131, 1, 2, U2, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_CMP_REQUEUE, 1, 5, 0x55d6ea857088, 1)", futex(4, 1, 5, U2, 1, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAKE_OP_PRIVATE, 1, 1, 0x55d6ea857088, FUTEX_OP_ADD<<28|0x1<<12|FUTEX_OP_CMP_GT<<24|0)",
                futex(133, 1, 1, U2, 0x14001000L, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAKE_OP, 1, 1, 0x55d6ea857088, FUTEX_OP_OPARG_SHIFT<<28|FUTEX_OP_SET<<28|0x3<<12|FUTEX_OP_CMP_EQ<<24|0x2)",
                futex(5, 1, 1, U2, 0x80003002L, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_LOCK_PI_PRIVATE, NULL)", futex(134, 0, 0, 0, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_UNLOCK_PI_PRIVATE)", futex(135, 0, 0, 0, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_TRYLOCK_PI)", futex(8, 0, 0, 0, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, 0x55d6ea857088)", futex(139, 0, 0, U2, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_CMP_REQUEUE_PI, 1, 2, 0x55d6ea857088, 0)", futex(12, 1, 2, U2, 0, Captures.NONE));
        assertEquals("futex(0x55d6ea857080, FUTEX_WAIT, 0, 0x7ffc0000)", futex(0, 0, TS, 0, 0, Captures.NONE),
                "an unreadable timeout shows its address");
    }

    @Test
    void timeoutKindsAndWaitWakeClassesFollowTheCommand() {
        assertTrue(FutexOps.hasTimeout(128) && FutexOps.hasTimeout(393) && FutexOps.hasTimeout(6) && FutexOps.hasTimeout(11));
        assertFalse(FutexOps.hasTimeout(131), "REQUEUE's fourth argument is val2, not a pointer");
        assertTrue(FutexOps.isWait(137) && !FutexOps.isWake(137));
        assertTrue(FutexOps.isWake(129) && FutexOps.isWake(133) && !FutexOps.isWait(129));
    }

    @Test
    void futexWaitvListsItsWaiters() {
        ByteBuffer w = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        w.putLong(0, 1).putLong(8, U).putInt(16, 0x82).putLong(24, 0).putLong(32, U2).putInt(40, 2);
        Captures c = CloneFlagsTest.captures(0, w.array());
        c.put(3, timespec(5, 0).bytes(3));
        assertEquals("futex_waitv([{val=0x1, uaddr=0x55d6ea857080, flags=FUTEX2_SIZE_U32|FUTEX2_PRIVATE}, {val=0, "
                        + "uaddr=0x55d6ea857088, flags=FUTEX2_SIZE_U32}], 2, 0, {tv_sec=5, tv_nsec=0}, CLOCK_MONOTONIC)",
                SyscallDecoder.call(SyscallTable.FUTEX_WAITV, new long[] {0x1000, 2, 0, TS, 1, 0}, c, 32));
    }

    @Test
    void aWaitvsDistinctWordsKeepTheOrderEachIsFirstListedIn() {
        ByteBuffer b = ByteBuffer.allocate(96).order(ByteOrder.LITTLE_ENDIAN);
        long[] listed = {0x9004, 0x9000, 0x9004, 0x9000};
        for (int i = 0; i < listed.length; i++) b.putLong(24 * i + 8, listed[i]);
        assertEquals("[36868, 36864, 36868, 36864]", java.util.Arrays.toString(FutexOps.waitvWords(b.array())));
        assertEquals("[36868, 36864]", java.util.Arrays.toString(FutexOps.distinctWaitvWords(b.array())));
        assertEquals(0, FutexOps.distinctWaitvWords(null).length);
    }
}
