package dev.jthreadtrace.decode;

import java.util.List;

/**
 * Where strace splits a call's text between its entry and its exit ({@code <unfinished ...>} and
 * {@code <... NAME resumed>}): strace prints at entry the arguments it decodes then, and at exit
 * the rest. In general the arguments before the first one the kernel fills in (an AT_EXIT capture
 * of an argument) are printed at entry, with the {@code ", "} after them: {@code read(3, }. A call
 * whose arguments are all inputs is printed whole at entry (what the kernel writes for poll or
 * select is in the result). A few calls show a changed input at exit, the separator with it:
 * {@code clone(child_stack=..., flags=...} / {@code , parent_tid=[1234], ...)},
 * {@code clone3({...}} / {@code  => {parent_tid=[1234]}, 88)}, {@code sendfile(1, 3, [0]} /
 * {@code  => [100], 100)}, io_uring_setup's parameters (what the program asked for at entry, what
 * the kernel wrote back, {@code , sq_entries=4, ...}, at exit). An argument read at entry and again at exit (poll's array) is an input:
 * what the kernel wrote is in the result. The exit's text always begins with the entry's: every
 * capture an entry part shows is read at entry.
 */
final class EntrySplit {
    private static final long CLONE_AT_EXIT = CloneFlags.CLONE_PARENT_SETTID | CloneFlags.CLONE_PIDFD
            | CloneFlags.CLONE_CHILD_SETTID | CloneFlags.CLONE_CHILD_CLEARTID | CloneFlags.CLONE_SETTLS;
    private static final long CLONE3_AT_EXIT = CloneFlags.CLONE_PARENT_SETTID | CloneFlags.CLONE_PIDFD;
    private static final int SENDFILE = SyscallTable.number("sendfile").orElse(-1),
            IO_URING_SETUP = SyscallTable.number("io_uring_setup").orElse(-1);

    private EntrySplit() {}

    static String entryPart(int nr, long[] args, Captures captures, int stringMax) {
        String whole = SyscallDecoder.call(nr, args, captures, stringMax);
        String open = whole.substring(0, whole.length() - 1); // without ")"
        String name = SyscallTable.name(nr) + "(";
        if (nr == SyscallTable.CLONE) {
            if ((args[0] & CLONE_AT_EXIT) == 0) return open;
            int flags = whole.indexOf("flags=");
            int comma = flags < 0 ? -1 : topLevelCommaAfter(whole, flags);
            return comma < 0 ? open : whole.substring(0, comma);
        }
        if (nr == SyscallTable.CLONE3) {
            byte[] struct = captures.bytes(0);
            if (struct == null || struct.length < CloneFlags.CLONE_ARGS_SIZE_VER0
                    || (CloneFlags.CloneArgs.parse(struct).flags() & CLONE3_AT_EXIT) == 0) return open;
            int cut = lastTopLevelComma(whole, whole.length());
            return cut < 0 ? open : whole.substring(0, cut);
        }
        if (nr == SENDFILE) {
            if (!captures.has(2)) return open;
            int cut = lastTopLevelComma(whole, whole.length());
            return cut < 0 ? open : whole.substring(0, cut);
        }
        if (nr == IO_URING_SETUP && captures.has(1)) {
            // strace: {flags=..., sq_thread_idle=0 / , sq_entries=4, ..., cq_off={...}}) — the struct's second half is the kernel's
            int exit = open.indexOf(", sq_entries=");
            return exit >= 0 ? open.substring(0, exit) : open.substring(0, open.length() - 1);
        }
        int firstOutput = firstOutputArg(nr, args);
        if (firstOutput < 0) return open;
        if (firstOutput == 0) return name;
        // Where the rendering first depends on the output argument: render once more with another
        // value there; the common prefix, back to the last top-level ", ", is what entry knows.
        long[] other = args.clone();
        other[firstOutput] = args[firstOutput] == 0 ? 0x5a5a5a5a5a5a5a5aL : ~args[firstOutput];
        String changed = SyscallDecoder.call(nr, other, captures, stringMax);
        int same = 0;
        while (same < whole.length() && same < changed.length() && whole.charAt(same) == changed.charAt(same)) same++;
        int cut = lastTopLevelComma(whole, same);
        return cut < 0 ? name : whole.substring(0, cut + 2);
    }

    /**
     * The lowest argument index the kernel writes (an AT_EXIT capture of an argument), or -1. A
     * descriptor's path (-y) of the result and a second capture ({@link Captures#EXTRA}) are not
     * arguments: what they show is printed at exit by the result or by the cases above.
     */
    private static int firstOutputArg(int nr, long[] args) {
        List<Capture> plan = Syscalls.captures(nr, args);
        int first = -1;
        for (Capture c : plan) {
            if (c.when() == Capture.When.AT_EXIT && c.arg() < 6 && (first < 0 || c.arg() < first) && !readAtEntry(plan, c.arg())) first = c.arg();
        }
        return first;
    }

    /** Whether an argument is read at entry too (poll's array: strace prints it then, what the kernel wrote goes in the result). */
    private static boolean readAtEntry(List<Capture> plan, int arg) {
        for (Capture c : plan) if (c.arg() == arg && c.when() == Capture.When.AT_ENTRY) return true;
        return false;
    }

    /** The index of the first ", " after {@code from} outside brackets, braces, parentheses and strings; -1 if none. */
    private static int topLevelCommaAfter(String text, int from) {
        return topLevelComma(text, from, text.length(), true);
    }

    /** The index of the last ", " before {@code limit} outside brackets, braces, parentheses and strings; -1 if none. */
    static int lastTopLevelComma(String text, int limit) {
        return topLevelComma(text, text.indexOf('(') + 1, limit, false);
    }

    /**
     * The first (or last) ", " in {@code [from, limit)} at the nesting depth of {@code from}, outside
     * strings; -1 if none.
     */
    private static int topLevelComma(String text, int from, int limit, boolean first) {
        int depth = 0, found = -1;
        boolean quoted = false;
        for (int i = from; i < limit && i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == ' ') {
                if (first) return i;
                found = i;
            }
        }
        return found;
    }
}
