package dev.jthreadtrace.decode;

import java.util.ArrayList;
import java.util.List;

/** Signal names and signal sets, as strace prints them ({@code SIGUSR1}; sets as {@code [INT TERM]} or {@code ~[KILL]}). */
public final class Signals {
    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    public static final int SIGRTMIN = 32, NSIG = 64;
    /** {@code sizeof(kernel sigset_t)} on x86-64. */
    public static final int SIGSET_SIZE = 8;

    /**
     * The signals the C library keeps for itself (glibc's SIGCANCEL and SIGSETXID, kernel numbers 32 and 33; musl's
     * are among 32..34). Its sigprocmask, pthread_sigmask and sigfillset never let a program block them, so a set
     * that blocks one is the library's own "block everything" around clone, thread exit or posix_spawn (or Go's
     * runtime, which blocks all 64): a transient, not a setting. A program's own "block every signal" (sigfillset,
     * Python's valid_signals()) leaves them out and is a setting, inherited by the threads it then creates. (This
     * once counted blocked signals, and took a program's 60 for the library's transient: its threads read [].)
     */
    public static final long LIBC_RESERVED = (1L << (32 - 1)) | (1L << (33 - 1));
    /**
     * musl's "application signals" (all but 32..34), which its pthread_create and pthread_exit block while saving
     * the old mask (__block_app_sigs): a transient too, though musl's sigfillset gives the same set, so a musl
     * program's own SIG_BLOCK of a filled set that saves the old mask reads as one (with NULL for the old, as
     * usual, it is a setting). Without this every musl thread was told to inherit all signals blocked.
     */
    public static final long MUSL_APP_SIGNALS = ~((1L << (32 - 1)) | (1L << (33 - 1)) | (1L << (34 - 1)));
    /** Signals the kernel never lets a task block (SIGKILL, SIGSTOP): a mask read back never holds them. */
    public static final long UNBLOCKABLE = (1L << (9 - 1)) | (1L << (19 - 1));

    private Signals() {}

    /**
     * Whether a thread's mask as the kernel holds it ({@code /proc/TID/status} SigBlk, or the model's
     * real mask) is a C library's momentary "block everything" ({@link #LIBC_RESERVED}, {@link #MUSL_APP_SIGNALS}),
     * not the thread's setting. A program that blocked 32 or 33 itself (a raw rt_sigprocmask) reads so too.
     */
    public static boolean transientBlock(long mask) {
        return (mask & LIBC_RESERVED) != 0 || (mask & ~UNBLOCKABLE) == (MUSL_APP_SIGNALS & ~UNBLOCKABLE);
    }

    /** rt_sigprocmask's {@code how}: {@code SIG_BLOCK}, {@code SIG_UNBLOCK}, {@code SIG_SETMASK}. */
    public static String renderHow(long how) {
        return switch ((int) how) {
            case 0 -> "SIG_BLOCK";
            case 1 -> "SIG_UNBLOCK";
            case 2 -> "SIG_SETMASK";
            default -> "0x" + Long.toHexString(how) + " /* SIG_??? */";
        };
    }

    /** "USR1" for 10, "RTMIN" for 32, "RT_3" for 35. */
    public static String shortName(int signal) {
        if (signal > 0 && signal < NAMES.length) return NAMES[signal];
        if (signal == SIGRTMIN) return "RTMIN";
        if (signal > SIGRTMIN && signal <= NSIG) return "RT_" + (signal - SIGRTMIN);
        return Integer.toString(signal);
    }

    /** "SIGUSR1", or the number for something that is not a signal. */
    public static String name(int signal) {
        if (signal <= 0 || signal > NSIG) return Integer.toString(signal);
        return "SIG" + shortName(signal);
    }

    /** The signals in a 64-bit kernel sigset (bit s-1 is signal s). */
    public static List<Integer> members(long mask) {
        List<Integer> out = new ArrayList<>();
        for (int s = 1; s <= NSIG; s++) if ((mask & (1L << (s - 1))) != 0) out.add(s);
        return out;
    }

    /** {@code [INT TERM]}; more than half the signals set prints the complement, {@code ~[KILL STOP]}, as strace. */
    public static String renderSet(long mask) {
        List<Integer> set = members(mask);
        boolean complement = set.size() > NSIG / 2;
        List<Integer> shown = complement ? members(~mask) : set;
        StringBuilder out = new StringBuilder(complement ? "~[" : "[");
        for (int i = 0; i < shown.size(); i++) {
            if (i > 0) out.append(' ');
            out.append(shortName(shown.get(i)));
        }
        return out.append(']').toString();
    }

    /** A captured sigset argument: the set, the pointer when it could not be read, NULL for none. */
    public static String renderSetArg(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null || bytes.length < 8) return Args.pointer(pointer);
        return renderSet(Args.le(bytes).getLong(0));
    }
}
