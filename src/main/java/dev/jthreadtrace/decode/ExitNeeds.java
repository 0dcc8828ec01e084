package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.jthreadtrace.decode.ExitNeed.Stop.ENTRY;
import static dev.jthreadtrace.decode.ExitNeed.Stop.EXIT;
import static dev.jthreadtrace.decode.ExitNeed.Stop.SPAWN_EVENT;

/**
 * The rows' {@link ExitNeed}s that are more than "always": why each call may be taken as finished
 * before its exit when nothing prints or counts calls. (The model's use of each call is in
 * {@code model.SyscallEffects}; a row not named here waits for its exit.)
 *
 * <p>Calls that keep their exit, and why (#34, looked at again for the churn workloads):
 * <ul>
 * <li>mmap: the model keeps the mapping at the address it returns. Even MAP_FIXED, whose address
 *     is its argument, can fail after a valid entry (the JVM's guard-page mmaps, two per thread):
 *     mm/mmap.c's do_mmap answers ENOMEM past vm.max_map_count, mmap_region ENOMEM past
 *     RLIMIT_AS (may_expand_vm) or, for a writable private mapping, when the commit charge is
 *     refused (security_vm_enough_memory_mm under strict overcommit); EPERM below
 *     mmap_min_addr or on a sealed range. A mapping the model kept would then not exist.
 * <li>munmap: a page-aligned range of length &gt; 0 fails only with ENOMEM, but it does: unmapping
 *     the middle of a mapping splits it, and do_vmi_align_munmap (do_mas_align_munmap in 6.1) refuses when the split would pass
 *     vm.max_map_count (or the maple tree cannot allocate). The model would drop a mapping that stays.
 * <li>mremap: the new address is its result.
 * <li>sched_setaffinity: EINVAL when the mask holds no allowed CPU, EPERM for another user's thread.
 * <li>mprotect, madvise, set_robust_list, sched_getaffinity: the model reads none of them; they
 *     are not recorded, so the filter does not stop them at all.
 * <li>exit and exit_group never return: complete at their entry, whose stop says that the
 *     thread ended itself (a join, the exit kind), which its end alone does not.
 * </ul>
 * An rt_sigprocmask with no new set changes nothing: when nothing prints or counts calls the
 * filter lets it run without any stop ({@code ptrace.SeccompFilter}).
 */
public final class ExitNeeds {
    private static final int SIG_BLOCK = 0, SIG_SETMASK = 2, SIGSET_SIZE = 8, TASK_COMM_LEN = 16, PAGE = 4096, EFAULT = 14;

    private ExitNeeds() {}

    /**
     * futex: a wait needs its exit (time blocked, timeout, EAGAIN, whether it ended at all, and
     * which join it was). A wake's result (how many it released) is read only by the
     * who-woke-whom matching ({@code model.FutexLog}), which gives a wait that returned 0 the
     * latest wake on its word that began while it was blocked and released someone. Only a wake
     * that begins while a recorded wait on its word is blocked can be that wake (every wait a
     * wake releases was entered before it and has not returned). Among such wakes the count
     * matters only to pass over a later one that released nobody: the wait had been released
     * already by an earlier wake of its window.
     *
     * <p>So the first wake of a blocked wait's window may be taken as releasing without its count,
     * but only where nothing else can have released it: the wake is a private FUTEX_WAKE or a
     * private FUTEX_WAKE_BITSET with FUTEX_BITSET_MATCH_ANY ({@link FutexOps#isPrivatePlainWake}),
     * and every wait blocked on its word in its process is a private FUTEX_WAIT or
     * FUTEX_WAIT_BITSET that saw no other wake begin. Such a wait is keyed (mm, address): no other
     * process can release it, and the wake releases it if it is still queued. Every other wake
     * stops at its exit when the count is read: UNLOCK_PI (0 on a hand-off: no count),
     * CMP_REQUEUE(_PI), REQUEUE and WAKE_OP (they act on a second word), another bitset (it may
     * match no waiter), and a shared wake (a shared wait may be released by another process's
     * wake the matching never sees on its word). Those stop at their exit even when nothing reads
     * the count: each reads or writes futex memory (a shared key is the page; UNLOCK_PI, WAKE_OP
     * and CMP_REQUEUE touch their words), so it can block for ever in a page fault (a
     * userfaultfd page nobody fills), and a call that never returned must stay a pending one
     * (the BLOCKED section, the hang analysis). A private plain wake touches no memory; with no
     * wait blocked on its word it is finished at its entry as before. Every other op
     * (TRYLOCK_PI, FUTEX_FD, an unknown op) is counted as a call and nothing more.
     */
    static ExitNeed.Stop futex(long[] args, Captures atEntry, ExitNeed.Context context) {
        if (FutexOps.isWait(args[1])) return EXIT;
        if (!FutexOps.isWake(args[1])) return ENTRY;
        if (!FutexOps.isPrivatePlainWake(args)) return EXIT;
        return !context.uses(ExitUse.FUTEX_WOKEN) || context.onlyUnwokenPrivateWaitsOn(args[0]) ? ENTRY : EXIT;
    }

    /**
     * clone: the PTRACE_EVENT_CLONE/FORK/VFORK stop names the child, which is all the model takes
     * from the return (a clone that fails changes nothing). Not with CLONE_UNTRACED (no event: the
     * exit says a child escaped) or CLONE_VFORK (the caller waits for the child's exec or exit:
     * a call that may never return, which the hang analysis must see).
     */
    static ExitNeed.Stop cloneCall(long[] args, Captures atEntry, ExitNeed.Context context) {
        return spawn(args[0]);
    }

    /** clone3: the same, its flags the first field of the clone_args read at entry (unread: wait for the exit). */
    static ExitNeed.Stop clone3(long[] args, Captures atEntry, ExitNeed.Context context) {
        byte[] cloneArgs = atEntry.bytes(0);
        if (cloneArgs == null || cloneArgs.length < 8) return EXIT;
        return spawn(ByteBuffer.wrap(cloneArgs).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
    }

    private static ExitNeed.Stop spawn(long flags) {
        return (flags & (CloneFlags.CLONE_UNTRACED | CloneFlags.CLONE_VFORK)) != 0 ? EXIT : SPAWN_EVENT;
    }

    /** fork: no model effect but the child, which its event names. */
    static ExitNeed.Stop fork(long[] args, Captures atEntry, ExitNeed.Context context) {
        return SPAWN_EVENT;
    }

    /** set_tid_address cannot fail (it returns the caller's tid); the model takes its argument. */
    static ExitNeed.Stop noFailure(long[] args, Captures atEntry, ExitNeed.Context context) {
        return ENTRY;
    }

    /**
     * rt_sigprocmask: the model applies {@code how} and the new set read at entry. With the size 8,
     * a valid {@code how} and the set readable at entry the mask changes (kernel/signal.c checks
     * exactly these, in that order, then changes it); only writing the old set may then fail, with
     * EFAULT, and that does not undo the change ({@link #sigprocmaskChanged}, which the model
     * applies to a call followed to its exit too). A call with no new set changes nothing whatever
     * it returns. The set is read by the tracer before the kernel reads it, as every entry capture
     * is: a program that unmaps or rewrites it from another thread in between is not followed.
     */
    static ExitNeed.Stop sigprocmask(long[] args, Captures atEntry, ExitNeed.Context context) {
        if (args[1] == 0) return ENTRY;
        return changesMask(args, atEntry.bytes(1)) ? ENTRY : EXIT;
    }

    /** Whether the call's entry decides that the mask changes: size 8, a valid how, the new set read. */
    private static boolean changesMask(long[] args, byte[] set) {
        return args[3] == SIGSET_SIZE && args[0] >= SIG_BLOCK && args[0] <= SIG_SETMASK && set != null && set.length == SIGSET_SIZE;
    }

    /**
     * Whether a finished rt_sigprocmask changed the mask: it succeeded, or it failed with EFAULT
     * only at writing the old set (the new one was read at entry, the size and how were valid).
     */
    public static boolean sigprocmaskChanged(long[] args, byte[] set, boolean ok, boolean error, long ret) {
        if (ok) return true;
        return error && ret == -EFAULT && args[2] != 0 && changesMask(args, set);
    }

    /**
     * prctl: PR_SET_NAME sets the name read at entry; it fails only when the name cannot be read
     * (EFAULT: the kernel copies up to 15 bytes or the NUL, and no mainline LSM refuses the
     * option), so a name read whole at entry (16 bytes, or ended by its NUL: the tracer's string
     * read stops short of 16 only at a NUL or at a page it cannot read, so a string that does not
     * end on a page boundary ended at its NUL) decides it. PR_GET_NAME changes nothing. Every
     * other option (no_new_privs, pdeathsig, seccomp: each may be refused) waits for its exit.
     */
    static ExitNeed.Stop prctl(long[] args, Captures atEntry, ExitNeed.Context context) {
        return switch ((int) args[0]) {
            case Prctl.PR_GET_NAME -> ENTRY;
            case Prctl.PR_SET_NAME -> {
                byte[] name = atEntry.bytes(1);
                boolean whole = name != null && (name.length >= TASK_COMM_LEN || ((args[1] + name.length) & (PAGE - 1)) != 0);
                yield whole ? ENTRY : EXIT;
            }
            default -> EXIT;
        };
    }

    /**
     * ptrace: only whether a PTRACE_TRACEME, PTRACE_ATTACH or PTRACE_SEIZE failed is read (the note
     * on a traced program whose own tracing the kernel refused); every other request of a program
     * that traces what the tool does not (a debugger attached to a process outside the trace) is
     * counted as a call and nothing more.
     */
    static ExitNeed.Stop ptrace(long[] args, Captures atEntry, ExitNeed.Context context) {
        return PtraceCalls.mayBeRefusedAsTraced(args[0]) ? EXIT : ENTRY;
    }
}
