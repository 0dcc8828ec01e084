package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Signals;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a new task inherits from the task that creates it — its "spawn hooks" — as one
 * immutable value. Each hook has a stable key (used in JSON, the report and {@code --assert}).
 *
 * @param name        comm (set by prctl(PR_SET_NAME) or execve); inherited, 15 bytes
 * @param sigmask     blocked signals (kernel sigset), inherited
 * @param affinity    CPU list ("0", "0-3") or "default" while never set under the trace; inherited
 * @param seccomp     number of seccomp filters installed; inherited
 * @param noNewPrivs  prctl(PR_SET_NO_NEW_PRIVS); inherited
 * @param pdeathsig   prctl(PR_SET_PDEATHSIG); per task and cleared in every child, so never inherited
 * @param traced      "ptrace" when the task is traced (auto-attached), "untraced" for CLONE_UNTRACED children
 */
public record Hooks(String name, long sigmask, String affinity, int seccomp, boolean noNewPrivs, int pdeathsig,
                    String traced) {
    public static final String NAME = "name", SIGMASK = "sigmask", AFFINITY = "affinity", SECCOMP = "seccomp",
            NO_NEW_PRIVS = "no_new_privs", PDEATHSIG = "pdeathsig", TRACED = "traced";

    /** Keys of the hooks a child takes over from its creator (pdeathsig is not one). */
    public static final String[] INHERITED_KEYS = {NAME, SIGMASK, AFFINITY, SECCOMP, NO_NEW_PRIVS, TRACED};

    public static Hooks initial(String name) {
        return new Hooks(name, 0, "default", 0, false, 0, "ptrace");
    }

    /** What a child starts with: everything but pdeathsig, which the kernel clears in copy_process. */
    public Hooks forChild() {
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

    public Hooks withTraced(String v) {
        return new Hooks(name, sigmask, affinity, seccomp, noNewPrivs, pdeathsig, v);
    }

    /** The value of one hook as text: what the report prints and assertions compare. */
    public String value(String key) {
        return switch (key) {
            case NAME -> name;
            case SIGMASK -> Signals.renderSet(sigmask);
            case AFFINITY -> affinity;
            case SECCOMP -> Integer.toString(seccomp);
            case NO_NEW_PRIVS -> noNewPrivs ? "1" : "0";
            case PDEATHSIG -> pdeathsig == 0 ? "0" : Signals.name(pdeathsig);
            case TRACED -> traced;
            default -> null;
        };
    }

    /** The inherited hooks, key to text, in a stable order. */
    public Map<String, String> inheritedValues() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : INHERITED_KEYS) out.put(key, value(key));
        return out;
    }

    public static boolean isHook(String key) {
        for (String k : INHERITED_KEYS) if (k.equals(key)) return true;
        return PDEATHSIG.equals(key);
    }
}
