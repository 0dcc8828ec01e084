package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.render.LineOptions;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * strace's {@code -e EXPR} qualifiers: {@code trace=SET} (or a bare SET), {@code status=LIST},
 * {@code signal=LIST} and {@code decode-fds=path}; a leading {@code !} negates a list, as in
 * strace. The qualifiers strace has and jthreadtrace does not are answered with what to use
 * instead. A later {@code -e} of the same kind replaces an earlier one.
 *
 * @param trace    the syscall set ({@link dev.jthreadtrace.decode.TraceSelection}'s spelling)
 * @param signals  by signal number, which signal lines are shown
 * @param fdPaths  {@code decode-fds=path}: true, {@code decode-fds=none}: false, not given: null
 */
record Qualifiers(String trace, Set<LineOptions.Status> statuses, boolean[] signals, Boolean fdPaths) {
    /** strace qualifiers without a counterpart here, and what to do instead. */
    private static final Map<String, String> ANSWERS = Map.ofEntries(
            Map.entry("abbrev", "constants are printed as strace's default (abbreviated) form; raw values are in --format jsonl (args)"),
            Map.entry("verbose", "structures are printed as strace prints them without -v (stat as {st_mode=..., st_size=..., ...})"),
            Map.entry("raw", "the raw argument values are in --format jsonl (args)"),
            Map.entry("read", "hex dumps of the data read are not supported: read buffers are shown quoted, up to -s SIZE bytes"),
            Map.entry("write", "hex dumps of the data written are not supported: write buffers are shown quoted, up to -s SIZE bytes"),
            Map.entry("fault", "jthreadtrace never changes what the traced program's syscalls do: use strace -e inject= for fault injection"),
            Map.entry("inject", "jthreadtrace never changes what the traced program's syscalls do: use strace -e inject= for fault injection"),
            Map.entry("quiet", "-e quiet= is not supported: -q silences attach's detach message, the only message of strace's kind jthreadtrace prints"),
            Map.entry("kvm", "KVM vcpu exits are not traced"),
            Map.entry("decode-pids", "every line already names its thread (tid and name); process ids are in --report tree"));

    static Qualifiers parse(List<String> expressions) {
        String trace = null;
        Set<LineOptions.Status> statuses = EnumSet.allOf(LineOptions.Status.class);
        boolean[] signals = null;
        Boolean fdPaths = null;
        for (String expression : expressions) {
            int eq = expression.indexOf('=');
            String kind = eq < 0 ? "trace" : expression.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? expression : expression.substring(eq + 1);
            switch (kind) {
                case "trace", "t" -> trace = value;
                case "status" -> statuses = statuses(value);
                case "signal", "signals", "s" -> signals = signals(value);
                case "decode-fds" -> fdPaths = !value.strip().equals("none");
                default -> {
                    String answer = ANSWERS.get(kind);
                    throw new IllegalArgumentException(answer != null ? "-e " + kind + "=: " + answer
                            : "unknown -e qualifier '" + kind + "' (use trace=, status=, signal= or decode-fds=)");
                }
            }
        }
        if (signals == null) {
            signals = new boolean[Signals.NSIG + 1];
            Arrays.fill(signals, true);
        }
        return new Qualifiers(trace, statuses, signals, fdPaths);
    }

    /** {@code successful}, {@code failed}, {@code unfinished}, {@code all}, {@code none}, {@code !failed}... */
    private static Set<LineOptions.Status> statuses(String list) {
        boolean negate = list.startsWith("!");
        EnumSet<LineOptions.Status> out = EnumSet.noneOf(LineOptions.Status.class);
        for (String raw : (negate ? list.substring(1) : list).split(",")) {
            String item = raw.strip().toLowerCase(Locale.ROOT);
            switch (item) {
                case "successful" -> out.add(LineOptions.Status.SUCCESSFUL);
                case "failed" -> out.add(LineOptions.Status.FAILED);
                case "unfinished" -> out.add(LineOptions.Status.UNFINISHED);
                case "all" -> out.addAll(EnumSet.allOf(LineOptions.Status.class));
                // A call whose result the tracer could not get, a task detached mid-call: never here.
                case "unavailable", "detached", "none", "" -> { }
                default -> throw new IllegalArgumentException("unknown status '" + raw.strip()
                        + "' (use successful, failed, unfinished, all or none)");
            }
        }
        return negate ? EnumSet.complementOf(out) : out;
    }

    /** {@code SIGUSR1,TERM,15}, {@code all}, {@code none}, {@code !SIGCHLD}. */
    private static boolean[] signals(String list) {
        boolean negate = list.startsWith("!");
        boolean[] out = new boolean[Signals.NSIG + 1];
        for (String raw : (negate ? list.substring(1) : list).split(",")) {
            String item = raw.strip().toUpperCase(Locale.ROOT);
            if (item.isEmpty() || item.equals("NONE")) continue;
            if (item.equals("ALL")) {
                Arrays.fill(out, true);
                continue;
            }
            out[signal(item, raw)] = true;
        }
        if (negate) for (int s = 0; s < out.length; s++) out[s] = !out[s];
        return out;
    }

    private static int signal(String item, String raw) {
        if (item.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(item.length() > 3 ? "999" : item);
            if (n >= 1 && n <= Signals.NSIG) return n;
        } else {
            String name = item.startsWith("SIG") ? item : "SIG" + item;
            for (int s = 1; s <= Signals.NSIG; s++) if (Signals.name(s).equals(name)) return s;
        }
        throw new IllegalArgumentException("unknown signal '" + raw.strip() + "' (e.g. SIGUSR1, TERM, 15, all, none)");
    }
}
