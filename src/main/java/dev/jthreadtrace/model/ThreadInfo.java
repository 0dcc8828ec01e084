package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Everything the model knows about one task (thread or process leader). Mutable while the trace runs. */
public final class ThreadInfo {
    public record NameChange(long ns, String name) {}

    public final int tid;
    public int tgid;
    /** The task whose clone/fork returned this one; null for the traced command itself. */
    public Integer creator;
    /** The creator's record (the tid alone is ambiguous once the kernel reuses it). */
    public ThreadInfo creatorInfo;
    /** Creator-chain length: 0 for the traced command, 1 for what it created, ... */
    public int depth;
    /** The kernel's parent (PPid): for CLONE_THREAD the process's parent, for CLONE_PARENT the creator's parent. */
    public int osParent;
    public TraceEvent.SpawnKind spawnKind;
    public long cloneFlags;
    public long start;
    public Long end;
    public Exit exit;
    public final List<NameChange> names = new ArrayList<>();
    public Hooks hooks;
    /** The hooks as they were at creation: what it inherited. */
    public Hooks inherited;
    /** CLONE_CHILD_CLEARTID address: the kernel zeroes it and wakes its futex when the task exits. */
    public long clearTidAddress;
    /** The stack the creator gave it (clone/clone3 stack argument): lowest address and size. */
    public long stackLow, stackSize;
    public boolean ownExit, ownExitGroup;
    /** The Java thread running on this task, when the JVM agent reported one. */
    public JavaThread java;

    // futex counters
    public long futexCalls, futexWaits, futexWakes, futexWoken, futexBlockedNs, futexTimeouts, futexEagain;
    // mmap counters
    public long mmapCalls, mmapBytes, munmapCalls, munmapBytes;

    ThreadInfo(int tid, int tgid, long start, Hooks hooks) {
        this.tid = tid;
        this.tgid = tgid;
        this.start = start;
        this.hooks = hooks;
        this.inherited = hooks;
        this.names.add(new NameChange(start, hooks.name()));
    }

    /** The thread's name: the Java name when the agent reported one (comm is cut at 15 bytes), else comm. */
    public String name() {
        return java != null ? java.name() : hooks.name();
    }

    /** The inheritable thread-locals it started with, as {@code itl:Name} hooks (empty without the JVM view). */
    public Map<String, String> inheritedThreadLocals() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (java != null) java.inherited().forEach((k, v) -> out.put(JavaThread.hookKey(k), v));
        return out;
    }

    /** The value this thread started with for a hook key: a kernel hook or {@code itl:Name}. */
    public String inheritedValue(String key) {
        if (key.startsWith("itl:")) return java == null ? null : java.inherited().get(key.substring(4));
        return Hooks.isHook(key) ? inherited.value(key) : null;
    }

    public boolean isThread() {
        return tid != tgid;
    }

    /** True when the kernel's parent is not the task that created it: what pstree hides. */
    public boolean reparented() {
        return creator != null && osParent != creator;
    }

    public List<String> nameHistory() {
        List<String> out = new ArrayList<>();
        for (NameChange n : names) if (out.isEmpty() || !out.getLast().equals(n.name())) out.add(n.name());
        return out;
    }
}
