package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Signals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The values of a task's {@link Hook}s at one moment, as one immutable value.
 *
 * @param name       comm
 * @param sigmask    blocked signals; {@link #UNKNOWN_SIGMASK} when a change to it could not be read
 * @param affinity   CPU list, or "default"
 * @param seccomp    filters installed
 * @param noNewPrivs no_new_privs set
 * @param pdeathsig  the parent-death signal (0: none)
 * @param traced     whether the tool's tracer is attached
 */
public record Hooks(String name, long sigmask, String affinity, int seccomp, boolean noNewPrivs, int pdeathsig,
                    Tracer traced) {
    /*
     * equals and hashCode written out: a record's own are bootstrapped at their first call
     * (ObjectMethods, method handles spun at run time that the AOT cache does not keep), and every
     * trace compares hooks at the command's first exec: ~10% of the main thread in a traced /bin/true.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Hooks h && sigmask == h.sigmask && seccomp == h.seccomp && noNewPrivs == h.noNewPrivs
                && pdeathsig == h.pdeathsig && traced == h.traced && Objects.equals(name, h.name)
                && Objects.equals(affinity, h.affinity);
    }

    @Override
    public int hashCode() {
        int h = Objects.hashCode(name);
        h = 31 * h + Long.hashCode(sigmask);
        h = 31 * h + Objects.hashCode(affinity);
        h = 31 * h + seccomp;
        h = 31 * h + Boolean.hashCode(noNewPrivs);
        h = 31 * h + pdeathsig;
        return 31 * h + Objects.hashCode(traced);
    }
    /**
     * A mask no task can have (SIGKILL and SIGSTOP are never blocked): the value after a change the
     * tracer could not read (a process that made itself non-dumpable, traced without CAP_SYS_PTRACE).
     */
    public static final long UNKNOWN_SIGMASK = -1L;
    /** How a value that could not be read is written in the report and compared by assertions. */
    public static final String UNKNOWN = "?";

    /** Whether {@code hook}'s value is known (only a signal mask can be unreadable). */
    public boolean known(Hook hook) {
        return hook != Hook.SIGMASK || sigmask != UNKNOWN_SIGMASK;
    }

    /** The tracer attachment a task has: ours, or none (a CLONE_UNTRACED child). */
    public enum Tracer {
        PTRACE("ptrace"), UNTRACED("untraced");

        private final String text;

        Tracer(String text) {
            this.text = text;
        }

        /** As the report, the JSONL and assertions write it. */
        public String text() {
            return text;
        }
    }

    public static Hooks initial(String name) {
        return new Hooks(name, 0, "default", 0, false, 0, Tracer.PTRACE);
    }

    /** What a child starts with: everything but pdeathsig, which the kernel clears in copy_process. */
    public Hooks forChild() {
        // The same value when there is no pdeathsig to clear: one Hooks shared by every child, not one each.
        if (pdeathsig == 0) return this;
        return new Hooks(name, sigmask, affinity, seccomp, noNewPrivs, 0, traced);
    }

    public Hooks withName(String v) {
        return new Hooks(v, sigmask, affinity, seccomp, noNewPrivs, pdeathsig, traced);
    }

    public Hooks withSigmask(long v) {
        return new Hooks(name, v, affinity, seccomp, noNewPrivs, pdeathsig, traced);
    }

    public Hooks withAffinity(String v) {
        return new Hooks(name, sigmask, v, seccomp, noNewPrivs, pdeathsig, traced);
    }

    public Hooks withSeccomp(int v) {
        return new Hooks(name, sigmask, affinity, v, noNewPrivs, pdeathsig, traced);
    }

    public Hooks withNoNewPrivs(boolean v) {
        return new Hooks(name, sigmask, affinity, seccomp, v, pdeathsig, traced);
    }

    public Hooks withPdeathsig(int v) {
        return new Hooks(name, sigmask, affinity, seccomp, noNewPrivs, v, traced);
    }

    public Hooks withTraced(Tracer v) {
        return new Hooks(name, sigmask, affinity, seccomp, noNewPrivs, pdeathsig, v);
    }

    /** The value of one hook as text: what the report prints and assertions compare. */
    public String value(Hook hook) {
        return switch (hook) {
            case NAME -> name;
            case SIGMASK -> sigmask == UNKNOWN_SIGMASK ? UNKNOWN : Signals.renderSet(sigmask);
            case AFFINITY -> affinity;
            case SECCOMP -> Integer.toString(seccomp);
            case NO_NEW_PRIVS -> noNewPrivs ? "1" : "0";
            case PDEATHSIG -> pdeathsig == 0 ? "0" : Signals.name(pdeathsig);
            case TRACED -> traced.text();
        };
    }

    /**
     * {@code values} (hook key to text, as {@link #inheritedValues} gives them) with a value of
     * {@code hooks} that could not be read as null, as JSONL writes it (the report prints {@link #UNKNOWN}).
     */
    public static Map<String, String> unreadAsNull(Map<String, String> values, Hooks hooks) {
        if (hooks.known(Hook.SIGMASK)) return values;
        Map<String, String> out = new LinkedHashMap<>(values);
        out.put(Hook.SIGMASK.key(), null);
        return out;
    }

    /** The inherited hooks, key to text, in a stable order. */
    public Map<String, String> inheritedValues() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Hook hook : Hook.inheritedHooks()) out.put(hook.key(), value(hook));
        return out;
    }
}
