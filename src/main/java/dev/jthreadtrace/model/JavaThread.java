package dev.jthreadtrace.model;

import dev.jthreadtrace.event.JavaRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java view of a thread ({@code constructorTid} 0 when the agent did not see its construction,
 * e.g. {@code main}), joined to a kernel task: full name, {@code Thread.threadId()}, the
 * OS thread that constructed it (the Java creator, whose inheritable thread-locals it copied) and
 * the one that called {@code start()} (whose clone made the task: the kernel creator), and the
 * creation stack: where start() was called, the innermost frame first (empty when not recorded).
 */
public record JavaThread(long id, String name, boolean virtual, int constructorTid, String constructorName,
                         Integer starterTid, Map<String, String> inherited, VirtualStarter virtualStarter,
                         List<String> formerNames, List<JavaRecord.Frame> stack, Map<String, String> attributes) {
    /**
     * The Java-level settings a thread runs with, inherited from its creator at construction unless
     * changed before start(): the hooks {@code ccl} (context class loader), {@code daemon},
     * {@code priority}, {@code group}.
     */
    public static final List<String> ATTRIBUTE_HOOKS = List.of("ccl", "daemon", "priority", "group");
    /**
     * What an application thread started by {@code main} ordinarily starts with: a value equal to
     * it says nothing, one that differs (a daemon, a raised priority, a web app's loader) does.
     */
    public static final Map<String, String> ORDINARY_ATTRIBUTES = Map.of("daemon", "false", "priority", "5", "group", "main",
            "ccl", "jdk.internal.loader.ClassLoaders$AppClassLoader@app");
    /**
     * The attribute the agent gives a thread of one of the JDK's own pools, read from the pool it works for
     * ({@code ForkJoinPool.commonPool()}, {@code virtual-thread scheduler}, {@code virtual-thread unblocker}):
     * a fact about the thread, not a setting it inherited; such a thread outlives main by design.
     */
    public static final String JDK_POOL = "jdk_pool";
    /**
     * The attribute the agent gives a thread the JDK made for itself ({@code InnocuousThread.newSystemThread}:
     * process reaper, Keep-Alive-Timer, Common-Cleaner): the JDK class whose code started it. A fact, not
     * a setting; such a thread outlives main by design.
     */
    public static final String JDK_THREAD = "jdk_thread";
    /** A scoped-value binding a StructuredTaskScope fork inherited: {@code sv:ScopedValue#1}. */
    public static final String SCOPED_VALUE_PREFIX = "sv:";

    public JavaThread {
        formerNames = formerNames == null ? List.of() : List.copyOf(formerNames);
        stack = stack == null ? List.of() : List.copyOf(stack);
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public JavaThread(long id, String name, boolean virtual, int constructorTid, String constructorName,
                      Integer starterTid, Map<String, String> inherited, VirtualStarter virtualStarter) {
        this(id, name, virtual, constructorTid, constructorName, starterTid, inherited, virtualStarter, null, null, null);
    }

    /** The same thread with its creation stack and the settings it runs with. */
    public JavaThread withStart(List<JavaRecord.Frame> frames, Map<String, String> settings) {
        return new JavaThread(id, name, virtual, constructorTid, constructorName, starterTid, inherited, virtualStarter,
                formerNames, frames, settings);
    }

    /** The same thread with the scoped-value bindings it inherited ({@code sv:Name} keys) among its settings. */
    public JavaThread withScopedValues(Map<String, String> bindings) {
        Map<String, String> settings = new LinkedHashMap<>(attributes);
        settings.putAll(bindings);
        return withStart(stack, settings);
    }

    /** The JDK pool this thread works for ({@link #JDK_POOL}), or null when it is no JDK pool's. */
    public String jdkPool() {
        return attributes.get(JDK_POOL);
    }

    /** The JDK class that started this thread when the JDK made it for itself ({@link #JDK_THREAD}), or null. */
    public String jdkThread() {
        return attributes.get(JDK_THREAD);
    }

    /** The first frame of the creation stack, {@code com.example.Cache.<init>(Cache.java:42)}; null when none. */
    public String createdAt() {
        return stack.isEmpty() ? null : stack.getFirst().toString();
    }

    /** The same thread under a new name (Thread.setName after start), the old one kept. */
    public JavaThread renamed(String newName) {
        if (newName.equals(name)) return this;
        List<String> former = new ArrayList<>(formerNames);
        former.add(name);
        return new JavaThread(id, newName, virtual, constructorTid, constructorName, starterTid, inherited, virtualStarter, former,
                stack, attributes);
    }

    /**
     * The virtual thread that called {@code start()}, when one did: the OS thread whose clone made
     * the task ({@code starterTid}) is then only its carrier.
     */
    public record VirtualStarter(long id, String name) {}

    public JavaThread(long id, String name, boolean virtual, int constructorTid, String constructorName,
                      Integer starterTid, Map<String, String> inherited) {
        this(id, name, virtual, constructorTid, constructorName, starterTid, inherited, null);
    }

    /**
     * What it started with at the Java level: the Java settings ({@code ccl}, {@code daemon},
     * {@code priority}, {@code group}) and the inheritable thread-locals as {@code itl:Name} hooks.
     */
    public Map<String, String> inheritedValues() {
        Map<String, String> out = new LinkedHashMap<>(attributes);
        out.remove(JDK_POOL);
        out.remove(JDK_THREAD);
        inherited.forEach((k, v) -> out.put(hookKey(k), v));
        return out;
    }

    /** Whether {@code key} names a Java-level hook (a setting, a scoped value, a thread-local), not a kernel one. */
    public static boolean isJavaHook(String key) {
        return ATTRIBUTE_HOOKS.contains(key) || key.startsWith(SCOPED_VALUE_PREFIX) || key.startsWith(Hook.THREAD_LOCAL_PREFIX);
    }

    /** The value it started with for a Java-level hook key ({@link #isJavaHook}), or null. */
    public String inheritedValue(String key) {
        return key.startsWith(Hook.THREAD_LOCAL_PREFIX) ? inherited.get(key.substring(Hook.THREAD_LOCAL_PREFIX.length())) : attributes.get(key);
    }

    /** The hook key of an inheritable thread-local: {@code itl:RequestContext}. */
    public static String hookKey(String threadLocalName) {
        return "itl:" + threadLocalName;
    }
}
