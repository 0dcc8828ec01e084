package dev.jthreadtrace.decode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code -e/--trace} set: syscall names and classes, strace style ({@code clone,futex,%memory}).
 * Which calls are <em>shown</em> is the user's choice; the tracer also <em>records</em> the calls
 * the thread model needs (spawns, exec, exit, the settings threads inherit) whatever is shown.
 */
public final class TraceSelection {
    /** The classes by their spelling ({@code %thread}), members from the registry. */
    public static final Map<String, List<String>> CLASSES = classes();

    /** The calls the kernel continues in restart_syscall after a signal with no handler (kernel/futex, kernel/time, fs/select.c). */
    private static final int[] RESTARTED_BY_BLOCK = {SyscallTable.FUTEX, SyscallTable.number("nanosleep").orElseThrow(),
            SyscallTable.number("clock_nanosleep").orElseThrow(), SyscallTable.number("poll").orElseThrow()};

    private static final int RT_SIGRETURN = SyscallTable.number("rt_sigreturn").orElseThrow();

    /** Always recorded: without these the trees and the inheritance timeline would be wrong. */
    private static final List<String> MODEL = Syscalls.modelSet();

    private static Map<String, List<String>> classes() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (SyscallClass c : SyscallClass.values()) out.put(c.spelling(), Syscalls.members(c));
        return Collections.unmodifiableMap(out);
    }

    private final boolean[] shown;
    private final boolean[] recorded;

    private TraceSelection(boolean[] shown) {
        this.shown = shown;
        this.recorded = shown.clone();
        for (String name : MODEL) recorded[SyscallTable.number(name).orElseThrow()] = true;
    }

    /**
     * Parses {@code clone,futex,%memory}, {@code all}, {@code /regex} (names it finds a match in,
     * as strace's {@code trace=/mm}) and {@code !SET} (every known syscall but those); classes as
     * strace spells them too ({@code %NET}, {@code %net}, {@code file}); throws with a message
     * naming the bad entry.
     */
    public static TraceSelection parse(String spec) {
        if (spec.startsWith("!")) {
            boolean[] excluded = parse(spec.substring(1)).shown;
            boolean[] shown = new boolean[SyscallTable.MAX_NR];
            for (int nr = 0; nr < shown.length; nr++) shown[nr] = SyscallTable.known(nr) && !excluded[nr];
            return new TraceSelection(shown);
        }
        boolean[] shown = new boolean[SyscallTable.MAX_NR];
        for (String raw : spec.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) continue;
            if (item.startsWith("/")) {
                Pattern regex;
                try {
                    regex = Pattern.compile(item.substring(1));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("bad syscall regex '" + item + "': " + e.getDescription());
                }
                boolean any = false;
                for (int nr = 0; nr < shown.length; nr++) {
                    if (SyscallTable.known(nr) && regex.matcher(SyscallTable.name(nr)).find()) shown[nr] = any = true;
                }
                if (!any) throw new IllegalArgumentException("no syscall matches '" + item + "'");
                continue;
            }
            if (item.equals("none")) continue; // strace's trace=none: show no call, record what the model needs
            if (item.equals("all")) {
                for (int nr = 0; nr < shown.length; nr++) shown[nr] = SyscallTable.known(nr);
            } else if (item.startsWith("%") || (SyscallTable.number(item).isEmpty() && SyscallClass.named(item).isPresent())) {
                // a class as strace spells it: any case, %net, or an old name without the % (file, desc, ...)
                SyscallClass c = SyscallClass.named(item).orElseThrow(() -> new IllegalArgumentException("unknown syscall class '"
                        + item + "' (known: " + String.join(", ", CLASSES.keySet()) + ")"));
                for (String m : CLASSES.get(c.spelling())) SyscallTable.number(m).ifPresent(nr -> shown[nr] = true);
            } else {
                int nr = SyscallTable.number(item).orElseThrow(() ->
                        new IllegalArgumentException("unknown syscall '" + item + "' (x86-64 names, e.g. clone3, futex, mmap)"));
                shown[nr] = true;
            }
        }
        return new TraceSelection(shown);
    }

    /**
     * The same selection, also recording (not showing) the given names and classes: what the
     * report sections and assertions need, e.g. %futex for the futex analysis.
     */
    public TraceSelection alsoRecording(List<String> namesAndClasses) {
        TraceSelection extra = parse(String.join(",", namesAndClasses));
        TraceSelection out = new TraceSelection(shown.clone());
        for (int nr = 0; nr < recorded.length; nr++) out.recorded[nr] = recorded[nr] || extra.shown[nr];
        return out;
    }

    /**
     * Only what the model needs (plus {@code extra}), nothing for display: with no live output,
     * a call that is only shown would cost two ptrace stops for nothing.
     */
    public TraceSelection modelOnly(List<String> extra) {
        TraceSelection out = new TraceSelection(new boolean[shown.length]);
        TraceSelection needed = extra.isEmpty() ? null : parse(String.join(",", extra));
        for (int nr = 0; nr < shown.length; nr++) {
            out.shown[nr] = shown[nr];
            if (needed != null && needed.shown[nr]) out.recorded[nr] = true;
        }
        return out;
    }

    /** What is shown when {@code -e} is not given (the registry's default rows). */
    public static TraceSelection defaults() {
        return parse(Syscalls.defaultSpec());
    }

    public boolean[] shown() {
        return shown.clone();
    }

    /**
     * By number, the calls recorded; with restart_syscall whenever a call the kernel may continue
     * in it is: a timed futex wait, nanosleep, a relative clock_nanosleep or a poll that a signal
     * without a handler interrupted (-ERESTART_RESTARTBLOCK) goes on in restart_syscall, whose
     * return is the call's real result (model.Restarts ties the two); and rt_sigreturn, whose
     * return value after a handler says whether the interrupted call is begun again.
     */
    public boolean[] recorded() {
        boolean[] out = recorded.clone();
        for (int nr : RESTARTED_BY_BLOCK) {
            if (out[nr]) out[SyscallTable.RESTART_SYSCALL] = out[RT_SIGRETURN] = true;
        }
        return out;
    }

    /**
     * Whether recording call {@code nr} records rt_sigreturn too: after a handler its return value
     * says whether the kernel begins the interrupted call again (the call's number) or ended it
     * (-EINTR), which the thread's own calls cannot tell (model.Restarts).
     */
    public static boolean withSigreturn(int nr) {
        for (int r : RESTARTED_BY_BLOCK) if (r == nr) return true;
        return false;
    }

    public boolean isShown(String name) {
        return SyscallTable.number(name).map(nr -> shown[nr]).orElse(false);
    }
}
