package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Who holds the lock a futex wait is for, from the wait's arguments and the mutex head read at its entry. */
class FutexOwnerTest {
    private static final long U = 0x55d6ea857080L;
    private static final int WAIT_PRIVATE = 128, WAIT_BITSET_PRIVATE_REALTIME = 393, LOCK_PI_PRIVATE = 134;

    /** glibc's {@code __lock, __count, __owner, __nusers, __kind}. */
    private static byte[] head(int lock, int owner, int users, int kind) {
        return ByteBuffer.allocate(FutexOps.MUTEX_HEAD).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, lock).putInt(FutexOps.MUTEX_OWNER, owner).putInt(FutexOps.MUTEX_NUSERS, users).putInt(FutexOps.MUTEX_KIND, kind).array();
    }

    private static long[] wait(int op, int value) {
        return new long[] {U, op, value & 0xffffffffL, 0, 0, 0};
    }

    @Test
    void aContendedPlainMutexNamesItsGlibcOwnerForPlainAndTimedWaits() {
        assertEquals(FutexOps.MUTEX_HEAD, FutexOps.ownerBytes(wait(WAIT_PRIVATE, 2)));
        assertEquals(FutexOps.MUTEX_HEAD, FutexOps.ownerBytes(wait(WAIT_BITSET_PRIVATE_REALTIME, 2)), "pthread_mutex_timedlock");
        assertEquals(new FutexOps.LockOwner(4242, FutexOps.LockOwner.Source.GLIBC), FutexOps.owner(wait(WAIT_PRIVATE, 2), head(2, 4242, 1, 0)));
        assertEquals(new FutexOps.LockOwner(4242, FutexOps.LockOwner.Source.GLIBC),
                FutexOps.owner(wait(WAIT_BITSET_PRIVATE_REALTIME, 2), head(2, 4242, 1, 0)));
        assertNull(FutexOps.owner(wait(WAIT_PRIVATE, 2), head(0, 4242, 1, 0)), "the word moved on before the read");
        assertEquals(0, FutexOps.ownerBytes(wait(WAIT_PRIVATE, 1)), "a condvar's or a semaphore's wait");
    }

    @Test
    void aRobustMutexsWaitCarriesItsOwnersTidWithFutexWaiters() {
        int value = 0x8000463D; // tid 17981 | FUTEX_WAITERS, as p/abba_robust's waits
        assertEquals(FutexOps.MUTEX_HEAD, FutexOps.ownerBytes(wait(0, value)));
        assertEquals(new FutexOps.LockOwner(0x463D, FutexOps.LockOwner.Source.ROBUST), FutexOps.owner(wait(0, value), head(value, 0x463D, 1, 16)));
        assertNull(FutexOps.owner(wait(0, value), head(value, 0x463D, 1, 0)), "not a robust mutex's __kind");
        assertNull(FutexOps.owner(wait(0, value | FutexOps.FUTEX_OWNER_DIED), head(value | FutexOps.FUTEX_OWNER_DIED, 0x463D, 1, 16)),
                "its owner died");
        assertEquals(0, FutexOps.ownerBytes(wait(0, 0x463D)), "no FUTEX_WAITERS: no lock's wait");
    }

    @Test
    void aPiLocksWordIsItsOwnersTid() {
        byte[] word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x80000000 | 777).array();
        assertEquals(4, FutexOps.ownerBytes(wait(LOCK_PI_PRIVATE, 0)));
        assertEquals(new FutexOps.LockOwner(777, FutexOps.LockOwner.Source.PI), FutexOps.owner(wait(LOCK_PI_PRIVATE, 0), word));
    }
}
