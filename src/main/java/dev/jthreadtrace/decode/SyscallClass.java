package dev.jthreadtrace.decode;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code -e %class} names: groups of syscalls a user selects at once. The tool's own classes
 * ({@code %thread}, {@code %futex}, {@code %hooks}) are declared by the registry's rows; strace's
 * ({@code %file}, {@code %desc}, {@code %network}, ..., and {@code %process} and {@code %memory},
 * which were the tool's own before and are supersets of what they were) come from strace's table,
 * {@link StraceClasses}, so {@code -e %file} selects what {@code strace -e %file} does.
 */
public enum SyscallClass {
    THREAD("%thread", null, "creating and ending threads and processes, exec, set_tid_address, set_robust_list"),
    PROCESS("%process", "TP", "process management: clone, fork, exec, exit, wait, kill (strace's)"),
    FUTEX("%futex", null, "futex calls and the robust list"),
    MEMORY("%memory", "TM", "memory mapping: mmap, munmap, mprotect, mremap, madvise, brk, mlock, ... (strace's)"),
    HOOKS("%hooks", null, "the settings a new thread inherits: name, signal mask, affinity, seccomp, exec"),
    FILE("%file", "TF", "calls that take a file name (strace's)"),
    DESC("%desc", "TD", "calls on file descriptors (strace's)"),
    NETWORK("%network", "TN", "sockets (strace's; also %net)"),
    SIGNAL("%signal", "TS", "signal handling (strace's)"),
    IPC("%ipc", "TI", "System V IPC: shm, sem, msg (strace's)"),
    CREDS("%creds", "TC", "user and group ids, capabilities (strace's)"),
    CLOCK("%clock", "TCL", "reading and setting clocks (strace's)"),
    PURE("%pure", "PU", "calls that never fail and take no argument: getpid, getuid, ... (strace's)"),
    STAT("%stat", "TST", "stat (strace's)"),
    LSTAT("%lstat", "TLST", "lstat (strace's)"),
    FSTAT("%fstat", "TFST", "fstat, newfstatat, statx (strace's)"),
    STAT_LIKE("%%stat", "TSTA", "every stat variant (strace's)"),
    STATFS("%statfs", "TSF", "statfs (strace's)"),
    FSTATFS("%fstatfs", "TFSF", "fstatfs (strace's)"),
    STATFS_LIKE("%%statfs", "TSFA", "every statfs variant (strace's)");

    /** strace's other spellings: {@code %net}, and the class names of old strace versions without the %. */
    private static final List<String[]> ALIASES = List.of(new String[] {"%net", "%network"}, new String[] {"desc", "%desc"},
            new String[] {"file", "%file"}, new String[] {"memory", "%memory"}, new String[] {"process", "%process"},
            new String[] {"signal", "%signal"}, new String[] {"ipc", "%ipc"}, new String[] {"network", "%network"});

    private final String spelling;
    private final String straceFlag;
    private final String description;

    SyscallClass(String spelling, String straceFlag, String description) {
        this.spelling = spelling;
        this.straceFlag = straceFlag;
        this.description = description;
    }

    /** How the user writes it: {@code %thread}. */
    public String spelling() {
        return spelling;
    }

    /** What it selects, for the help. */
    public String description() {
        return description;
    }

    /** strace's flag for the class in its syscall table ({@code TF}), or null for the tool's own classes. */
    String straceFlag() {
        return straceFlag;
    }

    /** Whether strace defines it (its members come from strace's table, not from the registry). */
    public boolean fromStrace() {
        return straceFlag != null;
    }

    /** The class a user's word names, as strace matches it: any case, {@code %net}, old names without the %. */
    public static Optional<SyscallClass> named(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        for (String[] alias : ALIASES) if (alias[0].equals(w)) w = alias[1];
        for (SyscallClass c : values()) if (c.spelling.equals(w)) return Optional.of(c);
        return Optional.empty();
    }

    /** Whether strace's table puts syscall {@code nr} in this class. */
    boolean inStraceFlags(int nr) {
        return straceFlag != null && nr >= 0 && nr < Membership.BY_NUMBER.length && (Membership.BY_NUMBER[nr] & (1 << ordinal())) != 0;
    }

    /** strace's table read once: per syscall number, a bit per class (by ordinal). */
    private static final class Membership {
        static final int[] BY_NUMBER = parse();

        private static int[] parse() {
            int[] out = new int[StraceClasses.BY_NUMBER.length];
            for (int nr = 0; nr < out.length; nr++) {
                String flags = StraceClasses.BY_NUMBER[nr];
                if (flags == null || flags.isEmpty()) continue;
                for (String f : flags.split("\\|")) {
                    for (SyscallClass c : values()) if (f.equals(c.straceFlag)) out[nr] |= 1 << c.ordinal();
                }
            }
            return out;
        }
    }
}
