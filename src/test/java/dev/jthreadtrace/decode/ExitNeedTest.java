package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

import static dev.jthreadtrace.decode.ExitNeed.Stop.ENTRY;
import static dev.jthreadtrace.decode.ExitNeed.Stop.EXIT;
import static dev.jthreadtrace.decode.ExitNeed.Stop.SPAWN_EVENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where each row's call is finished when nothing prints or counts calls: the registry's ExitNeeds. */
class ExitNeedTest {
    private static final int FUTEX_WAIT_PRIVATE = 128, FUTEX_WAKE_PRIVATE = 129, FUTEX_WAIT_BITSET_PRIVATE = 137,
            FUTEX_TRYLOCK_PI = 8, FUTEX_LOCK_PI = 6;
    private static final long WORD = 0x7f0000001000L;

    /**
     * A tracer's state: whether the woken count is read, and whether a wait on {@link #WORD} that
     * has seen a wake begin, or is no private plain wait, is blocked (else only unwoken private plain waits, or none).
     */
    private record State(boolean woken, boolean waiter) implements ExitNeed.Context {
        @Override
        public boolean uses(ExitUse use) {
            return woken && use == ExitUse.FUTEX_WOKEN;
        }

        @Override
        public boolean onlyUnwokenPrivateWaitsOn(long uaddr) {
            return !(waiter && uaddr == WORD);
        }
    }

    private static final ExitPolicy MODEL = ExitPolicy.modelOnly(Set.of(ExitUse.FUTEX_WOKEN));

    private static ExitNeed.Stop stop(String name, long[] args, Captures c, State state) {
        return MODEL.stop(SyscallTable.number(name).orElseThrow(), args, c, state);
    }

    private static ExitNeed.Stop stop(String name, long... args) {
        return stop(name, args, Captures.NONE, new State(true, true));
    }

    @Test
    void everyExitWhenSomethingPrintsOrCountsCalls() {
        for (SyscallSpec spec : Syscalls.all()) {
            assertEquals(EXIT, ExitPolicy.EVERY.stop(spec.nr(), new long[6], Captures.NONE, new State(false, false)), spec.name());
        }
    }

    @Test
    void futexWaitsAlwaysWaitForTheirEndAndWakesOnlyWhenAnotherWakeBeganInAWait() {
        for (State s : new State[] {new State(true, true), new State(false, false)}) {
            assertEquals(EXIT, stop("futex", new long[] {WORD, FUTEX_WAIT_PRIVATE, 2, 0, 0, 0}, Captures.NONE, s));
            assertEquals(EXIT, stop("futex", new long[] {WORD, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, 0, -1}, Captures.NONE, s));
            assertEquals(EXIT, stop("futex", new long[] {WORD, FUTEX_LOCK_PI, 0, 0, 0, 0}, Captures.NONE, s));
            assertEquals(ENTRY, stop("futex", new long[] {WORD, FUTEX_TRYLOCK_PI, 0, 0, 0, 0}, Captures.NONE, s));
        }
        long[] wake = {WORD, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0};
        assertEquals(EXIT, stop("futex", wake, Captures.NONE, new State(true, true)));
        assertEquals(ENTRY, stop("futex", wake, Captures.NONE, new State(true, false)), "no blocked wait has seen a wake: the first one's count changes no match");
        assertEquals(ENTRY, stop("futex", wake, Captures.NONE, new State(false, true)), "no consumer of who woke whom");
        assertEquals(EXIT, stop("futex_waitv", WORD, 1, 0, 0, 0, 0), "a wait, even unmodelled, may never return");
    }

    @Test
    void onlyAPrivateWakeOfEveryBitWaitsNotWhenItsWaitsAreFresh() {
        State fresh = new State(true, false);
        long any = FutexOps.FUTEX_BITSET_MATCH_ANY;
        int priv = FutexOps.FUTEX_PRIVATE_FLAG;
        assertEquals(ENTRY, stop("futex", new long[] {WORD, FutexOps.FUTEX_WAKE_BITSET | priv, 1, 0, 0, any}, Captures.NONE, fresh));
        assertEquals(ENTRY, stop("futex", new long[] {WORD, FutexOps.FUTEX_WAKE_BITSET | priv, 1, 0, 0, -1L}, Captures.NONE, fresh),
                "val3 is read as 32 bits");
        assertEquals(EXIT, stop("futex", new long[] {WORD, FutexOps.FUTEX_WAKE_BITSET | priv, 1, 0, 0, 2}, Captures.NONE, fresh),
                "another bitset may match no waiter");
        assertEquals(EXIT, stop("futex", new long[] {WORD, FutexOps.FUTEX_WAKE, 1, 0, 0, 0}, Captures.NONE, fresh),
                "a shared wake: a shared wait may have been released by another process; it may block in a fault");
        assertEquals(EXIT, stop("futex", new long[] {WORD, FutexOps.FUTEX_UNLOCK_PI | priv, 0, 0, 0, 0}, Captures.NONE, fresh),
                "UNLOCK_PI returns 0 on a hand-off: its result is no count");
        for (int cmd : new int[] {FutexOps.FUTEX_WAKE_OP, FutexOps.FUTEX_CMP_REQUEUE, FutexOps.FUTEX_REQUEUE, FutexOps.FUTEX_CMP_REQUEUE_PI}) {
            assertEquals(EXIT, stop("futex", new long[] {WORD, cmd | priv, 1, 1, WORD + 4, 0}, Captures.NONE, fresh), "op " + cmd);
        }
        State nobodyReads = new State(false, false);
        assertEquals(EXIT, stop("futex", new long[] {WORD, FutexOps.FUTEX_WAKE, 1, 0, 0, 0}, Captures.NONE, nobodyReads),
                "a shared wake reads its page: it may block in a fault, a call that must stay pending");
        assertEquals(EXIT, stop("futex", new long[] {WORD, FutexOps.FUTEX_UNLOCK_PI | priv, 0, 0, 0, 0}, Captures.NONE, nobodyReads));
        assertEquals(ENTRY, stop("futex", new long[] {WORD, FutexOps.FUTEX_WAKE | priv, 1, 0, 0, 0}, Captures.NONE, nobodyReads),
                "a private wake touches no memory");
    }

    @Test
    void spawnsFinishAtTheirEventUnlessUntracedOrVfork() {
        assertEquals(SPAWN_EVENT, stop("clone", CloneFlags.CLONE_VM | CloneFlags.CLONE_THREAD, 0, 0, 0, 0, 0));
        assertEquals(EXIT, stop("clone", CloneFlags.CLONE_VM | CloneFlags.CLONE_UNTRACED, 0, 0, 0, 0, 0));
        assertEquals(EXIT, stop("clone", CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK, 0, 0, 0, 0, 0));
        assertEquals(SPAWN_EVENT, stop("fork"));
        assertEquals(EXIT, stop("vfork"), "the parent waits for the child's exec or exit");
        Captures threadArgs = new Captures();
        threadArgs.put(0, ByteBuffer.allocate(88).order(ByteOrder.LITTLE_ENDIAN).putLong(0, CloneFlags.CLONE_THREAD).array());
        Captures untraced = new Captures();
        untraced.put(0, ByteBuffer.allocate(88).order(ByteOrder.LITTLE_ENDIAN).putLong(0, CloneFlags.CLONE_UNTRACED).array());
        State s = new State(true, true);
        assertEquals(SPAWN_EVENT, stop("clone3", new long[] {WORD, 88, 0, 0, 0, 0}, threadArgs, s));
        assertEquals(EXIT, stop("clone3", new long[] {WORD, 88, 0, 0, 0, 0}, untraced, s));
        assertEquals(EXIT, stop("clone3", new long[] {WORD, 88, 0, 0, 0, 0}, Captures.NONE, s), "clone_args unread: flags unknown");
    }

    @Test
    void aSignalMaskCallFinishesAtEntryOnlyWhenItsEntryDecidesTheMask() {
        Captures set = new Captures();
        set.put(1, new byte[8]);
        State s = new State(true, true);
        assertEquals(ENTRY, stop("rt_sigprocmask", new long[] {0, WORD, 0, 8, 0, 0}, set, s));
        assertEquals(ENTRY, stop("rt_sigprocmask", new long[] {2, WORD, WORD + 8, 8, 0, 0}, set, s), "a bad oldset does not undo it");
        assertEquals(ENTRY, stop("rt_sigprocmask", new long[] {0, 0, WORD, 8, 0, 0}, Captures.NONE, s), "no new set: no change");
        assertEquals(EXIT, stop("rt_sigprocmask", new long[] {0, WORD, 0, 8, 0, 0}, Captures.NONE, s), "set unreadable: EFAULT");
        assertEquals(EXIT, stop("rt_sigprocmask", new long[] {3, WORD, 0, 8, 0, 0}, set, s), "bad how: EINVAL");
        assertEquals(EXIT, stop("rt_sigprocmask", new long[] {0, WORD, 0, 16, 0, 0}, set, s), "bad size: EINVAL");
        long[] a = {0, WORD, WORD + 8, 8, 0, 0};
        assertTrue(ExitNeeds.sigprocmaskChanged(a, new byte[8], false, true, -14), "EFAULT at the old set, after the change");
        assertFalse(ExitNeeds.sigprocmaskChanged(a, null, false, true, -14), "EFAULT at the new set");
        assertFalse(ExitNeeds.sigprocmaskChanged(new long[] {0, WORD, 0, 8, 0, 0}, new byte[8], false, true, -14));
        assertFalse(ExitNeeds.sigprocmaskChanged(new long[] {3, WORD, WORD, 8, 0, 0}, new byte[8], false, true, -22));
    }

    @Test
    void aNameFinishesAtEntryWhenItWasReadWhole() {
        State s = new State(true, true);
        Captures name = new Captures();
        name.put(1, "worker".getBytes());
        assertEquals(ENTRY, stop("prctl", new long[] {Prctl.PR_SET_NAME, WORD + 10, 0, 0, 0, 0}, name, s));
        // six bytes ending on a page boundary: the read may have stopped at an unreadable page, not at the NUL
        assertEquals(EXIT, stop("prctl", new long[] {Prctl.PR_SET_NAME, WORD - 6, 0, 0, 0, 0}, name, s));
        Captures sixteen = new Captures();
        sixteen.put(1, new byte[16]);
        assertEquals(ENTRY, stop("prctl", new long[] {Prctl.PR_SET_NAME, WORD - 16, 0, 0, 0, 0}, sixteen, s));
        assertEquals(EXIT, stop("prctl", new long[] {Prctl.PR_SET_NAME, WORD, 0, 0, 0, 0}, Captures.NONE, s));
        assertEquals(ENTRY, stop("prctl", new long[] {Prctl.PR_GET_NAME, WORD, 0, 0, 0, 0}, Captures.NONE, s));
        assertEquals(EXIT, stop("prctl", new long[] {Prctl.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0}, Captures.NONE, s));
        assertEquals(ENTRY, stop("set_tid_address", WORD));
        assertEquals(EXIT, stop("mmap", 0, 4096, 3, 0x22, -1, 0), "its address is the result");
    }
}
