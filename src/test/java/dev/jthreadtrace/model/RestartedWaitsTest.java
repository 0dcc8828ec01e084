package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A futex wait a signal interrupted and the kernel continued is one wait (model.Restarts): a timed
 * wait goes on in restart_syscall (-ERESTART_RESTARTBLOCK), an untimed one is begun again
 * (-ERESTARTSYS); with a handler, rt_sigreturn says which: the call's number (begun again after the
 * handler's own calls) or EINTR (the same call made again is another wait). And
 * futex_waitv is a wait on each of its words, released on the one whose index it returns.
 */
class RestartedWaitsTest {
    private static final int PID = 100, WAITER = 101, WAKER = 102;
    private static final long WORD = 0x9000, TIMEOUT = 0x7000, WAIT_PRIVATE = 128, WAKE_PRIVATE = 129;
    private static final long ERESTARTSYS = -512, ERESTART_RESTARTBLOCK = -516, EINTR = -4;
    private static final int NANOSLEEP = SyscallTable.number("nanosleep").orElseThrow();

    private static TraceModel started() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, PID, 1, "/x", List.of("x")));
        for (int tid : new int[] {WAITER, WAKER}) {
            model.accept(new TraceEvent.Spawned(10, PID, tid, TraceEvent.SpawnKind.CLONE3, 0x10000 | 0x100 | 0x800));
        }
        return model;
    }

    private static long[] waitArgs(long timeout) {
        return new long[] {WORD, WAIT_PRIVATE, 0, timeout, 0, 0};
    }

    private static TraceEvent.Syscall call(long ns, long exitNs, int tid, int nr, long[] args, long ret) {
        return new TraceEvent.Syscall(ns, exitNs, tid, nr, args, ret, ret < 0, true, Captures.NONE);
    }

    private static TraceEvent.Syscall wake(long ns, long ret) {
        return call(ns, ns + 10, WAKER, SyscallTable.FUTEX, new long[] {WORD, WAKE_PRIVATE, 1, 0, 0, 0}, ret);
    }

    private static List<String> releases(TraceModel model) {
        return model.futexAnalysis().releases().stream().map(r -> r.waker() + ">" + r.waiter() + "@" + r.ns() + "/" + r.waitedNs()).toList();
    }

    @Test
    void aTimedWaitGoesOnInRestartSyscallAsOneWaitFromItsFirstEntry() {
        TraceModel model = started();
        model.accept(call(100, 300, WAITER, SyscallTable.FUTEX, waitArgs(TIMEOUT), ERESTART_RESTARTBLOCK));
        model.accept(new TraceEvent.SignalDelivered(310, WAITER, 17));
        model.accept(wake(350, 0)); // between the stretches: the wait was not queued
        model.accept(wake(600, 1));
        model.accept(call(400, 1_000, WAITER, SyscallTable.RESTART_SYSCALL, waitArgs(TIMEOUT), 0));
        assertEquals(List.of(WAKER + ">" + WAITER + "@600/900"), releases(model));
        FutexCounters waiter = model.futex().of(model.thread(WAITER));
        assertEquals(List.of(1L, 1L, 800L), List.of(waiter.calls(), waiter.waits(), waiter.blockedNs()));
        assertEquals(1, model.futexAnalysis().addresses().getFirst().waits());
        assertEquals(List.of(), model.hang().blocked(), "the wait ended: nothing is pending");
    }

    @Test
    void aThreadTornDownInTheContinuedWaitIsBlockedInTheFutexSinceItsFirstEntry() {
        TraceModel model = started();
        model.accept(call(100, 300, WAITER, SyscallTable.FUTEX, waitArgs(TIMEOUT), ERESTART_RESTARTBLOCK));
        model.accept(new TraceEvent.Syscall(400, 2_000, WAITER, SyscallTable.RESTART_SYSCALL, waitArgs(TIMEOUT), 0, false, false,
                Captures.NONE, TraceEvent.Cut.ENDED));
        model.accept(new TraceEvent.Exited(2_000, WAITER, 0));
        HangAnalysis.Blocked b = model.hang().blocked().getFirst();
        assertEquals(List.of(SyscallTable.FUTEX, 100L, 1_900L, 1), List.of(b.call().nr(), b.call().sinceNs(), b.call().forNs(),
                b.call().restarts()));
        assertEquals(PendingCall.Ending.ENDED, b.call().ending());
        assertEquals(WORD, b.futex().uaddr());
    }

    @Test
    void aRestartSyscallOfAnotherCallIsNotTiedToTheWait() {
        TraceModel model = started();
        model.accept(call(100, 300, WAITER, SyscallTable.FUTEX, waitArgs(TIMEOUT), ERESTART_RESTARTBLOCK));
        // a nanosleep the trace does not record, continued: its registers are its own arguments
        model.accept(new TraceEvent.Syscall(900, 2_000, WAITER, SyscallTable.RESTART_SYSCALL, new long[] {0x5000, 0, 0, 0, 0, 0}, 0,
                false, false, Captures.NONE, TraceEvent.Cut.ENDED));
        List<HangAnalysis.Blocked> blocked = model.hang().blocked();
        assertEquals(1, blocked.size(), "no pending futex; the thread died in a restart_syscall of something not recorded");
        assertEquals(List.of(SyscallTable.RESTART_SYSCALL, 900L), List.of(blocked.getFirst().call().nr(),
                blocked.getFirst().call().sinceNs()));
        assertEquals(1, model.futex().of(model.thread(WAITER)).waits());
    }

    @Test
    void aRestartedNanosleepIsPendingAsTheNanosleep() {
        TraceModel model = started();
        long[] sleep = {0x5000, 0, 0, 0, 0, 0};
        model.accept(call(100, 300, WAITER, NANOSLEEP, sleep, ERESTART_RESTARTBLOCK));
        model.accept(new TraceEvent.Syscall(400, 2_000, WAITER, SyscallTable.RESTART_SYSCALL, sleep, 0, false, false, Captures.NONE,
                TraceEvent.Cut.ENDED));
        PendingCall c = model.hang().blocked().getFirst().call();
        assertEquals(List.of(NANOSLEEP, 100L, 1), List.of(c.nr(), c.sinceNs(), c.restarts()));
        assertNull(model.hang().blocked().getFirst().futex());
    }

    @Test
    void withAHandlerTheInterruptedWaitEndedAndTheNextCallIsAnotherWait() {
        TraceModel model = started();
        // -ERESTART_RESTARTBLOCK at the exit stop, EINTR for the program: the same call made again is no continuation
        model.accept(call(100, 300, WAITER, SyscallTable.FUTEX, waitArgs(TIMEOUT), ERESTART_RESTARTBLOCK));
        model.accept(wake(600, 1));
        model.accept(call(400, 1_000, WAITER, SyscallTable.FUTEX, waitArgs(TIMEOUT), 0));
        assertEquals(List.of(WAKER + ">" + WAITER + "@600/600"), releases(model));
        assertEquals(2, model.futex().of(model.thread(WAITER)).waits());
        model.accept(call(1_100, 1_200, WAITER, SyscallTable.FUTEX, waitArgs(0), EINTR));
        assertEquals(3, model.futex().of(model.thread(WAITER)).waits());
    }

    @Test
    void anUntimedWaitBegunAgainAfterERestartSysIsOneWait() {
        TraceModel model = started();
        model.accept(call(100, 300, WAITER, SyscallTable.FUTEX, waitArgs(0), ERESTARTSYS));
        model.accept(wake(600, 1));
        model.accept(call(400, 1_000, WAITER, SyscallTable.FUTEX, waitArgs(0), 0));
        assertEquals(List.of(WAKER + ">" + WAITER + "@600/900"), releases(model));
        assertEquals(1, model.futex().of(model.thread(WAITER)).waits());
    }

    private static Captures waiters(long... words) {
        ByteBuffer b = ByteBuffer.allocate(24 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words.length; i++) b.putLong(24 * i + 8, words[i]).putInt(24 * i + 16, 2 | 128);
        Captures c = new Captures();
        c.put(0, b.array());
        return c;
    }

    @Test
    void futexWaitvWaitsOnEachWordAndIsReleasedOnTheOneItsResultNames() {
        TraceModel model = started();
        long[] args = {0x6000, 3, 0, 0, 1, 0};
        model.accept(call(600, 610, WAKER, SyscallTable.FUTEX, new long[] {WORD + 4, WAKE_PRIVATE, 1, 0, 0, 0}, 1));
        model.accept(new TraceEvent.Syscall(100, 1_000, WAITER, SyscallTable.FUTEX_WAITV, args, 1, false, true,
                waiters(WORD, WORD + 4, WORD + 8)));
        assertEquals(List.of(WAKER + ">" + WAITER + "@600/900"), releases(model));
        assertEquals(WORD + 4, model.futexAnalysis().releases().getFirst().uaddr());
        FutexCounters waiter = model.futex().of(model.thread(WAITER));
        assertEquals(List.of(1L, 1L, 900L), List.of(waiter.calls(), waiter.waits(), waiter.blockedNs()));
        assertEquals(3, model.futexAnalysis().addresses().stream().filter(a -> a.waiters().contains(WAITER)).count());
    }

    @Test
    void aPendingFutexWaitvIsBlockedOnAllItsWords() {
        TraceModel model = started();
        model.accept(new TraceEvent.Syscall(100, 2_000, WAITER, SyscallTable.FUTEX_WAITV, new long[] {0x6000, 2, 0, 0, 1, 0}, 0, false,
                false, waiters(WORD, WORD + 4), TraceEvent.Cut.ENDED));
        model.accept(new TraceEvent.Syscall(200, 2_000, WAKER, SyscallTable.FUTEX, waitArgs(0), 0, false, false, Captures.NONE,
                TraceEvent.Cut.ENDED));
        HangAnalysis.Blocked b = model.hang().blocked().getFirst();
        assertEquals(List.of(WORD, WORD + 4), b.futex().words());
        assertEquals(List.of(model.thread(WAKER)), b.futex().otherWaiters());
    }

    @Test
    void aFutexWaitvJoiningByItsSecondWordNamesThatWord() {
        TraceModel model = started();
        model.accept(call(50, 60, WAKER, SyscallTable.SET_TID_ADDRESS, new long[] {WORD + 8, 0, 0, 0, 0, 0}, WAKER));
        // its first word is a private one nobody wakes; the second is the waker's clear-tid word (a join)
        model.accept(new TraceEvent.Syscall(100, 2_000, WAITER, SyscallTable.FUTEX_WAITV, new long[] {0x6000, 2, 0, 0, 1, 0}, 0, false,
                false, waiters(WORD, WORD + 8), TraceEvent.Cut.ENDED));
        HangAnalysis.Blocked b = model.hang().blocked().getFirst();
        assertEquals(model.thread(WAKER), b.futex().joining());
        assertEquals(WORD + 8, b.futex().uaddr());
        assertEquals(List.of(HangAnalysis.Via.JOIN, "0x" + Long.toHexString(WORD + 8)), List.of(b.waitsFor().via(), b.waitsFor().lock()));
    }

    @Test
    void aFutexWaitvListingAWordTwiceIsOneWaitOnIt() {
        TraceModel model = started();
        model.accept(call(600, 610, WAKER, SyscallTable.FUTEX, new long[] {WORD, WAKE_PRIVATE, 1, 0, 0, 0}, 1));
        model.accept(new TraceEvent.Syscall(100, 1_000, WAITER, SyscallTable.FUTEX_WAITV, new long[] {0x6000, 3, 0, 0, 1, 0}, 2, false,
                true, waiters(WORD, WORD + 4, WORD)));
        FutexAnalysis.AddressStats word = model.futexAnalysis().addresses().stream().filter(a -> a.uaddr() == WORD).findFirst()
                .orElseThrow();
        assertEquals(List.of(1L, 900L), List.of(word.waits(), word.blockedNs()));
        assertEquals(List.of(WAKER + ">" + WAITER + "@600/900"), releases(model), "released on the word its index names, once");
        model.accept(new TraceEvent.Syscall(1_100, 2_000, WAITER, SyscallTable.FUTEX_WAITV, new long[] {0x6000, 2, 0, 0, 1, 0}, 0,
                false, false, waiters(WORD, WORD), TraceEvent.Cut.ENDED));
        assertEquals(List.of(WORD), model.hang().blocked().getFirst().futex().words());
    }

    private static final int RT_SIGRETURN = SyscallTable.number("rt_sigreturn").orElseThrow();
    private static final int RT_SIGPROCMASK = SyscallTable.number("rt_sigprocmask").orElseThrow();

    @Test
    void anSaRestartHandlersCallsDoNotEndTheWaitItsSigreturnBeginsAgain() {
        TraceModel model = started();
        model.accept(call(100, 300, WAITER, SyscallTable.FUTEX, waitArgs(0), ERESTARTSYS));
        model.accept(call(310, 320, WAITER, RT_SIGPROCMASK, new long[] {0, 0x5000, 0, 8, 0, 0}, 0)); // the handler's own call
        model.accept(call(330, 340, WAITER, RT_SIGRETURN, new long[6], SyscallTable.FUTEX)); // the kernel begins the futex again
        model.accept(wake(600, 1));
        model.accept(call(400, 1_000, WAITER, SyscallTable.FUTEX, waitArgs(0), 0));
        assertEquals(List.of(WAKER + ">" + WAITER + "@600/900"), releases(model));
        assertEquals(1, model.futex().of(model.thread(WAITER)).waits());
    }

    @Test
    void aHandlersEintrEndsTheWaitAndTheSameCallMadeAgainIsAnotherWait() {
        TraceModel model = started();
        model.accept(call(100, 300, WAITER, SyscallTable.FUTEX, waitArgs(0), ERESTARTSYS));
        model.accept(call(330, 340, WAITER, RT_SIGRETURN, new long[6], EINTR));
        model.accept(wake(1_500, 1));
        model.accept(call(1_000, 2_000, WAITER, SyscallTable.FUTEX, waitArgs(0), 0)); // the program ran 660 ns, then waited again
        assertEquals(List.of(WAKER + ">" + WAITER + "@1500/1000"), releases(model));
        FutexCounters waiter = model.futex().of(model.thread(WAITER));
        assertEquals(List.of(2L, 1_200L), List.of(waiter.waits(), waiter.blockedNs()));
    }
}
