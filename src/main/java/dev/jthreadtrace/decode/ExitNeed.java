package dev.jthreadtrace.decode;

/**
 * Whether the tracer must stop a tracee at a recorded call's exit when nothing prints or counts
 * calls (no live line, no -c table, no JSONL or Perfetto record: {@link ExitPolicy#everyExit()}
 * false), decided per registry row from the arguments and the memory read at entry. A call whose
 * entry already decides what the model takes from it, and which cannot fail in a way that would
 * change the model, is complete at its entry; a spawn is complete at its PTRACE_EVENT_CLONE/FORK/VFORK
 * stop, which names the child; every other call waits for its exit (its return value, its error,
 * its end time, the memory it fills, or the fact that it ended: a call a thread never returns
 * from is what the hang analysis reports). A thread killed while stopped at the entry of a call
 * finished there (another thread's exit_group) makes the kernel skip the call: the model takes it
 * as made, where a trace of every exit would call it cut; the tracer cannot tell which happened.
 */
@FunctionalInterface
public interface ExitNeed {
    /** Where the tracer takes a call as finished. */
    enum Stop {
        /** At its exit stop, as every call when something prints or counts calls. */
        EXIT,
        /** At its entry: the model takes nothing from its exit. */
        ENTRY,
        /** At the spawn event it causes (the child's tid is its result); a call that makes no child is dropped. */
        SPAWN_EVENT
    }

    /** What the tracer knows beyond the call itself when it decides. */
    interface Context {
        /** Whether a consumer of this trace reads {@code use}. */
        boolean uses(ExitUse use);

        /**
         * Whether every recorded futex wait that a traced task of the caller's process is inside
         * now on {@code uaddr} is a {@link FutexOps#isPrivatePlainWait private plain wait} in which
         * no wake on that word (nor a WAKE_OP or requeue naming it second) has begun yet; true when
         * there is none.
         */
        boolean onlyUnwokenPrivateWaitsOn(long uaddr);
    }

    /** Every call whose row says nothing: its exit is needed. */
    ExitNeed ALWAYS = (args, atEntry, context) -> Stop.EXIT;

    Stop stop(long[] args, Captures atEntry, Context context);
}
