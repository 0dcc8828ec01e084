package dev.jthreadtrace.model;

import java.util.List;

/**
 * The settings a task takes over from the task that creates it — its "spawn hooks" — each with
 * the stable key used in JSON, the report and {@code --assert inherits{…, hook="KEY"}}.
 */
public enum Hook {
    /** comm, set by prctl(PR_SET_NAME) or execve; inherited, 15 bytes. */
    NAME("name", true),
    /** Blocked signals (kernel sigset); inherited. */
    SIGMASK("sigmask", true),
    /** CPU list ("0", "0-3"), or "default" while never set under the trace; inherited. */
    AFFINITY("affinity", true),
    /** Number of seccomp filters installed; inherited. */
    SECCOMP("seccomp", true),
    /** prctl(PR_SET_NO_NEW_PRIVS); inherited. */
    NO_NEW_PRIVS("no_new_privs", true),
    /** prctl(PR_SET_PDEATHSIG): per task, cleared in every child by the kernel, so never inherited. */
    PDEATHSIG("pdeathsig", false),
    /** "ptrace" when the task is traced (auto-attached), "untraced" for CLONE_UNTRACED children. */
    TRACED("traced", true);

    /** The prefix of a Java inheritable thread-local's hook key: {@code itl:RequestContext}. */
    public static final String THREAD_LOCAL_PREFIX = "itl:";

    private static final List<Hook> ALL = List.of(values());
    private static final List<Hook> INHERITED = ALL.stream().filter(Hook::inherited).toList();
    private static final List<String> INHERITED_KEYS = INHERITED.stream().map(Hook::key).toList();

    private final String key;
    private final boolean inherited;

    Hook(String key, boolean inherited) {
        this.key = key;
        this.inherited = inherited;
    }

    public String key() {
        return key;
    }

    /** Whether a child takes it over from its creator. */
    public boolean inherited() {
        return inherited;
    }

    /** Every hook, in its stable order (without {@code values()}'s copy: this is on the model's path). */
    public static List<Hook> all() {
        return ALL;
    }

    /** The hooks a child takes over, in their stable order. */
    public static List<Hook> inheritedHooks() {
        return INHERITED;
    }

    /** The hook with this key, or null. */
    public static Hook byKey(String key) {
        for (Hook h : ALL) if (h.key.equals(key)) return h;
        return null;
    }

    /** The keys of the inherited hooks, for messages and help. */
    public static List<String> inheritedKeys() {
        return INHERITED_KEYS;
    }
}
