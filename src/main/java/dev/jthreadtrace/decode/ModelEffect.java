package dev.jthreadtrace.decode;

/**
 * What a finished syscall does to the thread model. The registry names the effect; the model has
 * one handler per effect, so a syscall's meaning is declared in its registry row and nowhere else.
 */
public enum ModelEffect {
    /** Shown only: nothing in the model changes. */
    NONE,
    /** clone/clone3 returned a child: its CLONE_CHILD_CLEARTID word and stack. */
    SPAWN,
    /** prctl: name, no_new_privs, pdeathsig, strict/filter seccomp. */
    PRCTL,
    /** seccomp(SECCOMP_SET_MODE_FILTER): one more filter, on this thread or (TSYNC) its whole process. */
    SECCOMP,
    /** rt_sigprocmask: the signal mask. */
    SIGPROCMASK,
    /** rt_sigreturn: the mask from before a signal handler, back. */
    SIGRETURN,
    /** sched_setaffinity: the CPU affinity. */
    AFFINITY,
    /** exit: the task ends by itself. */
    EXIT,
    /** exit_group: the task ends its whole process. */
    EXIT_GROUP,
    /** set_tid_address: the word the kernel clears and wakes when the task exits (joins). */
    SET_TID_ADDRESS,
    /** futex: waits, wakes, time blocked. */
    FUTEX,
    /** futex_waitv: one wait on several words, released by a wake on any of them (its result is that word's index). */
    FUTEX_WAITV,
    /** mmap: a new mapping. */
    MMAP,
    /** munmap: bytes unmapped. */
    MUNMAP,
    /** mremap: a mapping moved or resized. */
    MREMAP
}
