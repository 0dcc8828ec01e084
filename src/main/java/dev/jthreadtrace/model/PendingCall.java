package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.SyscallTable;

/**
 * A call a thread was still in when the trace ended for it: its task ended inside it (torn down
 * by another thread's exit_group, killed), a signal interrupted it (ERESTARTSYS: the kernel would
 * have restarted it) and the thread then died, or the tool detached from inside it. Times are
 * relative to the trace start: since its entry, until that end. ({@code ending} is null for a
 * returned call kept for what it says: a PI lock the kernel refused, {@link HangAnalysis}.)
 * {@code restarts}: how many times a signal interrupted it and the kernel continued it ({@link Restarts}:
 * the same call again after ERESTARTSYS, restart_syscall after ERESTART_RESTARTBLOCK); {@code sinceNs}
 * is then its first entry, when the thread really began to wait; {@code enteredNs} the entry of the
 * stretch left pending (the last one: the time of the earlier, interrupted ones is the futex log's,
 * as they returned).
 */
public record PendingCall(ThreadInfo thread, int nr, long[] args, Captures captures, long sinceNs, long untilNs, Ending ending,
                          long ret, int restarts, long enteredNs) {
    /** How the call was left. */
    public enum Ending {
        /** The task ended inside it (another thread's exit_group, a fatal signal). */
        ENDED("the thread ended in it"),
        /** A signal interrupted it ({@code ret} is the kernel's restart code) and the thread died before restarting it. */
        INTERRUPTED("interrupted by a signal, then the thread ended"),
        /** The tool detached while the thread was in it: the call goes on, untraced. */
        DETACHED("still in it when the tool detached"),
        /**
         * A call the trace does not record, that the last look before the end ({@code /proc/PID/task/TID/syscall})
         * saw the thread in: it began before that look, when is unknown ({@code sinceNs} is the look's time).
         */
        UNRECORDED("a call the trace does not record, seen in it by the last look before the end");

        private final String words;

        Ending(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * Whether it began before an attach: a thread that existed then, in this call since the trace's
     * start ({@link Restarts}: the call /proc showed at the attach, continued after the attach's
     * interrupt). {@code sinceNs} is then the attach, not its beginning.
     */
    public boolean beganBeforeAttach() {
        return thread.existedAtAttach() && sinceNs <= 0 && ending != Ending.UNRECORDED;
    }

    /** How long it had been pending when the trace ended for it. */
    public long forNs() {
        return untilNs - sinceNs;
    }

    /**
     * How long it had been pending that the call records do not hold: an interrupted call returned
     * (its time is counted with the calls that returned), a call cut at the end since its last entry;
     * none for a call the trace did not record (its start is unknown).
     */
    public long unreturnedNs() {
        return ending == Ending.INTERRUPTED || ending == Ending.UNRECORDED ? 0 : untilNs - enteredNs;
    }

    /** Whether it is a futex wait (or a PI lock, or a futex_waitv), the calls that wait for another thread. */
    public boolean isFutexWait() {
        return nr == SyscallTable.FUTEX && FutexOps.isWait(args[1]) || nr == SyscallTable.FUTEX_WAITV;
    }

    /**
     * The futex words it waits on: a futex wait's one word, a futex_waitv's array (as read at its
     * entry, each word once: a vector may list a word twice); none for another call.
     */
    public long[] futexWords() {
        if (nr == SyscallTable.FUTEX_WAITV) return FutexOps.distinctWaitvWords(captures.bytes(0));
        return isFutexWait() ? new long[] {args[0]} : new long[0];
    }
}
