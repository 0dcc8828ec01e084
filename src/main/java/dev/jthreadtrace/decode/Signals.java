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
     * A mask with this many signals blocked is glibc's "block everything" around clone (and the
     * like), a moment's state, not a thread's setting.
     */
    public static final int TRANSIENT_BLOCK = 60;

    private Signals() {}

    /** Whether {@code mask} is such a moment's "block everything" ({@link #TRANSIENT_BLOCK}). */
    public static boolean transientBlock(long mask) {
        return Long.bitCount(mask) >= TRANSIENT_BLOCK;
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
